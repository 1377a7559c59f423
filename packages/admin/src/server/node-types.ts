import type { ConnectNodeAdapterOptions } from "@connectrpc/connect-node";

/** A request handler for `node:http` and `node:http2` alike (connect-node's `NodeHandlerFn`). */
export type NodeHandler = NonNullable<ConnectNodeAdapterOptions["fallback"]>;
/** An `http.IncomingMessage` or `http2.Http2ServerRequest`. */
export type NodeRequest = Parameters<NodeHandler>[0];
/** An `http.ServerResponse` or `http2.Http2ServerResponse`. */
export type NodeResponse = Parameters<NodeHandler>[1];
