import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { create } from "@bufbuild/protobuf";
import { collectionLiteral, floatLiteral, integerLiteral } from "@aloft/idl";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  INVALID,
  SETTINGS,
  executionContext,
  exportFrom,
  json,
  rejected,
  siteOf,
  thrown,
} from "../authoring.test-helper.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeTask } from "../serialize/serialize-task.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import { t } from "../types/index.js";
import { findTask } from "./registry.js";
import { map, type MapTaskImpl } from "./map-task.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

const FILE = new URL(import.meta.url).pathname;
const ID = { project: SETTINGS.project, domain: SETTINGS.domain, version: SETTINGS.version };
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

const scale = task(
  { inputs: { x: t.int(), factor: t.float() }, output: t.float(), retries: 2, timeoutMs: 60_000 },
  ({ x, factor }) => x * factor,
);
const total = task({ inputs: { xs: t.list(t.float()) }, output: t.float() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
exportFrom("examples/mapping", { scale, total });

describe("map()", () => {
  test("serializes as flytekit's ArrayNodeMapTask: an ArrayNode around a sub-node running the list-typed map task", () => {
    const wf = workflow({ inputs: { xs: t.list(t.int()) }, output: t.float() }, ({ xs }) => {
      const scaled = map(scale, { bound: ["factor"], concurrency: 4 })({ x: xs, factor: 1.5 });
      return total({ xs: scaled });
    });
    exportFrom("examples/mapping", { wf });
    // flytekit: md5 of the sorted bound inputs, concurrency, min successes and min success ratio.
    const mapName = `examples.mapping.map_scale_${md5("factor4None1.0")}-arraynode`;
    const template = (json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: unknown[] } })
      .template;
    const inputs = [
      { var: "factor", binding: { scalar: { primitive: { floatValue: 1.5 } } } },
      { var: "x", binding: { promise: { var: "xs" } } },
    ];
    expect(template.nodes[0]).toEqual({
      id: "n0",
      metadata: { name: mapName, retries: {} },
      inputs,
      arrayNode: {
        node: {
          id: mapName,
          metadata: { name: mapName, timeout: "60s", retries: { retries: 2 } },
          inputs,
          taskNode: { referenceId: { resourceType: "TASK", ...ID, name: mapName }, overrides: {} },
        },
        parallelism: 4,
        minSuccessRatio: 1,
        // executionMode MINIMAL_STATE and dataMode SINGLE_INPUT_FILE are the enums' zero values.
        isOriginalSubNodeInterface: false,
        boundInputs: ["factor"],
      },
    });
    const compiled = compileEntities({ roots: [wf], settings: SETTINGS });
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
    const mapTask = compiled.ok ? compiled.value.tasks.map((x) => x.compiled.template?.id?.name) : [];
    expect(mapTask).toEqual([mapName, "examples.mapping.total"]);
  });

  test("the map task template keeps the task's type and metadata, with task_type_version 1, list inputs and map args", () => {
    const mapped = map(scale, { bound: ["factor"] });
    const spec = json(TaskSpecSchema, serializeTask(mapped, SETTINGS)) as { template: Record<string, unknown> };
    expect(spec.template["type"]).toBe("ts-task");
    expect(spec.template["taskTypeVersion"]).toBe(1);
    expect(spec.template["metadata"]).toMatchObject({ retries: { retries: 2 }, timeout: "60s" });
    expect(spec.template["interface"]).toEqual({
      inputs: {
        variables: {
          x: { type: { collectionType: { simple: "INTEGER" } }, description: "x" },
          factor: { type: { simple: "FLOAT" }, description: "factor" },
        },
      },
      outputs: { variables: { o0: { type: { collectionType: { simple: "FLOAT" } }, description: "o0" } } },
    });
    const args = (spec.template["container"] as { args: string[] }).args;
    expect(args.slice(args.indexOf("--resolver"))).toEqual([
      "--resolver",
      "aloft",
      "--",
      "module",
      "examples/mapping",
      "task",
      "examples.mapping.scale",
      "array",
      "true",
      "bound",
      "factor",
    ]);
  });

  test("tolerating failures makes the output a list of optionals (List[Optional[T]])", () => {
    const mapped = map(scale, { minSuccessRatio: 0.75 });
    const spec = json(TaskSpecSchema, serializeTask(mapped, SETTINGS)) as { template: { interface: unknown } };
    expect(spec.template.interface).toMatchObject({
      outputs: {
        variables: {
          o0: {
            type: {
              collectionType: {
                unionType: {
                  variants: [
                    { simple: "FLOAT", structure: { tag: "float" } },
                    { simple: "NONE", structure: { tag: "none" } },
                  ],
                },
              },
            },
          },
        },
      },
    });
    const wf = workflow(
      { inputs: { xs: t.list(t.int()), f: t.list(t.float()) }, output: t.list(t.optional(t.float())) },
      ({ xs, f }) => map(scale, { minSuccesses: 2 })({ x: xs, factor: f }),
    );
    exportFrom("examples/mapping", { tolerant: wf });
    const node = (
      json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as {
        template: { nodes: Record<string, Record<string, unknown>>[] };
      }
    ).template.nodes[0];
    expect(node?.["arrayNode"]?.["minSuccesses"]).toBe(2);
    expect(node?.["arrayNode"]?.["minSuccessRatio"]).toBeUndefined();
  });

  test("overrides on a map node apply to each mapped task", () => {
    const wf = workflow(
      { inputs: { xs: t.list(t.int()), f: t.list(t.float()) }, output: t.list(t.float()) },
      ({ xs, f }) => map(scale)({ x: xs, factor: f }).withOverrides({ retries: 7, requests: { memory: "2Gi" } }),
    );
    exportFrom("examples/mapping", { overridden: wf });
    const node = (
      json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: Record<string, unknown>[] } }
    ).template.nodes[0] as { metadata: unknown; arrayNode: { node: Record<string, unknown> } };
    expect(node.metadata).toEqual({
      name: expect.stringMatching(/^examples\.mapping\.map_scale_[0-9a-f]{32}-arraynode$/),
      retries: {},
    });
    expect(node.arrayNode.node["metadata"]).toMatchObject({ retries: { retries: 7 } });
    expect(node.arrayNode.node["taskNode"]).toMatchObject({
      overrides: { resources: { requests: [{ name: "MEMORY", value: "2Gi" }] } },
    });
  });

  test("is registered under its derived name, so the entrypoint finds it", () => {
    const mapped = map(scale, { concurrency: 9 });
    expect(mapped.name).toBe(`examples.mapping.map_scale_${md5("9None1.0")}-arraynode`);
    expect(findTask(mapped.name as string)).toBe(mapped);
  });

  test("runs the mapped task on one element of the list inputs, bound inputs whole", async () => {
    const mapped = map(scale, { bound: ["factor"] }) as unknown as MapTaskImpl;
    const c = await executionContext();
    try {
      const inputs = create(LiteralMapSchema, {
        literals: { x: collectionLiteral([integerLiteral(2), integerLiteral(5)]), factor: floatLiteral(1.5) },
      });
      const result = await mapped.executeElement(inputs, 1, c.ctx);
      expect(result.kind === "outputs" && json(LiteralMapSchema, result.outputs)).toEqual({
        literals: { o0: { scalar: { primitive: { floatValue: 7.5 } } } },
      });
      const e = await rejected(mapped.executeElement(inputs, 2, c.ctx));
      expect(e.rawMessage).toMatch(/^examples\.mapping\.map_scale_[0-9a-f]{32}-arraynode: input "x" has no element 2$/);
    } finally {
      await c.cleanup();
    }
  });

  test("refuses what flytekit refuses, at the call", () => {
    const two = task({ outputs: { a: t.int(), b: t.int() } }, () => ({ a: 1, b: 2 }));
    const e = thrown(() => map(two)); // @two-outputs
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@two-outputs", "map(")}: map(two): only tasks with at most one output can be mapped`,
    );
    const bad = thrown(() => map(scale, { bound: ["nope" as never] })); // @bad-bound
    expect(bad.rawMessage).toBe(
      `${siteOf(FILE, "@bad-bound", "map(")}: map(examples.mapping.scale): bound input "nope" is not an input of the task`,
    );
  });
});
