import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { AuthMetadataService } from "@aloft/idl/gen/flyteidl/service/auth_pb";
import { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { IdentityService } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { describe, expect, it } from "vitest";
import { matchPathTemplate, parsePathTemplate } from "./path-template.js";
import { restRoutesFor } from "./rest-routes.js";

const services = [AdminService, AuthMetadataService, IdentityService, DataProxyService, SignalService];

/** flyteidl's own .proto text of the five services admin serves. */
function serviceProtoTexts(): string[] {
  const protos = join(dirname(createRequire(import.meta.url).resolve("@flyteorg/flyteidl/package.json")), "protos");
  return ["admin", "auth", "identity", "dataproxy", "signal"].map((name) =>
    readFileSync(join(protos, "flyteidl", "service", `${name}.proto`), "utf8"),
  );
}

/** Every `verb: "path"` of the `google.api.http` options, read from the .proto text rather than descriptors. */
function bindingsInProtoFiles(): string[] {
  return serviceProtoTexts()
    .flatMap((text) => [...text.matchAll(/\b(get|post|put|delete|patch)\s*:\s*"([^"]+)"/g)])
    .map((m) => `${m[1]!.toUpperCase()} ${m[2]}`)
    .sort();
}

describe("restRoutesFor", () => {
  const routes = restRoutesFor(services);

  it("derives one route per google.api.http binding, additional bindings included (69 for admin's services)", () => {
    const derived = routes.map((r) => `${r.httpMethod} ${r.template.text}`).sort();
    expect(derived).toEqual(bindingsInProtoFiles());
    expect(routes).toHaveLength(69);
  });

  it("leaves out streaming methods, which serve their own routes (the WatchService's Server-Sent Events)", () => {
    expect(restRoutesFor([...services, WatchService])).toHaveLength(69);
  });

  it("knows which bindings take the request as the body", () => {
    const withBody = routes.filter((r) => r.bodyIsRequest).map((r) => r.method.name);
    const bodyStars = serviceProtoTexts().reduce((n, text) => n + text.split('body: "*"').length - 1, 0);
    expect(withBody).toHaveLength(bodyStars);
    expect(withBody).toContain("TerminateExecution");
    expect(withBody).toContain("DeleteProjectDomainAttributes");
    expect(routes.find((r) => r.method.name === "GetTask")?.bodyIsRequest).toBe(false);
  });

  it("binds ListTasks twice, with and without a name", () => {
    expect(routes.filter((r) => r.method.name === "ListTasks").map((r) => r.template.text)).toEqual([
      "/api/v1/tasks/{id.project}/{id.domain}/{id.name}",
      "/api/v1/tasks/{id.project}/{id.domain}",
    ]);
  });

  it("leaves GetOrCreateSignal gRPC-only", () => {
    expect(routes.some((r) => r.method.name === "GetOrCreateSignal")).toBe(false);
  });
});

describe("path templates", () => {
  it("match literal and variable segments, variables possibly empty", () => {
    const template = parsePathTemplate("/api/v1/tasks/{id.project}/{id.domain}");
    expect(template.variables).toEqual(["id.project", "id.domain"]);
    expect(matchPathTemplate(template, ["api", "v1", "tasks", "p", "d"])).toEqual(
      new Map([
        ["id.project", "p"],
        ["id.domain", "d"],
      ]),
    );
    expect(matchPathTemplate(template, ["api", "v1", "tasks", "p", ""])).toEqual(
      new Map([
        ["id.project", "p"],
        ["id.domain", ""],
      ]),
    );
    expect(matchPathTemplate(template, ["api", "v1", "tasks", "p"])).toBeUndefined();
    expect(matchPathTemplate(template, ["api", "v1", "task", "p", "d"])).toBeUndefined();
  });

  it("refuses syntax flyteidl does not use", () => {
    expect(() => parsePathTemplate("/v1/{name=projects/*}")).toThrow("uses syntax the REST gateway does not support");
    expect(() => parsePathTemplate("/v1/things:batchGet")).toThrow("uses syntax the REST gateway does not support");
    expect(() => parsePathTemplate("v1")).toThrow('must start with "/"');
  });
});
