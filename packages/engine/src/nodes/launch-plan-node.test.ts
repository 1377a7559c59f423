import { create } from "@bufbuild/protobuf";
import { compileWorkflow, formatCompileError } from "@aloft/compiler";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { fixedLengthUniqueIdForParts, integerLiteral, integerType, literalToJs } from "@aloft/idl";
import { ExecutionMetadata_ExecutionMode } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import {
  createRecordingControlPlane,
  type RecordingControlPlane,
} from "../testing/recording-control-plane.test-helper.js";
import { gatedPlugin } from "../testing/test-plugins.test-helper.js";
import { compile, entityId, ref, task, taskNode, vars, workflow } from "../testing/workflows.test-helper.js";
import { createChildExecutionsAdmin, type ChildExecutionsAdmin } from "./child-executions-admin.test-helper.js";
import { launchPlanNode, oddFailsPlugin } from "./engine-nodes-fixtures.test-helper.js";
import { createLaunchPlanNodeHandler } from "./launch-plan-node.js";
import type { TaskPlugin } from "../plugins/task-plugin.js";

function childClosure(taskType: string) {
  return compile({
    workflow: workflow("child_wf", {
      inputs: { x: integerType() },
      outputs: { y: integerType() },
      nodes: [taskNode("t", "child_task", { x: ref("", "x") })],
      outputBindings: { y: ref("t", "x") },
    }),
    tasks: [task("child_task", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: taskType })],
  });
}

function parentClosure(name: string) {
  const result = compileWorkflow({
    primary: workflow(name, {
      inputs: { x: integerType() },
      outputs: { y: integerType() },
      nodes: [launchPlanNode("lp", "child_lp", { x: ref("", "x") })],
      outputBindings: { y: ref("lp", "y") },
    }),
    tasks: [],
    launchPlans: [
      {
        id: entityId("child_lp", ResourceType.LAUNCH_PLAN),
        expectedInputs: create(ParameterMapSchema, {
          parameters: { x: { var: { type: integerType() }, behavior: { case: "required", value: true } } },
        }),
        expectedOutputs: vars({ y: integerType() }),
      },
    ],
  });
  if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
  return result.value;
}

describeEachDialect("launch plan node", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  let plane: RecordingControlPlane;
  let admin: ChildExecutionsAdmin;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function start(childTaskType: string, plugins: TaskPlugin[] = []) {
    plane = createRecordingControlPlane();
    admin = createChildExecutionsAdmin(plane, [
      { id: entityId("child_lp", ResourceType.LAUNCH_PLAN), closure: childClosure(childTaskType) },
    ]);
    h = await startEngineHarness(db(), {
      controlPlane: admin.controlPlane,
      plugins,
      // Progress must come from the child's end waking the parent: no backstop within the test's time.
      nodeHandlers: [createLaunchPlanNodeHandler({ recheckMs: 600_000 })],
      reevalMs: 600_000,
    });
    admin.bind({ executor: h.executor, blobs: h.blobs });
  }

  it("launches the child execution as propeller does and takes its outputs", async () => {
    await start("echo");
    await h!.submit("lp1", parentClosure("lp1"), { x: integerLiteral(5) });
    expect(await plane.waitForTerminal("lp1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(Number(literalToJs((await h!.outputs("lp1")).literals.y!))).toBe(5);

    const childName = fixedLengthUniqueIdForParts(20, ["lp1", "lp", "0"], { algorithm: "fnv64a" });
    expect(plane.phaseOf(childName)).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(admin.created).toHaveLength(1);
    const request = admin.created[0]!;
    expect(request).toMatchObject({
      project: "p",
      domain: "d",
      name: childName,
      spec: {
        launchPlan: { name: "child_lp", resourceType: ResourceType.LAUNCH_PLAN },
        metadata: {
          mode: ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW,
          nesting: 1,
          parentNodeExecution: { executionId: { name: "lp1" }, nodeId: "lp" },
        },
      },
    });
    expect(Number(literalToJs(request.inputs!.literals.x!))).toBe(5);

    const lpEvents = plane.nodeEvents.filter((e) => e.id?.executionId?.name === "lp1" && e.id.nodeId === "lp");
    expect(lpEvents.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(lpEvents[1]!.targetMetadata).toMatchObject({
      case: "workflowNodeMetadata",
      value: { executionId: { name: childName } },
    });
    expect(lpEvents[1]!.targetEntity).toMatchObject({ name: "child_lp", resourceType: ResourceType.LAUNCH_PLAN });
    expect(lpEvents[2]!.outputResult.case).toBe("outputUri");
  });

  it("fails the node with the child's error when the child fails", async () => {
    await start("odd-fails", [oddFailsPlugin()]);
    await h!.submit("lp2", parentClosure("lp2"), { x: integerLiteral(3) });
    expect(await plane.waitForTerminal("lp2")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = plane.nodeEvents.find(
      (e) => e.id?.executionId?.name === "lp2" && e.id.nodeId === "lp" && e.phase === NodeExecution_Phase.FAILED,
    );
    expect(failed?.outputResult).toMatchObject({ case: "error", value: { code: "Odd", message: "odd input 3" } });
  });

  it("terminates the child when the parent is aborted", async () => {
    const gated = gatedPlugin();
    await start("gated", [gated]);
    await h!.submit("lp3", parentClosure("lp3"), { x: integerLiteral(1) });
    const childName = fixedLengthUniqueIdForParts(20, ["lp3", "lp", "0"], { algorithm: "fnv64a" });
    await plane.waitForEvent(() => gated.handles.length > 0);
    await h!.abort("lp3", "stop it");
    expect(await plane.waitForTerminal("lp3")).toBe(WorkflowExecution_Phase.ABORTED);
    expect(await plane.waitForTerminal(childName)).toBe(WorkflowExecution_Phase.ABORTED);
    expect(admin.terminated).toHaveLength(1);
    expect(admin.terminated[0]).toMatchObject({
      id: { name: childName },
      cause: "cascading abort as parent execution id [lp3] aborted, reason [Workflow aborted.]",
    });
    // The aborted child reports its task aborted.
    expect(gated.aborts).toHaveLength(1);
  });

  it("fails the node when the child is aborted", async () => {
    const gated = gatedPlugin();
    await start("gated", [gated]);
    await h!.submit("lp4", parentClosure("lp4"), { x: integerLiteral(1) });
    const childName = fixedLengthUniqueIdForParts(20, ["lp4", "lp", "0"], { algorithm: "fnv64a" });
    await plane.waitForEvent(() => gated.handles.length > 0);
    await h!.abort(childName, "someone stopped the child");
    expect(await plane.waitForTerminal("lp4")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = plane.nodeEvents.find(
      (e) => e.id?.executionId?.name === "lp4" && e.id.nodeId === "lp" && e.phase === NodeExecution_Phase.FAILED,
    );
    expect(failed?.outputResult).toMatchObject({
      case: "error",
      value: { code: "RemoteChildWorkflowExecutionFailed", kind: 1 },
    });
  });
});
