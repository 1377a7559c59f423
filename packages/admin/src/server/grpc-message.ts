/**
 * `grpc-message` as the gRPC spec percent-encodes it: only bytes outside printable ASCII, and `%`. connect-node
 * uses `encodeURIComponent`, which also escapes `/`, `@`, `:` and friends; grpc-js decodes with `decodeURI`,
 * which leaves those escaped, so a grpc-js client would read "task p%2Fd%2Fn". Re-encoding the header the spec's
 * way gives every client (grpc-go, C-core, grpc-js, connect) the same text.
 */
import type { NodeResponse } from "./node-types.js";

const GRPC_MESSAGE = "grpc-message";

/** Percent-encodes `message` as the gRPC spec's Status-Message. */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Makes `res` rewrite connect's `grpc-message` (in headers or trailers) into the spec's encoding. */
export function respecGrpcMessage(res: NodeResponse): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, unknown>) => unknown;
  (res as { writeHead: typeof writeHead }).writeHead = (status, headers) => writeHead(status, reencode(headers));
  const addTrailers = res.addTrailers.bind(res) as (trailers: Record<string, unknown>) => void;
  (res as { addTrailers: typeof addTrailers }).addTrailers = (trailers) => addTrailers(reencode(trailers) ?? trailers);
}

function reencode<T extends Record<string, unknown> | undefined>(headers: T): T {
  const value = headers?.[GRPC_MESSAGE];
  if (typeof value !== "string") return headers;
  return { ...headers, [GRPC_MESSAGE]: respecGrpcMessageValue(value) };
}

/** A `grpc-message` value percent-encoded connect's way (`encodeURIComponent`), re-encoded the spec's way. */
export function respecGrpcMessageValue(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return value;
  }
  return encodeGrpcMessage(decoded);
}
