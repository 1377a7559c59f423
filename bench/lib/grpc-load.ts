/**
 * A minimal gRPC load generator for unary calls: the request is encoded once and sent as is (HTTP/2, h2c), and
 * each call is checked for `grpc-status` 0. What a client library does around a call (message objects, async
 * iterables, interceptors, web `Headers`) costs more CPU than the server spends on a small call, and on a 2-core
 * machine the client's CPU is taken from the server: this keeps the client's share small, as ghz or h2load would.
 */
import { connect, constants } from "node:http2";

/** Options of {@link runUnaryLoad}. */
export interface UnaryLoadOptions {
  /** `http://host:port`. */
  baseUrl: string;
  /** `/<package.Service>/<Method>`. */
  path: string;
  /** The request messages, protobuf-encoded: call `i` sends `messages[i % messages.length]`. */
  messages: readonly Uint8Array[];
  calls: number;
  concurrency: number;
}

/** What {@link runUnaryLoad} measured. */
export interface UnaryLoadResult {
  seconds: number;
  callsPerSecond: number;
  /** CPU (user + system) this process spent per call, in ms. */
  clientCpuMsPerCall: number;
  /** Each call's latency (request sent to stream closed), in ms, in the order the calls finished. */
  latenciesMs: number[];
}

/** Makes `calls` calls, `concurrency` at a time on one connection; rejects on the first call that fails. */
export async function runUnaryLoad(options: UnaryLoadOptions): Promise<UnaryLoadResult> {
  // gRPC's length-prefixed message framing: a compression flag byte, then the length as a big-endian uint32.
  const bodies = options.messages.map((message) => {
    const body = Buffer.alloc(5 + message.byteLength);
    body.writeUInt32BE(message.byteLength, 1);
    body.set(message, 5);
    return body;
  });
  const session = connect(options.baseUrl);
  await new Promise<void>((resolve, reject) => session.once("connect", () => resolve()).once("error", reject));
  const headers = {
    [constants.HTTP2_HEADER_METHOD]: "POST",
    [constants.HTTP2_HEADER_PATH]: options.path,
    "content-type": "application/grpc",
    te: "trailers",
  };
  const call = (body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const stream = session.request(headers);
      let status: string | undefined;
      stream.on("trailers", (trailers) => (status = String(trailers["grpc-status"])));
      stream.on("response", (response) => {
        // A call that fails before any message answers with its status in the headers (trailers-only).
        if (response["grpc-status"] !== undefined) status = String(response["grpc-status"]);
      });
      stream.on("data", () => undefined);
      stream.on("error", reject);
      stream.on("close", () =>
        status === "0" ? resolve() : reject(new Error(`${options.path} answered grpc-status ${status ?? "none"}`)),
      );
      stream.end(body);
    });
  try {
    let next = 0;
    const latenciesMs: number[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.calls) {
          const body = bodies[next++ % bodies.length]!;
          const sent = performance.now();
          await call(body);
          latenciesMs.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      seconds,
      callsPerSecond: options.calls / seconds,
      clientCpuMsPerCall: (used.user + used.system) / 1000 / options.calls,
      latenciesMs,
    };
  } finally {
    session.close();
  }
}
