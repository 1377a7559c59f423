/**
 * The WatchService over HTTP as Server-Sent Events (an Aloft extension; browsers' `EventSource` reads it):
 * `GET /api/v1/watch/executions/{project}/{domain}/{name}[?include_task_executions=true]`, the route of the
 * method's `google.api.http` option. Each stream message is one event named `execution`, `node`, `task` or `end`
 * whose `data:` is the message in flyteadmin's JSON (`toAdminJson`, proto field names); a comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream. Errors before the first event are flyteadmin's REST
 * errors (`{"code", "message", "details"}` with the code's HTTP status); later ones an `error` event with the
 * same JSON, after which the stream closes.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { toAdminJsonString } from "@aloft/idl";
import {
  type WatchExecutionEvent,
  WatchExecutionEndSchema,
  WatchExecutionEventSchema,
} from "@aloft/idl/gen/aloft/admin/watch_pb";
import { ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { TaskExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { http } from "@aloft/idl/gen/google/api/annotations_pb";
import { create, getOption, type Message } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, createContextValues } from "@connectrpc/connect";
import { requestIdKey, transportKey } from "../server/context-keys.js";
import { toConnectError } from "../server/interceptors.js";
import { requestHeaders } from "../server/node-request.js";
import type { NodeRequest, NodeResponse } from "../server/node-types.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../server/request-id.js";
import { parseGoQuery } from "../server/rest-gateway/go-url.js";
import { JSON_PROTO_NAMES_MARSHALER } from "../server/rest-gateway/marshalers.js";
import { matchPathTemplate, parsePathTemplate } from "../server/rest-gateway/path-template.js";
import {
  pathParameterFilter,
  populatePathParameter,
  populateQueryParameters,
} from "../server/rest-gateway/populate-fields.js";
import type { RequestTarget } from "../server/rest-gateway/rest-gateway.js";
import { restStatusOf, sendRestError } from "../server/rest-gateway/rest-response.js";
import { RpcStatusSchema } from "../server/grpc-protos.js";
import type { ServerStreamInvoker } from "../server/server-stream-invoker.js";

/** Options of {@link createWatchSseRoute}. */
export interface WatchSseRouteOptions {
  /** The WatchService's `WatchExecution`, through the server's interceptors. */
  invoker: ServerStreamInvoker;
  /** Interval of the keep-alive comment. @default 15000 */
  heartbeatMs?: number;
}

/** Serves the route; answers false (and leaves the response alone) for any other path. */
export type WatchSseRoute = (req: NodeRequest, res: NodeResponse, target: RequestTarget) => Promise<boolean>;

/** Builds the route from the method's HTTP rule. */
export function createWatchSseRoute(options: WatchSseRouteOptions): WatchSseRoute {
  const { invoker } = options;
  const method = invoker.method;
  const rule = getOption(method, http);
  if (rule.pattern.case !== "get") throw new Error(`${method.name}: only a GET route can serve Server-Sent Events`);
  const template = parsePathTemplate(rule.pattern.value);
  const queryFilter = pathParameterFilter(method.input, template.variables);
  const heartbeatMs = options.heartbeatMs ?? 15_000;

  return async (req, res, target) => {
    const params = matchPathTemplate(template, target.path.slice(1).split("/"));
    if (params === undefined) return false;
    const requestId = requestIdFrom(headerOf(req, REQUEST_ID_HEADER));
    if (req.method !== "GET") {
      sendRestError(res, JSON_PROTO_NAMES_MARSHALER, new ConnectError("Method Not Allowed", ConnectCode.Unimplemented));
      return true;
    }
    let request: Message;
    try {
      request = requestFor(params, target.rawQuery);
    } catch (thrown) {
      sendRestError(res, JSON_PROTO_NAMES_MARSHALER, toConnectError(thrown, { requestId }));
      return true;
    }

    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort(new ConnectError("the client went away", ConnectCode.Canceled));
    });
    const responses = invoker.invoke(request, {
      requestMethod: "GET",
      url: `http://${headerOf(req, "host") ?? headerOf(req, ":authority") ?? "localhost"}${req.url ?? target.path}`,
      requestHeader: requestHeaders(req),
      signal: gone.signal,
      contextValues: contextValues(requestId),
    });
    const iterator = responses[Symbol.asyncIterator]();

    // The first event decides the status: an unknown execution is a plain 404, not an event.
    let first: IteratorResult<Message>;
    try {
      first = await iterator.next();
    } catch (thrown) {
      sendRestError(res, JSON_PROTO_NAMES_MARSHALER, toConnectError(thrown, { requestId }));
      return true;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // nginx buffers proxied responses unless told otherwise.
      "x-accel-buffering": "no",
    });
    const heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(": heartbeat\n\n");
    }, heartbeatMs);
    try {
      for (let result = first; result.done !== true; result = await iterator.next()) {
        await write(res, eventText(result.value as WatchExecutionEvent), gone.signal);
      }
    } catch (thrown) {
      if (!gone.signal.aborted) {
        const status = restStatusOf(toConnectError(thrown, { requestId }));
        res.write(`event: error\ndata: ${toAdminJsonString(RpcStatusSchema, status)}\n\n`);
      }
    } finally {
      clearInterval(heartbeat);
      await iterator.return?.();
      if (gone.signal.aborted) res.destroy();
      else res.end();
    }
    return true;
  };

  function requestFor(params: Map<string, string>, rawQuery: string): Message {
    const message = create(method.input) as Message;
    for (const variable of template.variables) {
      try {
        populatePathParameter(message, method.input, variable, params.get(variable)!);
      } catch (error) {
        throw invalidArgument(`type mismatch, parameter: ${variable}, error: ${errorText(error)}`, error);
      }
    }
    const query = parseGoQuery(rawQuery);
    if (query.error !== undefined) throw invalidArgument(query.error);
    try {
      populateQueryParameters(message, method.input, query.values, queryFilter);
    } catch (error) {
      throw invalidArgument(errorText(error), error);
    }
    return message;
  }
}

/** One stream message as an SSE event. */
function eventText(event: WatchExecutionEvent): string {
  const body = event.event;
  switch (body.case) {
    case "execution":
      return sseEvent("execution", toAdminJsonString(ExecutionSchema, body.value));
    case "nodeExecution":
      return sseEvent("node", toAdminJsonString(NodeExecutionSchema, body.value));
    case "taskExecution":
      return sseEvent("task", toAdminJsonString(TaskExecutionSchema, body.value));
    case "end":
      return sseEvent("end", toAdminJsonString(WatchExecutionEndSchema, body.value));
    case undefined:
      return sseEvent("message", toAdminJsonString(WatchExecutionEventSchema, event));
  }
}

/** JSON text has no raw line breaks, so one `data:` line carries it. */
function sseEvent(name: string, json: string): string {
  return `event: ${name}\ndata: ${json}\n\n`;
}

/** Writes `text`, waiting while the client reads slowly; gives up when the client goes away. */
async function write(res: NodeResponse, text: string, signal: AbortSignal): Promise<void> {
  if (res.write(text)) return;
  await once(res as ServerResponse, "drain", { signal });
}

function headerOf(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function contextValues(requestId: string) {
  const values = createContextValues();
  values.set(requestIdKey, requestId);
  values.set(transportKey, "rest");
  return values;
}

function invalidArgument(message: string, cause?: unknown): ConnectError {
  return new ConnectError(message, ConnectCode.InvalidArgument, undefined, undefined, cause);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
