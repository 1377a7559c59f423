/**
 * The REST gateway: flyteadmin's grpc-gateway v2 mux re-implemented over the same service implementations the
 * gRPC side serves. Routing, request building and responses follow grpc-gateway's runtime (see the sibling
 * modules); the one difference by design is that calls go straight to the implementation (through the same
 * interceptors) instead of through a loopback gRPC connection.
 */
import { ServerResponse } from "node:http";
import { create, type JsonObject, type Message } from "@bufbuild/protobuf";
import { Code as ConnectCode, ConnectError, createContextValues } from "@connectrpc/connect";
import { clientGoneSignal } from "../node-request.js";
import type { NodeRequest, NodeResponse } from "../node-types.js";
import { requestIdKey, transportKey } from "../context-keys.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../request-id.js";
import { toConnectError } from "../interceptors.js";
import type { UnaryCall, UnaryInvoker } from "../unary-invoker.js";
import { GoParseError } from "./go-strconv.js";
import { parseGoQuery, type QueryValues } from "./go-url.js";
import { marshalersForRequest, type RestMarshaler } from "./marshalers.js";
import { matchPathTemplate } from "./path-template.js";
import { populatePathParameter, populateQueryParameters } from "./populate-fields.js";
import { BodyTooLargeError, readBody } from "./read-body.js";
import { sendRestError, sendRestMessage } from "./rest-response.js";
import type { RestRoute } from "./rest-routes.js";

/** A request target already decoded and cleaned by the server (Go's `r.URL.Path` and `r.URL.RawQuery`). */
export interface RequestTarget {
  /** The percent-decoded path, starting with `/`. */
  path: string;
  /** The raw query string, without `?`. */
  rawQuery: string;
}

/** Options of {@link createRestGateway}. */
export interface RestGatewayOptions {
  routes: readonly RestRoute[];
  /** The invoker of each routed method (by `service.typeName + "/" + method.name`). */
  invokers: ReadonlyMap<string, UnaryInvoker>;
  /** Largest request body accepted; larger ones get 413 with RESOURCE_EXHAUSTED. */
  maxBodyBytes: number;
}

/** Serves one REST request; always answers (404/501 routing errors when nothing matches). */
export type RestGateway = (req: NodeRequest, res: NodeResponse, target: RequestTarget) => Promise<void>;

interface RouteMatch {
  route: RestRoute;
  params: Map<string, string>;
}

const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/** Builds the gateway over a route table. */
export function createRestGateway(options: RestGatewayOptions): RestGateway {
  // grpc-gateway prepends each registered handler, so the last registration wins among overlapping patterns.
  const byMethod = new Map<string, RestRoute[]>();
  for (const route of options.routes) {
    const list = byMethod.get(route.httpMethod) ?? [];
    list.unshift(route);
    byMethod.set(route.httpMethod, list);
  }
  const find = (httpMethod: string, components: readonly string[]): RouteMatch | undefined => {
    for (const route of byMethod.get(httpMethod) ?? []) {
      const params = matchPathTemplate(route.template, components);
      if (params) return { route, params };
    }
    return undefined;
  };

  return async (req, res, target) => {
    const headers = headerValues(req);
    const { inbound, outbound } = marshalersForRequest({
      accept: headers.get("accept") ?? [],
      contentType: headers.get("content-type") ?? [],
    });
    const fail = (error: ConnectError, httpStatus?: number): void =>
      sendRestError(res, outbound, error, httpStatus === undefined ? {} : { httpStatus });
    try {
      const components = target.path.slice(1).split("/");
      const pathLengthFallback = req.method === "POST" && headers.get("content-type")?.[0] === FORM_CONTENT_TYPE;
      let httpMethod = req.method ?? "GET";
      let form: QueryValues | undefined;
      const override = headers.get("x-http-method-override")?.[0];
      if (override !== undefined && override !== "" && pathLengthFallback) {
        form = await readForm(req, options.maxBodyBytes);
        httpMethod = override.toUpperCase();
      }

      let match = find(httpMethod, components);
      if (match === undefined) {
        for (const [otherMethod, routes] of byMethod) {
          if (otherMethod === httpMethod) continue;
          const other = routes.find((route) => matchPathTemplate(route.template, components) !== undefined);
          if (other === undefined) continue;
          if (pathLengthFallback && otherMethod === "GET") {
            form ??= await readForm(req, options.maxBodyBytes);
            match = find("GET", components);
            break;
          }
          return fail(new ConnectError("Method Not Allowed", ConnectCode.Unimplemented));
        }
      }
      if (match === undefined) return fail(new ConnectError("Not Found", ConnectCode.NotFound));

      const invoker = options.invokers.get(`${match.route.service.typeName}/${match.route.method.name}`);
      if (invoker === undefined) return fail(new ConnectError("Not Found", ConnectCode.NotFound));
      const request = await buildRequest({ req, target, match, inbound, form, maxBodyBytes: options.maxBodyBytes });
      const result = await invoker.invoke(request, callFor(req, res, target, headers, match.route.httpMethod));
      sendRestMessage(res, outbound, match.route.method.output, result.message, forwardHeaders(result.message));
    } catch (thrown) {
      if (thrown instanceof BodyTooLargeError) {
        // The rest of the body is never read: close the connection rather than leave it half-consumed.
        if (res instanceof ServerResponse) res.shouldKeepAlive = false;
        return fail(new ConnectError(thrown.message, ConnectCode.ResourceExhausted), 413);
      }
      fail(toConnectError(thrown, { requestId: headers.get(REQUEST_ID_HEADER)?.[0] ?? "" }));
    }
  };
}

