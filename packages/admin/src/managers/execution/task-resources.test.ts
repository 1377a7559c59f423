import { create } from "@bufbuild/protobuf";
import { CompiledTaskSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { Resources_ResourceName as R } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { describe, expect, it } from "vitest";
import { applyTaskResourceDefaults } from "./task-resources.js";

function containerTask(requests: [R, string][], limits: [R, string][]) {
  return create(CompiledTaskSchema, {
    template: {
      target: {
        case: "container",
        value: {
          image: "img",
          resources: {
            requests: requests.map(([name, value]) => ({ name, value })),
            limits: limits.map(([name, value]) => ({ name, value })),
          },
        },
      },
    },
  });
}

function resourcesOf(task: ReturnType<typeof containerTask>) {
  const target = task.template?.target;
  const resources = target?.case === "container" ? target.value.resources : undefined;
  return {
    requests: resources?.requests.map((e) => [R[e.name], e.value]),
    limits: resources?.limits.map((e) => [R[e.name], e.value]),
  };
}

const platform = {
  defaults: { cpu: "500m", memory: "256Mi" },
  limits: { cpu: "2", memory: "1Gi", gpu: "1" },
};

describe("applyTaskResourceDefaults", () => {
  it("fills missing requests from platform defaults and missing limits from requests", () => {
    const task = containerTask([], []);
    applyTaskResourceDefaults(task, platform);
    expect(resourcesOf(task)).toEqual({
      requests: [
        ["CPU", "500m"],
        ["MEMORY", "256Mi"],
      ],
      limits: [
        ["CPU", "500m"],
        ["MEMORY", "256Mi"],
      ],
    });
  });

  it("takes a missing request from the limit, caps both at the platform limit and keeps request ≤ limit", () => {
    const task = containerTask(
      [[R.MEMORY, "4Gi"]],
      [
        [R.CPU, "1500m"],
        [R.MEMORY, "2048Mi"],
      ],
    );
    applyTaskResourceDefaults(task, platform);
    expect(resourcesOf(task)).toEqual({
      requests: [
        ["CPU", "1500m"],
        ["MEMORY", "1Gi"],
      ],
      limits: [
        ["CPU", "1500m"],
        ["MEMORY", "1Gi"],
      ],
    });
  });

  it("adds GPU and ephemeral storage only when the task or the platform default names them", () => {
    const task = containerTask([[R.GPU, "1"]], [[R.EPHEMERAL_STORAGE, "1Gi"]]);
    applyTaskResourceDefaults(task, platform);
    expect(resourcesOf(task).requests).toEqual([
      ["CPU", "500m"],
      ["MEMORY", "256Mi"],
      ["EPHEMERAL_STORAGE", "1Gi"],
      ["GPU", "1"],
    ]);
  });

  it("leaves tasks without a container alone", () => {
    const task = create(CompiledTaskSchema, { template: { type: "sql" } });
    applyTaskResourceDefaults(task, platform);
    expect(task.template?.target.case).toBeUndefined();
  });
});
