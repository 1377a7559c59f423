import { AloftError, Code, integerLiteral, integerType } from "@aloft/idl";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { TaskExecutionMetadata_InstanceClass, type NodeExecutionEvent } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { ExecutionErrorSchema } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { EventFailureReasonSchema } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { WorkflowPhase } from "../state/phases.js";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { compile, ref, task, taskNode, workflow } from "../testing/workflows.test-helper.js";
import { MAX_EVENT_ERROR_MESSAGE_LENGTH, truncateError } from "./event-recorder.js";

const echoInt = task("echo_int", { inputs: { x: integerType() }, outputs: { x: integerType() } });
const closure = compile({
  workflow: workflow("simple", {
    inputs: { x: integerType() },
    outputs: { x: integerType() },
    nodes: [taskNode("n0", "echo_int", { x: ref("", "x") }, { name: "double-it" })],
    outputBindings: { x: ref("n0", "x") },
  }),
  tasks: [echoInt],
});

describeEachDialect("engine events", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("reports a simple run with propeller's event content", async () => {
    h = await startEngineHarness(db());
    await h.submit("ev1", closure, { x: integerLiteral(2) });
    expect(await h.controlPlane.waitForTerminal("ev1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const root = `file://${h.blobs.root}/metadata/propeller/p-d-ev1`;
    const [running, , succeeded] = h.controlPlane.workflowEvents;
    expect(running).toMatchObject({ producerId: "propeller", executionId: { project: "p", domain: "d", name: "ev1" } });
    expect(succeeded?.outputResult).toEqual({ case: "outputUri", value: `${root}/end-node/data/0/outputs.pb` });

    const start = h.controlPlane.nodeEvents.find((e) => e.id?.nodeId === "start-node");
    expect(start).toMatchObject({
      phase: NodeExecution_Phase.SUCCEEDED,
      eventVersion: 1,
      specNodeId: "start-node",
      outputResult: { case: "outputUri", value: `${root}/start-node/data/0/outputs.pb` },
    });
    const [queued, done] = h.controlPlane.nodeEvents.filter((e) => e.id?.nodeId === "n0");
    expect(queued).toMatchObject({
      phase: NodeExecution_Phase.QUEUED,
      producerId: "propeller",
      eventVersion: 1,
      specNodeId: "n0",
      nodeName: "double-it",
      retryGroup: "",
      inputValue: { case: "inputUri", value: `${root}/n0/data/inputs.pb` },
      targetEntity: { name: "echo_int", version: "v1" },
    });
    expect(done).toMatchObject({
      phase: NodeExecution_Phase.SUCCEEDED,
      outputResult: { case: "outputUri", value: `${root}/n0/data/0/outputs.pb` },
    });
    expect(done?.targetMetadata.case).toBe("taskNodeMetadata");

    const [taskEvent] = h.controlPlane.taskEvents;
    expect(taskEvent).toMatchObject({
      taskId: { name: "echo_int", version: "v1" },
      parentNodeExecutionId: { nodeId: "n0", executionId: { name: "ev1" } },
      retryAttempt: 0,
      phase: TaskExecution_Phase.SUCCEEDED,
      phaseVersion: 0,
      producerId: "propeller",
      taskType: "echo",
      eventVersion: 1,
      inputValue: { case: "inputUri", value: `${root}/n0/data/inputs.pb` },
      outputResult: { case: "outputUri", value: `${root}/n0/data/0/outputs.pb` },
      metadata: {
        generatedName: "ev1-n0-0",
        pluginIdentifier: "echo",
        instanceClass: TaskExecutionMetadata_InstanceClass.DEFAULT,
      },
    });
  });

  it("ignores events admin already has", async () => {
    h = await startEngineHarness(db());
    h.controlPlane.failNext("node", AloftError.alreadyExists("already recorded"), { count: 2 });
    h.controlPlane.failNext("task", AloftError.alreadyExists("already recorded"));
    await h.submit("ev2", closure, { x: integerLiteral(2) });
    expect(await h.controlPlane.waitForTerminal("ev2")).toBe(WorkflowExecution_Phase.SUCCEEDED);
  });

  it("fails the workflow locally when admin says it already ended", async () => {
    h = await startEngineHarness(db());
    h.controlPlane.register("ev3");
    h.controlPlane.failNext(
      "workflow",
      new AloftError(Code.FailedPrecondition, "terminal", {
        details: [
          create(EventFailureReasonSchema, {
            reason: { case: "alreadyInTerminalState", value: { currentPhase: "ABORTED" } },
          }),
        ],
      }),
    );
    await h.submit("ev3", closure, { x: integerLiteral(2) });
    await h.controlPlane.waitForEvent(() => h!.controlPlane.rejected.length > 0);
    const status = await h.storedStatus("ev3", (s) => s.phase === WorkflowPhase.Failed);
    expect(status.message).toContain("workflow state mismatch between propeller and control plane");
  });

  it("fails a node whose event admin rejects as invalid, instead of retrying the round", async () => {
    h = await startEngineHarness(db());
    h.controlPlane.failNext("node", AloftError.invalidArgument("bad event"), {
      match: (e) => {
        const event = e as NodeExecutionEvent;
        return event.phase === NodeExecution_Phase.SUCCEEDED && event.id?.nodeId === "n0";
      },
    });
    await h.submit("ev4", closure, { x: integerLiteral(2) });
    expect(await h.controlPlane.waitForTerminal("ev4")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = h.controlPlane.nodeEvents.find(
      (e) => e.id?.nodeId === "n0" && e.phase === NodeExecution_Phase.FAILED,
    );
    expect(failed?.outputResult).toMatchObject({ case: "error", value: { code: "NodeFailed" } });
  });
});

describe("event error truncation", () => {
  it("keeps the first and last 50 KB of long messages around an indicator", () => {
    const error = create(ExecutionErrorSchema, { message: "a".repeat(60_000) + "b".repeat(60_000) });
    truncateError(error);
    const half = MAX_EVENT_ERROR_MESSAGE_LENGTH / 2;
    expect(error.message).toBe(`${"a".repeat(half)}\n... <Message Truncated> ...\n${"b".repeat(half)}`);
  });
});