async function buildRequest(args: {
  req: NodeRequest;
  target: RequestTarget;
  match: RouteMatch;
  inbound: RestMarshaler;
  form: QueryValues | undefined;
  maxBodyBytes: number;
}): Promise<Message> {
  const { route, params } = args.match;
  const schema = route.method.input;
  let message: Message = create(schema);
  if (route.bodyIsRequest) {
    const body = await readBody(args.req, args.maxBodyBytes);
    message = args.inbound.decode(schema, body);
  }
  for (const variable of route.template.variables) {
    try {
      populatePathParameter(message, schema, variable, params.get(variable)!);
    } catch (e) {
      throw invalidArgument(`type mismatch, parameter: ${variable}, error: ${errorText(e)}`, e);
    }
  }
  if (!route.bodyIsRequest) {
    // http.Request.ParseForm: form body values (path-length fallback only) first, then the URL's.
    const values: QueryValues = new Map([...(args.form ?? new Map<string, string[]>())].map(([k, v]) => [k, [...v]]));
    const parsed = parseGoQuery(args.target.rawQuery, values);
    if (parsed.error !== undefined) throw invalidArgument(parsed.error);
    try {
      populateQueryParameters(message, schema, parsed.values, route.queryFilter);
    } catch (e) {
      throw invalidArgument(errorText(e), e);
    }
  }
  return message;
}

async function readForm(req: NodeRequest, maxBodyBytes: number): Promise<QueryValues> {
  const body = await readBody(req, maxBodyBytes);
  const parsed = parseGoQuery(Buffer.from(body).toString("latin1"));
  if (parsed.error !== undefined) throw invalidArgument(parsed.error);
  return parsed.values;
}

function callFor(
  req: NodeRequest,
  res: NodeResponse,
  target: RequestTarget,
  headers: Map<string, string[]>,
  httpMethod: string,
): UnaryCall {
  const requestHeader = new Headers();
  for (const [name, values] of headers) {
    if (name.startsWith(":")) continue;
    for (const value of values) requestHeader.append(name, value);
  }
  const contextValues = createContextValues();
  contextValues.set(requestIdKey, requestIdFrom(headers.get(REQUEST_ID_HEADER)?.[0]));
  contextValues.set(transportKey, "rest");
  const host = headers.get("host")?.[0] ?? headers.get(":authority")?.[0] ?? "localhost";
  return {
    requestMethod: httpMethod,
    url: `http://${host}${target.path}${target.rawQuery === "" ? "" : `?${target.rawQuery}`}`,
    requestHeader,
    signal: clientGoneSignal(res),
    contextValues,
  };
}

/**
 * flyteadmin's forward-response option for `UserInfo`: the subject (and each additional claim, as JSON) in
 * response headers.
 */
function forwardHeaders(message: Message): Record<string, string> {
  if (message.$typeName !== "flyteidl.service.UserInfoResponse") return {};
  // protobuf-es holds a google.protobuf.Struct field as a plain JSON object.
  const info = message as Message & { subject: string; additionalClaims?: JsonObject };
  const headers: Record<string, string> = {};
  for (const [claim, value] of Object.entries(info.additionalClaims ?? {})) {
    const json = JSON.stringify(value);
    headers[`x-user-claim-${claim.replace(/_/g, "-")}`] = json.replace(/[^\t\x20-\x7e]/g, "?");
  }
  headers["x-user-subject"] = info.subject;
  return headers;
}

/** Every header's values, lower-case names, repeated headers kept apart (as Go's `http.Header`). */
function headerValues(req: NodeRequest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const list = out.get(name);
    if (list === undefined) out.set(name, [raw[i + 1]!]);
    else list.push(raw[i + 1]!);
  }
  return out;
}

function invalidArgument(message: string, cause?: unknown): ConnectError {
  return new ConnectError(message, ConnectCode.InvalidArgument, undefined, undefined, cause);
}

function errorText(error: unknown): string {
  return error instanceof GoParseError || error instanceof Error ? error.message : String(error);
}
