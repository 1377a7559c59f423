import { describe, expect, test } from "vitest";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { SETTINGS, exportFrom, json } from "../authoring.test-helper.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import { t } from "../types/index.js";
import { launchPlan } from "./launch-plan.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

const ID = { project: SETTINGS.project, domain: SETTINGS.domain, version: SETTINGS.version };
const taskId = (name: string) => ({ resourceType: "TASK", ...ID, name });
const promise = (nodeId: string, v: string, attrPath?: unknown[]) => ({
  promise: { ...(nodeId === "" ? {} : { nodeId }), var: v, ...(attrPath ? { attrPath } : {}) },
});
const int = (n: number) => ({ scalar: { primitive: { integer: String(n) } } });

function spec(wf: Parameters<typeof serializeWorkflow>[0]) {
  return json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as {
    template: { nodes: Record<string, unknown>[]; outputs: unknown[]; failureNode?: unknown } & Record<string, unknown>;
    subWorkflows?: unknown[];
  };
}

function compiles(...roots: Parameters<typeof serializeWorkflow>[0][]): void {
  const result = compileEntities({ roots, settings: SETTINGS });
  expect(result.ok ? [] : result.errors).toEqual([]);
}

const sayHello = task(
  { inputs: { name: t.string() }, outputs: { greeting: t.string() }, retries: 2, cache: { version: "1" } },
  async ({ name }) => ({ greeting: `Hello, ${name}!` }),
);
const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
const total = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
const lookup = task({ inputs: { table: t.map(t.int()) }, output: t.int() }, ({ table }) => Object.keys(table).length);
const Point = t.record({ x: t.int(), y: t.float() }, { name: "Point" });
const makePoint = task({ inputs: { x: t.int() }, output: Point }, ({ x }) => ({ x, y: 0.5 }));
const stats = task(
  { inputs: { xs: t.list(t.int()) }, outputs: { sorted: t.list(t.int()), counts: t.map(t.int()) } },
  ({ xs }) => ({ sorted: [...xs].sort(), counts: {} }),
);
const maybe = task({ inputs: { x: t.int(), label: t.optional(t.string()) }, output: t.int() }, ({ x }) => x);
exportFrom("examples/basics", { sayHello, square, total, lookup, makePoint, stats, maybe });

