/**
 * Values the server attaches to every call's `HandlerContext.values`, for interceptors and RPC handlers.
 */
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { CallerIdentity } from "../managers/interfaces.js";

/** How a call reached admin. */
export type Transport = "grpc" | "grpc-web" | "connect" | "rest";

/** The call's request id (`x-request-id`, else generated). */
export const requestIdKey = createContextKey<string>("", { description: "aloft request id" });

/** The protocol the call arrived by. */
export const transportKey = createContextKey<Transport>("connect", { description: "aloft transport" });

/** The caller, once the `authenticate` hook has run; undefined when authentication is off. */
export const identityKey = createContextKey<CallerIdentity | undefined>(undefined, { description: "aloft identity" });

/** The transport a gRPC-family request used, from its Content-Type. */
export function transportFromContentType(contentType: string | undefined): Transport {
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/grpc-web")) return "grpc-web";
  if (type.startsWith("application/grpc")) return "grpc";
  return "connect";
}

/** The request id of a call (empty when the server did not set one). */
export function requestIdOf(context: Pick<HandlerContext, "values">): string {
  return context.values.get(requestIdKey);
}
