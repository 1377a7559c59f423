import { integerLiteral, integerType, literalToJs } from "@aloft/idl";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { gatedPlugin } from "../testing/test-plugins.test-helper.js";
import { compile, ref, task, taskNode, workflow } from "../testing/workflows.test-helper.js";

const gatedTask = task("slow", { type: "gated", inputs: { x: integerType() }, outputs: { x: integerType() } });
const closure = compile({
  workflow: workflow("two_steps", {
    inputs: { x: integerType() },
    outputs: { x: integerType() },
    nodes: [taskNode("n0", "slow", { x: ref("", "x") }), taskNode("n1", "slow", { x: ref("n0", "x") })],
    outputBindings: { x: ref("n1", "x") },
  }),
  tasks: [gatedTask],
});

describeEachDialect("engine restart and hand-off", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("finishes a workflow on a new engine without running succeeded nodes again", async () => {
    const first = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [first] });
    await h.submit("rs1", closure, { x: integerLiteral(11) });
    await h.controlPlane.waitForEvent(() => first.started.has("rs1-n0-0"));
    first.release("rs1-n0-0");
    await h.controlPlane.waitForEvent(() => first.started.has("rs1-n1-0"));
    expect(first.successes).toEqual(["rs1-n0-0"]);

    const second = gatedPlugin();
    await h.restart({ plugins: [second], owner: "engine-other" });
    await h.controlPlane.waitForEvent(() => second.started.has("rs1-n1-0"));
    second.releaseAll();
    expect(await h.controlPlane.waitForTerminal("rs1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("rs1")).literals.x!)).toBe(11);
    expect(second.handles.every((name) => name === "rs1-n1-0")).toBe(true);
    const n0Succeeded = h.controlPlane.nodeEvents.filter(
      (e) => e.id?.nodeId === "n0" && e.phase === NodeExecution_Phase.SUCCEEDED,
    );
    expect(n0Succeeded).toHaveLength(1);
  });

  it("runs a workflow handed off twice only once", async () => {
    const plugin = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("dup1", closure, { x: integerLiteral(1) });
    await h.submit("dup1", closure, { x: integerLiteral(1) });
    await h.controlPlane.waitForEvent(() => plugin.started.has("dup1-n0-0"));
    plugin.releaseAll();
    expect(await h.controlPlane.waitForTerminal("dup1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const running = h.controlPlane.workflowEvents.filter((e) => e.phase === WorkflowExecution_Phase.RUNNING);
    expect(running).toHaveLength(1);
    expect(plugin.successes).toEqual(["dup1-n0-0", "dup1-n1-0"]);
  });
});
