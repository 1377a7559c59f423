import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, test } from "vitest";
import { integerLiteral, workflowId } from "@aloft/idl";
import { compileTask, compileWorkflow } from "@aloft/compiler";
import { WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { SETTINGS, executionContext, exportFrom, json, rejected } from "../authoring.test-helper.js";
import { collectEntities } from "../serialize/collect-entities.js";
import { serializeTask } from "../serialize/serialize-task.js";
import { SETTINGS_ENV_VAR, settingsFromEnv } from "../serialize/settings-env.js";
import { t } from "../types/index.js";
import { dynamic } from "./dynamic.js";
import { launchPlan } from "./launch-plan.js";
import { referenceTask } from "./reference.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

const ID = { project: SETTINGS.project, domain: SETTINGS.domain, version: SETTINGS.version };
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});
async function ctx() {
  const c = await executionContext();
  cleanups.push(c.cleanup);
  return c.ctx;
}

const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
const sum = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
const pair = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => square({ x }));
const fanOut = dynamic({ inputs: { n: t.int() }, outputs: { total: t.int() } }, ({ n }) => {
  const squares = Array.from({ length: n }, (_, i) => square({ x: i + 1 }));
  return { total: sum({ xs: squares }) };
});
exportFrom("examples/dynamic", { square, sum, pair, fanOut });

describe("dynamic()", () => {
  test("is registered as an ordinary TypeScript task that carries the registration's settings", () => {
    const settings = { ...SETTINGS, images: { gpu: "ghcr.io/acme/gpu:1" } };
    const template = serializeTask(fanOut, settings).template;
    expect(template?.type).toBe("ts-task");
    expect(fanOut.dynamic).toBe(true);
    const env = template?.target.case === "container" ? template.target.value.env : [];
    expect(env.map((kv) => kv.key)).toEqual([SETTINGS_ENV_VAR]);
    expect(settingsFromEnv(Object.fromEntries(env.map((kv) => [kv.key, kv.value])))).toEqual(settings);
    // Ordinary tasks do not carry them.
    expect(serializeTask(square, settings).template?.target.value).toMatchObject({ env: [] });
  });

  test("runs its body on real values and returns the workflow it built as a DynamicJobSpec", async () => {
    const result = await fanOut.executeLiterals(
      create(LiteralMapSchema, { literals: { n: integerLiteral(2) } }),
      await ctx(),
    );
    expect(result.kind).toBe("dynamic");
    const spec = result.kind === "dynamic" ? json(DynamicJobSpecSchema, result.spec) : {};
    const taskRef = (name: string) => ({ resourceType: "TASK", ...ID, name });
    const square = (id: string, x: number) => ({
      id,
      metadata: { name: "square", retries: {} },
      inputs: [{ var: "x", binding: { scalar: { primitive: { integer: String(x) } } } }],
      taskNode: { referenceId: taskRef("examples.dynamic.square"), overrides: {} },
    });
    expect(spec).toMatchObject({
      nodes: [
        square("dn0", 1),
        square("dn1", 2),
        {
          id: "dn2",
          metadata: { name: "sum", retries: {} },
          inputs: [
            {
              var: "xs",
              binding: {
                collection: {
                  bindings: [{ promise: { nodeId: "dn0", var: "o0" } }, { promise: { nodeId: "dn1", var: "o0" } }],
                },
              },
            },
          ],
          upstreamNodeIds: ["dn0", "dn1"],
          taskNode: { referenceId: taskRef("examples.dynamic.sum") },
        },
      ],
      minSuccesses: "3",
      outputs: [{ var: "total", binding: { promise: { nodeId: "dn2", var: "o0" } } }],
    });
    const tasks = result.kind === "dynamic" ? result.spec.tasks.map((t) => t.id?.name) : [];
    expect(tasks).toEqual(["examples.dynamic.square", "examples.dynamic.sum"]);

    // Propeller compiles the spec as a workflow with the dynamic task's interface: so does @aloft/compiler.
    if (result.kind !== "dynamic") return;
    const template = create(WorkflowTemplateSchema, {
      id: workflowId({ ...ID, name: "examples.dynamic.fanOut" }),
      interface: serializeTask(fanOut, SETTINGS).template?.interface,
      nodes: result.spec.nodes,
      outputs: result.spec.outputs,
    });
    const compiledTasks = result.spec.tasks.map((tt) => compileTask(tt)).map((r) => (r.ok ? r.value : undefined));
    const compiled = compileWorkflow({
      primary: template,
      subWorkflows: result.spec.subworkflows,
      tasks: compiledTasks.filter((x) => x !== undefined),
    });
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
  });

  test("embeds the sub-workflows it calls and may await between calls", async () => {
    const viaSub = dynamic({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => {
      await Promise.resolve();
      return pair({ x });
    });
    exportFrom("examples/dynamic", { viaSub });
    const result = await viaSub.executeLiterals(
      create(LiteralMapSchema, { literals: { x: integerLiteral(3) } }),
      await ctx(),
    );
    expect(result.kind === "dynamic" && result.spec.subworkflows.map((w) => w.id?.name)).toEqual([
      "examples.dynamic.pair",
    ]);
    expect(result.kind === "dynamic" && result.spec.tasks.map((w) => w.id?.name)).toEqual(["examples.dynamic.square"]);
  });

  test("a body that makes no call returns its outputs directly", async () => {
    const noCalls = dynamic({ inputs: { n: t.int() }, output: t.list(t.int()) }, ({ n }) => [n, n + 1]);
    exportFrom("examples/dynamic", { noCalls });
    const result = await noCalls.executeLiterals(
      create(LiteralMapSchema, { literals: { n: integerLiteral(4) } }),
      await ctx(),
    );
    expect(result.kind === "outputs" && json(LiteralMapSchema, result.outputs)).toEqual({
      literals: {
        o0: {
          collection: {
            literals: [{ scalar: { primitive: { integer: "4" } } }, { scalar: { primitive: { integer: "5" } } }],
          },
        },
      },
    });
  });

  test("refuses reference tasks, as flytekit does", async () => {
    const remote = referenceTask(
      { project: "p", domain: "d", name: "remote.score", version: "v1" },
      { output: t.int() },
    );
    const usesRef = dynamic({ output: t.int() }, () => remote());
    exportFrom("examples/dynamic", { usesRef });
    const e = await rejected(usesRef.executeLiterals(create(LiteralMapSchema), await ctx()));
    expect(e.rawMessage).toBe(
      "reference task remote.score cannot be called in a dynamic task (flytekit does not support it either)",
    );
  });

  test("dependsOn registers what the body calls only at run time", () => {
    const child = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => square({ x }));
    const childLp = launchPlan(child, { name: "child_lp" });
    const starter = dynamic({ output: t.int(), dependsOn: [childLp] }, () => childLp({ x: 1 }));
    exportFrom("examples/dynamic_hints", { child, starter });
    const collected = collectEntities([starter]);
    expect(collected.launchPlans.map((e) => e.name)).toEqual(["examples.dynamic_hints.child", "child_lp"]);
    expect(collected.tasks.map((e) => e.name)).toEqual(["examples.dynamic.square", "examples.dynamic_hints.starter"]);
  });
});
