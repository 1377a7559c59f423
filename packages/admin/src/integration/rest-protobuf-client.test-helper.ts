/**
 * Test helper: a client for any service with `google.api.http` routes that speaks REST with protobuf bodies, as
 * flyteconsole and flyteadmin's integration tests do (`Accept` and `Content-Type: application/octet-stream`). It has
 * the shape of a connect client (`client.createTask(init)`), so one test body can run over gRPC and REST.
 *
 * Requests are laid out as grpc-gateway expects: path variables from the request's fields, the whole message as
 * the body for `body: "*"` routes, every other set field as a query parameter (`sort_by.key=…`, enums by name).
 * Errors arrive as a protobuf `google.rpc.Status` and are thrown as `ConnectError`s with the same code, message and
 * typed details, so assertions do not depend on the transport.
 */
import {
  create,
  type DescField,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
  fromBinary,
  isFieldSet,
  isMessage,
  type Message,
  toBinary,
} from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { RpcStatusSchema } from "../server/grpc-protos.js";
import { type RestRoute, restRoutesFor } from "../server/rest-gateway/rest-routes.js";

const PROTOBUF = "application/octet-stream";

/** HTTP status → gRPC code, for answers that carry no `google.rpc.Status` (routing errors). */
const HTTP_CODES: Record<number, Code> = {
  400: Code.InvalidArgument,
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  404: Code.NotFound,
  405: Code.Unimplemented,
  409: Code.AlreadyExists,
  413: Code.ResourceExhausted,
  429: Code.ResourceExhausted,
  501: Code.Unimplemented,
  503: Code.Unavailable,
};

/** A REST client of `service` at `baseUrl` with the methods of a connect client (only those with routes work). */
export function createRestProtobufClient<S extends DescService>(service: S, baseUrl: string): Client<S> {
  const routes = restRoutesFor([service]);
  const client: Record<string, (init?: unknown) => Promise<unknown>> = {};
  for (const method of service.methods) {
    if (method.methodKind !== "unary") continue;
    const bindings = routes.filter((route) => route.method === method);
    client[method.localName] = (init) => call(baseUrl, method as DescMethodUnary, bindings, init);
  }
  return client as unknown as Client<S>;
}

async function call(
  baseUrl: string,
  method: DescMethodUnary,
  bindings: readonly RestRoute[],
  init: unknown,
): Promise<Message> {
  if (bindings.length === 0) throw new Error(`${method.parent.typeName}.${method.name} has no REST route`);
  const request = isMessage(init, method.input) ? init : create(method.input, (init ?? {}) as never);
  const route = chooseRoute(bindings, request);
  const path = route.template.segments
    .map((segment) =>
      segment.kind === "literal"
        ? segment.value
        : encodeURIComponent(scalarText(fieldAt(method.input, request, segment.fieldPath)) ?? ""),
    )
    .join("/");
  const headers: Record<string, string> = { accept: PROTOBUF };
  let body: Uint8Array | undefined;
  let query = "";
  if (route.bodyIsRequest) {
    body = toBinary(method.input, request);
    headers["content-type"] = PROTOBUF;
  } else {
    const params: [string, string][] = [];
    queryParams(method.input, request, "", new Set(route.template.variables), params);
    query = params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&");
  }
  const response = await fetch(`${baseUrl}/${path}${query === "" ? "" : `?${query}`}`, {
    method: route.httpMethod,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status === 200) return fromBinary(method.output, bytes);
  throw restError(response.status, bytes);
}

/** The binding whose path variables the request fills, preferring the most specific. */
function chooseRoute(bindings: readonly RestRoute[], request: Message): RestRoute {
  const filled = bindings.filter((route) =>
    route.template.variables.every((path) => {
      const text = scalarText(fieldAt(route.method.input, request, path));
      return text !== undefined && text !== "";
    }),
  );
  const candidates = filled.length > 0 ? filled : bindings;
  return [...candidates].sort((a, b) => b.template.variables.length - a.template.variables.length)[0]!;
}

/** The value at a dotted proto field path, with the field describing it, or undefined when unset. */
function fieldAt(desc: DescMessage, message: Message, path: string): { field: DescField; value: unknown } | undefined {
  let currentDesc = desc;
  let current: Message | undefined = message;
  const names = path.split(".");
  for (let i = 0; i < names.length; i++) {
    const field = currentDesc.fields.find((f) => f.name === names[i]);
    if (field === undefined || current === undefined) return undefined;
    const value = fieldValue(current, field);
    if (i === names.length - 1) return { field, value };
    if (field.fieldKind !== "message") return undefined;
    currentDesc = field.message;
    current = value as Message | undefined;
  }
  return undefined;
}

function fieldValue(message: Message, field: DescField): unknown {
  const record = message as unknown as Record<string, unknown>;
  if (field.oneof === undefined) return record[field.localName];
  const oneof = record[field.oneof.localName] as { case: string | undefined; value: unknown };
  return oneof.case === field.localName ? oneof.value : undefined;
}

/** Path and query text of a scalar or enum value (enums by number in paths, as the Go tests send them). */
function scalarText(entry: { field: DescField; value: unknown } | undefined): string | undefined {
  if (entry === undefined || entry.value === undefined) return undefined;
  return String(entry.value);
}

/** Every set field of `message` that is not a path variable, as grpc-gateway query parameters. */
function queryParams(
  desc: DescMessage,
  message: Message,
  prefix: string,
  skip: ReadonlySet<string>,
  out: [string, string][],
): void {
  for (const field of desc.fields) {
    const name = prefix + field.name;
    if (skip.has(name) || !isFieldSet(message, field)) continue;
    const value = fieldValue(message, field);
    switch (field.fieldKind) {
      case "scalar":
        out.push([name, scalarQueryText(value)]);
        break;
      case "enum":
        out.push([name, enumName(field, value as number)]);
        break;
      case "message":
        queryParams(field.message, value as Message, `${name}.`, skip, out);
        break;
      case "list":
        for (const item of value as unknown[]) {
          if (field.listKind === "message") throw new Error(`${name}: repeated messages cannot go in a query`);
          out.push([name, field.listKind === "enum" ? enumName(field, item as number) : scalarQueryText(item)]);
        }
        break;
      case "map":
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (field.mapKind === "message") throw new Error(`${name}: maps of messages cannot go in a query`);
          out.push([`${name}[${key}]`, scalarQueryText(item)]);
        }
        break;
    }
  }
}

function scalarQueryText(value: unknown): string {
  return value instanceof Uint8Array ? base64Encode(value) : String(value);
}

function enumName(field: DescField, number: number): string {
  const values = field.fieldKind === "enum" ? field.enum.values : field.fieldKind === "list" ? field.enum?.values : [];
  return values?.find((v) => v.number === number)?.name ?? String(number);
}

/** A non-200 answer as the ConnectError a gRPC client would have raised. */
function restError(status: number, body: Uint8Array): ConnectError {
  try {
    const rpcStatus = fromBinary(RpcStatusSchema, body);
    if (rpcStatus.code !== 0) {
      const error = new ConnectError(rpcStatus.message, rpcStatus.code as Code);
      for (const any of rpcStatus.details) {
        error.details.push({ type: any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1), value: any.value });
      }
      return error;
    }
  } catch {
    // Not a Status: a routing error answered as plain text.
  }
  return new ConnectError(`HTTP ${status}: ${new TextDecoder().decode(body)}`, HTTP_CODES[status] ?? Code.Unknown);
}
