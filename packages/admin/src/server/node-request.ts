/** What the transports that call admin's invokers themselves (REST, SSE, unary gRPC) read off a node request. */
import { Code as ConnectCode, ConnectError } from "@connectrpc/connect";
import type { NodeRequest, NodeResponse } from "./node-types.js";

/** The request's headers without HTTP/2 pseudo-headers, as a call's `requestHeader`. */
export function requestHeaders(req: NodeRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** Aborts when the response closes before it finished: the client went away. */
export function clientGoneSignal(res: NodeResponse): AbortSignal {
  const aborted = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) aborted.abort(new ConnectError("the client went away", ConnectCode.Canceled));
  });
  return aborted.signal;
}
