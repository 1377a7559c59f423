import { getOption } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { http } from "./gen/google/api/annotations_pb.js";
import type { HttpRule } from "./gen/google/api/http_pb.js";
import { WatchService } from "./gen/aloft/admin/watch_pb.js";
import { AdminService } from "./gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "./gen/flyteidl/service/dataproxy_pb.js";
import { SignalService } from "./gen/flyteidl/service/signal_pb.js";

function route(rule: HttpRule): string {
  const p = rule.pattern;
  return p.case === undefined || p.case === "custom" ? "" : `${p.case.toUpperCase()} ${p.value}`;
}

describe("generated service descriptors", () => {
  it("carry every AdminService RPC with its google.api.http route", () => {
    expect(AdminService.methods).toHaveLength(56);
    const createTask = AdminService.method.createTask;
    expect(route(getOption(createTask, http))).toBe("POST /api/v1/tasks");
    expect(getOption(createTask, http).body).toBe("*");
    const listTasks = getOption(AdminService.method.listTasks, http);
    expect(route(listTasks)).toBe("GET /api/v1/tasks/{id.project}/{id.domain}/{id.name}");
    expect(listTasks.additionalBindings.map(route)).toEqual(["GET /api/v1/tasks/{id.project}/{id.domain}"]);
    const unrouted = AdminService.methods.filter((m) => route(getOption(m, http)) === "");
    expect(unrouted.map((m) => m.name)).toEqual([]);
  });

  it("carry the other services admin serves", () => {
    expect(route(getOption(DataProxyService.method.createUploadLocation, http))).toBe(
      "POST /api/v1/dataproxy/artifact_urn",
    );
    expect(SignalService.methods.map((m) => m.name).sort()).toEqual(["GetOrCreateSignal", "ListSignals", "SetSignal"]);
  });

  it("carry Aloft's WatchService, a server-streaming call with an HTTP GET route", () => {
    const watch = WatchService.method.watchExecution;
    expect(WatchService.typeName).toBe("aloft.admin.WatchService");
    expect(watch.methodKind).toBe("server_streaming");
    expect(route(getOption(watch, http))).toBe("GET /api/v1/watch/executions/{id.project}/{id.domain}/{id.name}");
    expect(watch.output.oneofs[0]?.fields.map((f) => f.name)).toEqual([
      "execution",
      "node_execution",
      "task_execution",
      "end",
    ]);
  });
});
