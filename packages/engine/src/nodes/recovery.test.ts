import { create } from "@bufbuild/protobuf";
import { collectionType, integerLiteral, integerType, literalMap, literalToJs } from "@aloft/idl";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { BindingDataSchema, BindingSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import type { TaskPlugin } from "../plugins/task-plugin.js";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import {
  createRecordingControlPlane,
  type RecordingControlPlane,
} from "../testing/recording-control-plane.test-helper.js";
import { compile, lit, ref, task, taskNode, workflow } from "../testing/workflows.test-helper.js";
import {
  createChildExecutionsAdmin,
  executionRequest,
  type ChildExecutionsAdmin,
} from "./child-executions-admin.test-helper.js";
import { countingEchoPlugin, futuresPlugin, switchablePlugin } from "./engine-nodes-fixtures.test-helper.js";

function phasesOf(plane: RecordingControlPlane, execution: string, nodeId: string) {
  return plane.nodeEvents
    .filter((e) => e.id?.executionId?.name === execution && e.id.nodeId === nodeId)
    .map((e) => NodeExecution_Phase[e.phase]);
}

describeEachDialect("recovery mode", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  let plane: RecordingControlPlane;
  let admin: ChildExecutionsAdmin;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function start(plugins: TaskPlugin[]) {
    plane = createRecordingControlPlane();
    admin = createChildExecutionsAdmin(plane);
    h = await startEngineHarness(db(), { controlPlane: admin.controlPlane, plugins });
    admin.bind({ executor: h.executor, blobs: h.blobs });
  }

  it("reuses the nodes that succeeded in the recovered execution and runs the rest", async () => {
    const counting = countingEchoPlugin();
    const switchable = switchablePlugin();
    await start([counting, switchable]);
    const closure = compile({
      workflow: workflow("chain", {
        inputs: { x: integerType() },
        outputs: { y: integerType() },
        nodes: [taskNode("n0", "first", { x: ref("", "x") }), taskNode("n1", "second", { x: ref("n0", "x") })],
        outputBindings: { y: ref("n1", "x") },
      }),
      tasks: [
        task("first", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: "counting" }),
        task("second", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: "switchable" }),
      ],
    });
    await admin.submit(executionRequest("orig", closure, literalMap({ x: integerLiteral(9) })));
    expect(await plane.waitForTerminal("orig")).toBe(WorkflowExecution_Phase.FAILED);
    expect(counting.calls.get("first")).toBe(1);

    switchable.failing = false;
    await admin.submit(
      executionRequest("rec", closure, literalMap({ x: integerLiteral(9) }), {
        recoveryExecution: admin.requests.get("orig")!.executionId,
      }),
    );
    expect(await plane.waitForTerminal("rec")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(Number(literalToJs((await h!.outputs("rec")).literals.y!))).toBe(9);
    // n0 was recovered: its task did not run again.
    expect(counting.calls.get("first")).toBe(1);
    expect(phasesOf(plane, "rec", "n0")).toEqual(["RECOVERED"]);
    const recovered = plane.nodeEvents.find((e) => e.id?.executionId?.name === "rec" && e.id.nodeId === "n0")!;
    expect(recovered.outputResult.case).toBe("outputUri");
    expect(recovered.inputValue.case).toBe("inputUri");
    expect(phasesOf(plane, "rec", "n1")).toEqual(["QUEUED", "SUCCEEDED"]);
    expect(switchable.calls.get("second")).toBe(2);
  });

  it("resumes a dynamic node past its parent task and recovers the children that succeeded", async () => {
    const counting = countingEchoPlugin();
    const switchable = switchablePlugin();
    const dynamic = futuresPlugin(() =>
      create(DynamicJobSpecSchema, {
        nodes: [
          taskNode("ok", "good_child", { x: lit(integerLiteral(1)) }),
          taskNode("bad", "bad_child", { x: lit(integerLiteral(2)) }),
        ],
        outputs: [
          create(BindingSchema, {
            var: "ys",
            binding: create(BindingDataSchema, {
              value: { case: "collection", value: { bindings: [ref("ok", "x"), ref("bad", "x")] } },
            }),
          }),
        ],
        tasks: [
          task("good_child", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: "counting" }),
          task("bad_child", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: "switchable" }),
        ],
      }),
    );
    await start([counting, switchable, dynamic]);
    const closure = compile({
      workflow: workflow("dyn", {
        outputs: { ys: collectionType(integerType()) },
        nodes: [taskNode("dyn", "fan_out")],
        outputBindings: { ys: ref("dyn", "ys") },
      }),
      tasks: [task("fan_out", { outputs: { ys: collectionType(integerType()) }, type: "dynamic" })],
    });
    await admin.submit(executionRequest("dorig", closure, literalMap({})));
    expect(await plane.waitForTerminal("dorig")).toBe(WorkflowExecution_Phase.FAILED);
    expect(dynamic.attempts).toEqual([0]);
    expect(counting.calls.get("good_child")).toBe(1);

    switchable.failing = false;
    await admin.submit(
      executionRequest("drec", closure, literalMap({}), {
        recoveryExecution: admin.requests.get("dorig")!.executionId,
      }),
    );
    expect(await plane.waitForTerminal("drec")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const ys = (await h!.outputs("drec")).literals.ys!;
    expect(ys.value.case === "collection" ? ys.value.value.literals.map((l) => Number(literalToJs(l))) : []).toEqual([
      1, 2,
    ]);
    // The dynamic task did not run again, nor did the child that had succeeded.
    expect(dynamic.attempts).toEqual([0]);
    expect(counting.calls.get("good_child")).toBe(1);
    expect(phasesOf(plane, "drec", "dyn")).toEqual(["RUNNING", "DYNAMIC_RUNNING", "SUCCEEDED"]);
    expect(phasesOf(plane, "drec", "dyn-0-ok")).toEqual(["RECOVERED"]);
    expect(phasesOf(plane, "drec", "dyn-0-bad")).toEqual(["QUEUED", "SUCCEEDED"]);
  });
});
