/**
 * The REST route table, derived at start-up from the `google.api.http` options of the served services (each
 * method's rule and its `additional_bindings`), so it always matches the flyteidl the server was built with.
 */
import { http } from "@aloft/idl/gen/google/api/annotations_pb";
import type { HttpRule } from "@aloft/idl/gen/google/api/http_pb";
import { type DescMethodUnary, type DescService, getOption, hasOption } from "@bufbuild/protobuf";
import { parsePathTemplate, type PathTemplate } from "./path-template.js";
import { pathParameterFilter } from "./populate-fields.js";

/** One REST binding of one unary RPC. */
export interface RestRoute {
  readonly service: DescService;
  readonly method: DescMethodUnary;
  /** Upper-case HTTP method. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** `body: "*"`: the request message is the body; otherwise fields come from the path and query. */
  readonly bodyIsRequest: boolean;
  /** Query keys to skip because the path sets them (proto and JSON spellings). */
  readonly queryFilter: readonly (readonly string[])[];
}

/**
 * Every binding of every method of `services`, in registration order (services in the given order, methods in
 * declaration order, a rule before its additional bindings). Streaming methods are left out: grpc-gateway's
 * newline-delimited JSON is not what their clients want, so each gets its own route (the WatchService's
 * Server-Sent Events). Throws for rules the gateway cannot serve (custom verbs, `response_body`, a body naming one
 * field).
 */
export function restRoutesFor(services: readonly DescService[]): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (!hasOption(method, http) || method.methodKind !== "unary") continue;
      const rule = getOption(method, http);
      for (const binding of [rule, ...rule.additionalBindings]) {
        routes.push(routeFor(service, method as DescMethodUnary, binding));
      }
    }
  }
  return routes;
}

function routeFor(service: DescService, method: DescMethodUnary, rule: HttpRule): RestRoute {
  const where = `${service.typeName}.${method.name}`;
  if (rule.pattern.case === "custom" || rule.pattern.case === undefined) {
    throw new Error(`${where}: custom or missing HTTP patterns are not supported`);
  }
  if (rule.responseBody !== "") throw new Error(`${where}: response_body is not supported`);
  if (rule.body !== "" && rule.body !== "*") throw new Error(`${where}: body "${rule.body}" is not supported`);
  const template = parsePathTemplate(rule.pattern.value);
  return {
    service,
    method,
    httpMethod: rule.pattern.case.toUpperCase(),
    template,
    bodyIsRequest: rule.body === "*",
    queryFilter: pathParameterFilter(method.input, template.variables),
  };
}
