import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  TaskExecutionGetDataRequestSchema,
  TaskExecutionGetRequestSchema,
  TaskExecutionListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createExecutionHarness,
  executionRequest,
  failure,
  nodeEvent,
  NodeExecution_Phase,
  seedLaunchPlan,
  taskEvent,
  TaskExecution_Phase as Phase,
  testContext as ctx,
  useSigningBlobStore,
} from "./execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const nodeExecutionId = { executionId: execKey, nodeId: "n0" };
const taskId = {
  resourceType: ResourceType.TASK,
  project: "admintests",
  domain: "development",
  name: "task",
  version: "123",
};

describeEachDialect("TaskExecutionManager", (db) => {
  async function withAttempts() {
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    await h.nodeExecutions.createNodeEvent(nodeEvent(NodeExecution_Phase.RUNNING), ctx);
    const longError = "e".repeat(300);
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.FAILED, {
        outputResult: { case: "error", value: { code: "E", message: longError, kind: ExecutionError_ErrorKind.USER } },
      }),
      ctx,
    );
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.RUNNING, {
        retryAttempt: 1,
        inputValue: { case: "inputData", value: literalMap({ a: stringLiteral("in") }) },
      }),
      ctx,
    );
    return { h, longError };
  }

  it("lists attempts with filters on joined tasks and task executions (TestCreateAndListTaskExecution)", async () => {
    const { h, longError } = await withAttempts();
    const filtered = await h.taskExecutions.listTaskExecutions(
      create(TaskExecutionListRequestSchema, {
        nodeExecutionId,
        limit: 10,
        filters:
          "eq(task.project,admintests)+eq(task.name,task)+eq(task_execution.retry_attempt,1)+value_in(phase,RUNNING)",
      }),
      ctx,
    );
    expect(filtered.taskExecutions.map((t) => t.id?.retryAttempt)).toEqual([1]);
    const all = await h.taskExecutions.listTaskExecutions(
      create(TaskExecutionListRequestSchema, { nodeExecutionId, limit: 10 }),
      ctx,
    );
    expect(all.taskExecutions.map((t) => t.id?.retryAttempt)).toEqual([0, 1]);
    const first = all.taskExecutions[0]?.closure?.outputResult;
    expect(first?.case === "error" ? first.value.message : "").toBe(longError);
    const noLimit = await failure(() =>
      h.taskExecutions.listTaskExecutions(create(TaskExecutionListRequestSchema, { nodeExecutionId }), ctx),
    );
    expect([noLimit.code, noLimit.rawMessage]).toEqual([Code.InvalidArgument, "invalid value for limit"]);
  });

  it("gets one attempt, validating its identifier first", async () => {
    const { h } = await withAttempts();
    const attempt = await h.taskExecutions.getTaskExecution(
      create(TaskExecutionGetRequestSchema, { id: { taskId, nodeExecutionId, retryAttempt: 1 } }),
      ctx,
    );
    expect(attempt.closure?.phase).toBe(Phase.RUNNING);
    expect(attempt.isParent).toBe(false);
    const missing = await failure(() =>
      h.taskExecutions.getTaskExecution(
        create(TaskExecutionGetRequestSchema, { id: { taskId, nodeExecutionId, retryAttempt: 5 } }),
        ctx,
      ),
    );
    expect(missing.code).toBe(Code.NotFound);
    const invalid = await failure(() =>
      h.taskExecutions.getTaskExecution(
        create(TaskExecutionGetRequestSchema, { id: { nodeExecutionId, retryAttempt: 0 } }),
        ctx,
      ),
    );
    expect([invalid.code, invalid.rawMessage]).toEqual([Code.InvalidArgument, "missing task_id"]);
  });

  it("returns an attempt's data with its flyte:// URLs (TestGetTaskExecutionData)", async () => {
    const { h } = await withAttempts();
    const data = await h.taskExecutions.getTaskExecutionData(
      create(TaskExecutionGetDataRequestSchema, { id: { taskId, nodeExecutionId, retryAttempt: 1 } }),
      ctx,
    );
    expect(data.fullInputs?.literals.a).toEqual(stringLiteral("in"));
    expect(data.fullOutputs?.literals).toEqual({});
    expect(data.inputs?.url).toBe("");
    expect(data.flyteUrls).toMatchObject({
      inputs: "flyte://v1/admintests/development/exec1/n0/1/i",
      outputs: "flyte://v1/admintests/development/exec1/n0/1/o",
      deck: "",
    });
  });
});
