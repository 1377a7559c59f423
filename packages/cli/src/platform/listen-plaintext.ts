/**
 * A plaintext server answering gRPC (HTTP/2 with prior knowledge, as gRPC clients connect without TLS) and plain
 * HTTP/1.1 (health probes, curl) on one port: the first bytes of each connection tell them apart, the HTTP/2 client
 * preface going to a `node:http2` server and anything else to a `node:http` one, both with the same handler.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** The handler both protocols share. */
export type PlaintextHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/** A listening server. */
export interface PlaintextServer {
  /** The bound address, with the real port when 0 was asked. */
  readonly host: string;
  readonly port: number;
  /** Stops accepting connections and ends the open ones (HTTP/2 sessions get GOAWAY first). */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0 picks a free port) with `handler`.
 *
 * @throws Error from `listen` (the port is taken, the host unknown).
 */
export async function listenPlaintext(options: {
  host: string;
  port: number;
  handler: PlaintextHandler;
}): Promise<PlaintextServer> {
  const http1 = createHttp1Server(options.handler);
  // This server never listens itself; "listening" turns on its connection tracking for closeAllConnections().
  http1.emit("listening");
  const http2 = createHttp2Server({}, options.handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.on("error", () => undefined);
  });

  const listener = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const compared = Math.min(head.length, HTTP2_PREFACE.length);
      const isHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      if (isHttp2 && head.length < HTTP2_PREFACE.length) return; // could still be either: read more
      socket.off("data", onData);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        http2.emit("connection", socket);
      } else {
        http1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  });

  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port, options.host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const address = listener.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const session of sessions) session.close();
      http1.closeAllConnections();
      // Sessions end once their last stream is done; whatever is still open then is cut.
      const cut = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2000);
      cut.unref();
      await closed;
      clearTimeout(cut);
    },
  };
}