describe("workflow()", () => {
  test("each call adds a node n0, n1… bound to refs, with outputs from the returned refs", () => {
    const helloWorld = workflow(
      { inputs: { name: t.string(), n: t.int() }, outputs: { greeting: t.string(), sq: t.int() } },
      ({ name, n }) => {
        const hello = sayHello({ name });
        const sq = square({ x: n }).withOverrides({ retries: 5 }).after(hello);
        return { greeting: hello.greeting, sq };
      },
    );
    exportFrom("examples/hello", { helloWorld });
    expect(spec(helloWorld)).toEqual({
      template: {
        id: { resourceType: "WORKFLOW", ...ID, name: "examples.hello.helloWorld" },
        metadata: {},
        metadataDefaults: {},
        interface: {
          inputs: {
            variables: {
              name: { type: { simple: "STRING" }, description: "name" },
              n: { type: { simple: "INTEGER" }, description: "n" },
            },
          },
          outputs: {
            variables: {
              greeting: { type: { simple: "STRING" }, description: "greeting" },
              sq: { type: { simple: "INTEGER" }, description: "sq" },
            },
          },
        },
        nodes: [
          {
            id: "n0",
            metadata: { name: "sayHello", retries: { retries: 2 } },
            inputs: [{ var: "name", binding: promise("", "name") }],
            taskNode: { referenceId: taskId("examples.basics.sayHello"), overrides: {} },
          },
          {
            id: "n1",
            metadata: { name: "square", retries: { retries: 5 } },
            inputs: [{ var: "x", binding: promise("", "n") }],
            upstreamNodeIds: ["n0"],
            taskNode: { referenceId: taskId("examples.basics.square"), overrides: {} },
          },
        ],
        outputs: [
          { var: "greeting", binding: promise("n0", "greeting") },
          { var: "sq", binding: promise("n1", "o0") },
        ],
      },
    });
    compiles(helloWorld);
  });

  test("record fields, list elements and map values are refs with an attribute path", () => {
    const wf = workflow(
      { inputs: { xs: t.list(t.int()) }, outputs: { a: t.int(), b: t.int(), c: t.int() } },
      ({ xs }) => {
        const p = makePoint({ x: 1 });
        const s = stats({ xs });
        return { a: square({ x: p.x }), b: square({ x: s.sorted.at(2) }), c: square({ x: s.counts.key("k") }) };
      },
    );
    exportFrom("examples/paths", { wf });
    const nodes = spec(wf).template.nodes;
    expect(nodes.map((n) => n["inputs"])).toEqual([
      [{ var: "x", binding: int(1) }],
      [{ var: "xs", binding: promise("", "xs") }],
      [{ var: "x", binding: promise("n0", "o0", [{ stringValue: "x" }]) }],
      [{ var: "x", binding: promise("n1", "sorted", [{ intValue: 2 }]) }],
      [{ var: "x", binding: promise("n1", "counts", [{ stringValue: "k" }]) }],
    ]);
    compiles(wf);
  });

  test("lists and maps mixing refs and constants become collection and map bindings", () => {
    const wf = workflow({ inputs: { a: t.int() }, output: t.int() }, ({ a }) => {
      const b = square({ x: a });
      total({ xs: [a, 3, b] });
      return lookup({ table: { first: b, second: 2 } });
    });
    exportFrom("examples/mixed", { wf });
    const nodes = spec(wf).template.nodes;
    expect(nodes[1]).toMatchObject({
      id: "n1",
      inputs: [{ var: "xs", binding: { collection: { bindings: [promise("", "a"), int(3), promise("n0", "o0")] } } }],
      upstreamNodeIds: ["n0"],
    });
    expect(nodes[2]).toMatchObject({
      id: "n2",
      inputs: [{ var: "table", binding: { map: { bindings: { first: promise("n0", "o0"), second: int(2) } } } }],
      upstreamNodeIds: ["n0"],
    });
    compiles(wf);
  });

  test("constant lists become collection bindings and records their msgpack scalar, as flytekit binds constants", () => {
    const takesPoint = task({ inputs: { p: Point }, output: t.int() }, ({ p }) => p.x);
    exportFrom("examples/constants", { takesPoint });
    const wf = workflow({ output: t.int() }, () => {
      total({ xs: [1, 2] });
      return takesPoint({ p: { x: 1, y: 2 } });
    });
    exportFrom("examples/constants", { wf });
    const nodes = spec(wf).template.nodes;
    expect(nodes[0]?.["inputs"]).toEqual([{ var: "xs", binding: { collection: { bindings: [int(1), int(2)] } } }]);
    // {"x": 1, "y": 2.0}: the int as a positive fixint, the float as float64 even when whole.
    expect(nodes[1]?.["inputs"]).toEqual([
      { var: "p", binding: { scalar: { binary: { value: "gqF4AaF5y0AAAAAAAAAA", tag: "msgpack" } } } },
    ]);
    compiles(wf);
  });

  test("an optional input left out is bound to none, as flytekit binds a None default", () => {
    const wf = workflow({ output: t.int() }, () => maybe({ x: 1 }));
    exportFrom("examples/optional", { wf });
    expect(spec(wf).template.nodes[0]?.["inputs"]).toEqual([
      {
        var: "label",
        binding: {
          scalar: {
            union: {
              value: { scalar: { noneType: {} } },
              type: { simple: "NONE", structure: { tag: "none" } },
            },
          },
        },
      },
      { var: "x", binding: int(1) },
    ]);
    compiles(wf);
  });

  test("calling a workflow adds a sub-workflow node, binds its defaults and embeds its template", () => {
    const inner = workflow(
      { inputs: { x: t.int(), times: t.int() }, defaults: { times: 2 }, output: t.int() },
      ({ x }) => square({ x }),
    );
    const outer = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => inner({ x }));
    exportFrom("examples/sub", { inner, outer });
    const s = spec(outer);
    expect(s.template.nodes).toEqual([
      {
        id: "n0",
        metadata: { name: "inner", retries: {}, interruptible: false },
        inputs: [
          { var: "times", binding: int(2) },
          { var: "x", binding: promise("", "x") },
        ],
        workflowNode: { subWorkflowRef: { resourceType: "WORKFLOW", ...ID, name: "examples.sub.inner" } },
      },
    ]);
    expect(s.subWorkflows).toEqual([serializeWorkflowTemplate(inner)]);
    compiles(outer);
  });

  test("calling a launch plan adds a launch-plan node without its fixed inputs", () => {
    const child = workflow({ inputs: { x: t.int(), region: t.string() }, output: t.int() }, ({ x }) => square({ x }));
    const eu = launchPlan(child, { name: "child_eu", fixedInputs: { region: "eu" } });
    const parent = workflow({ output: t.int() }, () => eu({ x: 4 }));
    exportFrom("examples/lp_node", { child, parent });
    expect(spec(parent).template.nodes).toEqual([
      {
        id: "n0",
        metadata: { name: "child", retries: {}, interruptible: false },
        inputs: [{ var: "x", binding: int(4) }],
        workflowNode: { launchplanRef: { resourceType: "LAUNCH_PLAN", ...ID, name: "child_eu" } },
      },
    ]);
    compiles(parent);
  });

  test("withOverrides sets node metadata and task overrides as flytekit's with_overrides", () => {
    const wf = workflow({ output: t.int() }, () =>
      square({ x: 2 }).withOverrides({
        nodeName: "Square_It",
        name: "squaring",
        retries: 3,
        timeoutMs: 90_500,
        interruptible: true,
        cache: { version: "v7", serialize: true },
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { cpu: 1, gpu: 1, ephemeralStorage: "2Gi" },
        image: "ghcr.io/aloft/other:2",
      }),
    );
    exportFrom("examples/overrides", { wf });
    expect(spec(wf).template.nodes[0]).toEqual({
      id: "square-it",
      metadata: {
        name: "squaring",
        timeout: "90.500s",
        retries: { retries: 3 },
        interruptible: true,
        cacheable: true,
        cacheVersion: "v7",
        cacheSerializable: true,
      },
      inputs: [{ var: "x", binding: int(2) }],
      taskNode: {
        referenceId: taskId("examples.basics.square"),
        overrides: {
          resources: {
            requests: [
              { name: "CPU", value: "500m" },
              { name: "MEMORY", value: "1Gi" },
            ],
            limits: [
              { name: "CPU", value: "1" },
              { name: "GPU", value: "1" },
              { name: "EPHEMERAL_STORAGE", value: "2Gi" },
            ],
          },
          containerImage: "ghcr.io/aloft/other:2",
        },
      },
    });
    expect(spec(wf).template.outputs).toEqual([{ var: "o0", binding: promise("square-it", "o0") }]);
    compiles(wf);
  });

  test("a pod template override merges the task's container into the pod spec", () => {
    const wf = workflow({ output: t.int() }, () =>
      square({ x: 2 }).withOverrides({
        podTemplate: {
          podSpec: { containers: [{ name: "main", env: [{ name: "A", value: "1" }] }], nodeSelector: { gpu: "a100" } },
          primaryContainerName: "main",
          labels: { team: "ml" },
        },
      }),
    );
    exportFrom("examples/pod_override", { wf });
    const overrides = (spec(wf).template.nodes[0]?.["taskNode"] as { overrides: unknown }).overrides;
    expect(overrides).toEqual({
      podTemplate: {
        metadata: { labels: { team: "ml" } },
        podSpec: {
          containers: [
            {
              name: "main",
              image: SETTINGS.image,
              command: [],
              args: expect.arrayContaining(["aloft-execute", "examples/basics", "examples.basics.square"]),
              env: [{ name: "A", value: "1" }],
            },
          ],
          nodeSelector: { gpu: "a100" },
        },
        primaryContainerName: "main",
      },
    });
  });

  test("failure policy, interruptible default and an onFailure handler (node fn0) are serialized", () => {
    const cleanup = task({ inputs: { x: t.int(), err: t.optional(t.string()) } }, () => {});
    const wf = workflow(
      {
        inputs: { x: t.int() },
        output: t.int(),
        failurePolicy: "failAfterExecutableNodesComplete",
        interruptible: true,
        onFailure: cleanup,
        description: "Squares a number.\nAnd cleans up when that fails.",
      },
      ({ x }) => square({ x }),
    );
    exportFrom("examples/failure", { cleanup, wf });
    const s = json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as Record<string, Record<string, unknown>>;
    expect(s["template"]?.["metadata"]).toEqual({ onFailure: "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE" });
    expect(s["template"]?.["metadataDefaults"]).toEqual({ interruptible: true });
    expect(s["template"]?.["failureNode"]).toEqual({
      id: "fn0",
      metadata: { name: "cleanup", retries: {} },
      inputs: [
        {
          var: "err",
          binding: {
            scalar: {
              union: { value: { scalar: { noneType: {} } }, type: { simple: "NONE", structure: { tag: "none" } } },
            },
          },
        },
        { var: "x", binding: promise("", "x") },
      ],
      taskNode: { referenceId: taskId("examples.failure.cleanup"), overrides: {} },
    });
    expect(s["description"]).toEqual({
      shortDescription: "Squares a number.",
      longDescription: { value: "And cleans up when that fails.", format: "DESCRIPTION_FORMAT_RST" },
    });
    compiles(wf);
  });

  test("a body without outputs may return nothing or the call it ends with", () => {
    const log = task({ inputs: { msg: t.string() } }, () => {});
    const a = workflow({}, () => {
      log({ msg: "a" });
    });
    const b = workflow({}, () => log({ msg: "b" }));
    exportFrom("examples/void", { log, a, b });
    expect(spec(a).template.outputs).toEqual(undefined);
    expect(spec(b).template.nodes).toHaveLength(1);
    compiles(a, b);
  });
});

function serializeWorkflowTemplate(wf: Parameters<typeof serializeWorkflow>[0]): unknown {
  return spec(wf).template;
}
