/**
 * Unary gRPC calls (HTTP/2, binary protobuf, no compression) answered straight from the request's bytes, through
 * the same {@link UnaryInvoker} (interceptors included) the REST gateway uses. connect-node runs every call through
 * a pipeline of async iterables, web `Headers` and abort controllers built for streaming; for the one-message calls
 * that make up nearly all of admin's traffic (flytekit, flytectl, the engine's events) that machinery cost more CPU
 * than the call itself. Everything else (streams, gRPC-Web, Connect, compressed messages) still goes to connect,
 * and this route answers exactly what connect would: the same status codes, messages and trailers.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, type ContextValues } from "@connectrpc/connect";
import { parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { respecGrpcMessageValue } from "./grpc-message.js";
import { clientGoneSignal, requestHeaders } from "./node-request.js";
import type { NodeRequest, NodeResponse } from "./node-types.js";
import type { UnaryInvoker } from "./unary-invoker.js";

/** Options of {@link createGrpcUnaryRoute}. */
export interface GrpcUnaryRouteOptions {
  /** By `<service type name>/<method name>`. */
  invokers: ReadonlyMap<string, UnaryInvoker>;
  /** Largest request message accepted (RESOURCE_EXHAUSTED beyond it, as connect). */
  readMaxBytes: number;
  /** The values every call starts with (as connect-node's `contextValues`). */
  contextValues: (req: NodeRequest) => ContextValues;
}

/** Handles the request when it is a call this route serves; false leaves it to connect. */
export type GrpcUnaryRoute = (req: NodeRequest, res: NodeResponse) => boolean;

const ENVELOPE_HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b00000001;
const RESPONSE_CONTENT_TYPE = "application/grpc+proto";
/** Why a call's signal aborts once it has been answered (a shared reason: building a DOMException per call is costly). */
const CALL_COMPLETE = new ConnectError("call complete", ConnectCode.Canceled);
/** The trailers of every successful call (connect's `setTrailerStatus` without an error). */
const OK_TRAILERS: Readonly<Record<string, string>> = Object.freeze({ "grpc-status": "0" });

/** Builds the route. */
export function createGrpcUnaryRoute(options: GrpcUnaryRouteOptions): GrpcUnaryRoute {
  return (req, res) => {
    if (!(req instanceof Http2ServerRequest) || req.method !== "POST") return false;
    const contentType = req.headers["content-type"];
    if (contentType !== "application/grpc" && contentType !== "application/grpc+proto") return false;
    const encoding = req.headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const invoker = options.invokers.get((req.url ?? "").slice(1));
    if (invoker === undefined) return false;
    serve(invoker, req, res as Http2ServerResponse, options);
    return true;
  };
}

function serve(
  invoker: UnaryInvoker,
  req: Http2ServerRequest,
  res: Http2ServerResponse,
  options: GrpcUnaryRouteOptions,
): void {
  const signal = clientGoneSignal(res);
  const chunks: Buffer[] = [];
  let received = 0;
  /** Set once the body outgrew any acceptable message: its first bytes, for the envelope's declared length. */
  let oversizeHead: Buffer | undefined;
  req.on("data", (chunk: Buffer) => {
    if (oversizeHead !== undefined) return;
    received += chunk.byteLength;
    chunks.push(chunk);
    if (received > options.readMaxBytes + ENVELOPE_HEADER_BYTES) {
      oversizeHead = Buffer.concat(chunks).subarray(0, ENVELOPE_HEADER_BYTES);
      chunks.length = 0;
    }
  });
  req.once("end", () => {
    const run = async (): Promise<Uint8Array> => {
      const timeout = parseTimeout(
        (req.headers["grpc-timeout"] as string | undefined) ?? null,
        Number.MAX_SAFE_INTEGER,
      );
      if (timeout.error !== undefined) throw timeout.error;
      if (oversizeHead !== undefined) throw oversize(oversizeHead, options.readMaxBytes);
      const request = parse(invoker, messageOf(chunks, received, options.readMaxBytes));
      const { message, responseHeader } = await invoker.invoke(request, {
        requestMethod: "POST",
        url: req.url,
        requestHeader: requestHeaders(req),
        signal,
        contextValues: options.contextValues(req),
        protocolName: "grpc",
        ...(timeout.timeoutMs === undefined ? {} : { timeoutMs: timeout.timeoutMs }),
        completeReason: CALL_COMPLETE,
      });
      for (const [key, value] of responseHeader) res.setHeader(key, value);
      return toBinary(invoker.method.output, message);
    };
    run().then(
      (body) => respond(res, body, undefined),
      (error: unknown) => respond(res, undefined, error),
    );
  });
}

