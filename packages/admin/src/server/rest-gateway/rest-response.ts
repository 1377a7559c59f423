/**
 * Writing REST responses as grpc-gateway's `ForwardResponseMessage` and `DefaultHTTPErrorHandler` do: the message
 * through the outbound marshaler with status 200, or a `google.rpc.Status` `{code, message, details}` (typed
 * `Any` details) through the same marshaler with the HTTP status of the gRPC code.
 */
import { flyteidlRegistry } from "@aloft/idl";
import { create, type DescMessage, isMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import { type Any, AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import type { NodeResponse } from "../node-types.js";
import { type RpcStatus, RpcStatusSchema } from "../grpc-protos.js";
import { codeToHttpStatus } from "../http-status.js";
import type { RestMarshaler } from "./marshalers.js";

/** Writes `message` with status 200 and the marshaler's Content-Type, plus `headers`. */
export function sendRestMessage<Desc extends DescMessage>(
  res: NodeResponse,
  marshaler: RestMarshaler,
  schema: Desc,
  message: MessageShape<Desc>,
  headers: Record<string, string> = {},
): void {
  let body: Uint8Array | string;
  try {
    body = marshaler.encode(schema, message);
  } catch (cause) {
    sendRestError(res, marshaler, new ConnectError("failed to marshal the response", 13, undefined, undefined, cause));
    return;
  }
  writeBody(res, 200, { ...headers, "content-type": marshaler.contentType }, body);
}

/**
 * Writes `error` as a `google.rpc.Status`. `httpStatus` overrides the status derived from the code, as
 * grpc-gateway's `HTTPStatusError` does (413 for oversize bodies). UNAUTHENTICATED also sets `WWW-Authenticate`
 * to the message, as grpc-gateway does.
 */
export function sendRestError(
  res: NodeResponse,
  marshaler: RestMarshaler,
  error: ConnectError,
  options: { httpStatus?: number; headers?: Record<string, string> } = {},
): void {
  const status = restStatusOf(error);
  const headers: Record<string, string> = { ...options.headers, "content-type": marshaler.contentType };
  if (error.code === 16) headers["www-authenticate"] = headerSafe(error.rawMessage);
  let body: Uint8Array | string;
  try {
    body = marshaler.encode(RpcStatusSchema, status);
  } catch {
    writeBody(res, 500, headers, `{"code": 13, "message": "failed to marshal error message"}`);
    return;
  }
  writeBody(res, options.httpStatus ?? codeToHttpStatus(error.code), headers, body);
}

/** The `google.rpc.Status` a REST client receives for `error`. */
export function restStatusOf(error: ConnectError): RpcStatus {
  const details: Any[] = [];
  for (const detail of error.details) {
    if ("desc" in detail) {
      const value = isMessage(detail.value, detail.desc)
        ? (detail.value as Message)
        : create(detail.desc, detail.value as never);
      details.push(anyPack(detail.desc, value));
    } else if (flyteidlRegistry.getMessage(detail.type) !== undefined) {
      details.push(create(AnySchema, { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value }));
    }
  }
  return create(RpcStatusSchema, { code: error.code, message: error.rawMessage, details });
}

function writeBody(
  res: NodeResponse,
  status: number,
  headers: Record<string, string>,
  body: Uint8Array | string,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, { ...headers, "content-length": String(bytes.byteLength) });
  res.end(bytes);
}

/** Header values cannot hold newlines or non-Latin-1 characters; replace them rather than fail. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");
}