/** The one enveloped message of a unary request, with connect's errors for anything else. */
function messageOf(chunks: Buffer[], received: number, readMaxBytes: number): Uint8Array {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
  if (body.byteLength === 0) {
    throw new ConnectError("protocol error: missing input message for unary method", ConnectCode.Unimplemented);
  }
  if (body.byteLength < ENVELOPE_HEADER_BYTES) {
    throw new ConnectError("protocol error: incomplete envelope", ConnectCode.InvalidArgument);
  }
  const flags = body[0]!;
  const length = body.readUInt32BE(1);
  if (length > readMaxBytes) throw oversize(body, readMaxBytes);
  const end = ENVELOPE_HEADER_BYTES + length;
  if (body.byteLength < end) {
    throw new ConnectError("protocol error: incomplete envelope", ConnectCode.InvalidArgument);
  }
  if ((flags & COMPRESSED_FLAG) === COMPRESSED_FLAG) {
    throw new ConnectError("received compressed envelope, but do not know how to decompress", ConnectCode.Internal);
  }
  if (body.byteLength > end) {
    throw new ConnectError("protocol error: received extra input message for unary method", ConnectCode.Unimplemented);
  }
  return body.subarray(ENVELOPE_HEADER_BYTES, end);
}

/** Connect's error for a message over the limit, with the size its envelope declares when that is known. */
function oversize(head: Buffer, readMaxBytes: number): ConnectError {
  const declared = head.byteLength >= ENVELOPE_HEADER_BYTES ? head.readUInt32BE(1) : undefined;
  return new ConnectError(
    declared !== undefined && declared > readMaxBytes
      ? `message size ${declared} is larger than configured readMaxBytes ${readMaxBytes}`
      : `message size is larger than configured readMaxBytes ${readMaxBytes}`,
    ConnectCode.ResourceExhausted,
  );
}

/** The request message, or connect's error for bytes that are not one. */
function parse(invoker: UnaryInvoker, bytes: Uint8Array) {
  try {
    return fromBinary(invoker.method.input, bytes);
  } catch (error) {
    throw new ConnectError(
      `parse binary: ${error instanceof Error ? error.message : String(error)}`,
      ConnectCode.Internal,
    );
  }
}

/** Writes the response: headers, the enveloped message (on success), then the status as trailers. */
function respond(res: Http2ServerResponse, body: Uint8Array | undefined, error: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.setHeader("content-type", RESPONSE_CONTENT_TYPE);
  res.writeHead(200);
  res.addTrailers(error === undefined ? OK_TRAILERS : errorTrailers(asConnectError(error)));
  if (body === undefined) {
    res.end();
    return;
  }
  const envelope = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + body.byteLength);
  envelope[0] = 0;
  envelope.writeUInt32BE(body.byteLength, 1);
  envelope.set(body, ENVELOPE_HEADER_BYTES);
  res.end(envelope);
}

/** The trailers of a failed call, as connect writes them. */
function errorTrailers(error: ConnectError): Record<string, string> {
  const trailer = new Headers();
  setTrailerStatus(trailer, error);
  const trailers: Record<string, string> = {};
  for (const [key, value] of trailer) trailers[key] = key === "grpc-message" ? respecGrpcMessageValue(value) : value;
  return trailers;
}

function asConnectError(error: unknown): ConnectError {
  return error instanceof ConnectError
    ? error
    : new ConnectError("internal error", ConnectCode.Internal, undefined, undefined, error);
}
