import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { readProto } from "@aloft/storage";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventFailureReasonSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { TaskExecutionClosureSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import {
  at,
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
} from "../execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const taskKey = (retryAttempt = 0) => ({
  taskId: { project: "admintests", domain: "development", name: "task", version: "123" },
  nodeExecutionId: { executionId: execKey, nodeId: "n0" },
  retryAttempt,
});
const attemptText =
  'task_id:{project:"admintests" domain:"development" name:"task" version:"123"} node_execution_id:{node_id:"n0" execution_id:{project:"admintests" domain:"development" name:"exec1"}}';

describeEachDialect("CreateTaskEvent", (db) => {
  async function withNode() {
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    await h.nodeExecutions.createNodeEvent(nodeEvent(NodeExecution_Phase.RUNNING), ctx);
    return h;
  }
  const attempt = async (retry = 0) => {
    const record = await db().repos.taskExecutions.get(taskKey(retry));
    return { record, closure: fromBinary(TaskExecutionClosureSchema, record.closure) };
  };

  it("creates an attempt from its first event (TestCreateTaskExecution)", async () => {
    const h = await withNode();
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.RUNNING, {
        occurredAt: at(100),
        inputValue: { case: "inputUri", value: "s3://in/inputs.pb" },
        taskType: "python-task",
      }),
      ctx,
    );
    const { record, closure } = await attempt();
    expect(record).toMatchObject({ phase: "RUNNING", phase_version: 0, input_uri: "s3://in/inputs.pb" });
    expect(closure.startedAt?.seconds).toBe(100n);
    expect(closure.taskType).toBe("python-task");
  });

  it("keeps retries apart and times the successful one (TestCreateAndUpdateTaskExecution)", async () => {
    const h = await withNode();
    const input = { case: "inputUri" as const, value: "s3://in/inputs.pb" };
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.FAILED, { occurredAt: at(10), inputValue: input }), ctx);
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.RUNNING, { retryAttempt: 1, occurredAt: at(20), inputValue: input }),
      ctx,
    );
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.SUCCEEDED, { retryAttempt: 1, occurredAt: at(80) }), ctx);
    expect((await attempt(0)).record.phase).toBe("FAILED");
    const { record, closure } = await attempt(1);
    expect(record).toMatchObject({
      phase: "SUCCEEDED",
      duration: 60_000_000_000,
      input_uri: "s3://in/inputs.pb",
      task_execution_created_at: "1970-01-01T00:00:20.000000Z",
      task_execution_updated_at: "1970-01-01T00:01:20.000000Z",
    });
    expect(closure.duration?.seconds).toBe(60n);
  });

  it("accepts newer phase versions of the same phase and merges custom info (TestCreateAndUpdateTaskExecutionPhaseVersion)", async () => {
    const h = await withNode();
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.RUNNING, { customInfo: { a: 1, b: { c: 1 } } }), ctx);
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.RUNNING, { phaseVersion: 1, customInfo: { a: null, b: { d: 2 } } }),
      ctx,
    );
    const { record, closure } = await attempt();
    expect(record.phase_version).toBe(1);
    expect(closure.customInfo).toEqual({ b: { c: 1, d: 2 } });
    for (const phaseVersion of [1, 0]) {
      const error = await failure(() =>
        h.taskExecutions.createTaskEvent(taskEvent(Phase.RUNNING, { phaseVersion }), ctx),
      );
      expect([error.code, error.rawMessage]).toEqual([
        Code.AlreadyExists,
        `have already recorded task execution phase RUNNING (version: ${phaseVersion}) for ${attemptText}`,
      ]);
    }
  });

  it("refuses events after a terminal phase, naming the incoming phase in the detail", async () => {
    const h = await withNode();
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.SUCCEEDED), ctx);
    const error = await failure(() => h.taskExecutions.createTaskEvent(taskEvent(Phase.RUNNING), ctx));
    expect([error.code, error.rawMessage]).toEqual([
      Code.FailedPrecondition,
      `invalid phase change from SUCCEEDED to RUNNING for task execution ${attemptText}`,
    ]);
    expect(error.details).toEqual([
      create(EventFailureReasonSchema, {
        reason: {
          case: "alreadyInTerminalState",
          value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase: "RUNNING" }),
        },
      }),
    ]);
  });

  it("needs the workflow execution and the node execution", async () => {
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h);
    const noExecution = await failure(() => h.taskExecutions.createTaskEvent(taskEvent(Phase.RUNNING), ctx));
    expect(noExecution.code).toBe(Code.NotFound);
    await h.executions.createExecution(executionRequest(), ctx);
    const noNode = await failure(() => h.taskExecutions.createTaskEvent(taskEvent(Phase.RUNNING), ctx));
    expect([noNode.code, noNode.rawMessage]).toEqual([
      Code.Internal,
      'failed to get existing node execution id: [node_id:"n0" execution_id:{project:"admintests" domain:"development" name:"exec1"}]',
    ]);
  });

  it("validates the event before anything else", async () => {
    const h = await withNode();
    const noTime = taskEvent(Phase.RUNNING);
    delete noTime.event!.occurredAt;
    const missing = await failure(() => h.taskExecutions.createTaskEvent(noTime, ctx));
    expect([missing.code, missing.rawMessage]).toEqual([Code.InvalidArgument, "missing occurred_at"]);
    const wrongType = await failure(() =>
      h.taskExecutions.createTaskEvent(
        taskEvent(Phase.RUNNING, {
          taskId: {
            resourceType: ResourceType.WORKFLOW,
            project: "admintests",
            domain: "development",
            name: "task",
            version: "123",
          },
        }),
        ctx,
      ),
    );
    expect(wrongType.rawMessage).toBe(
      'unexpected resource type workflow for identifier [resource_type:WORKFLOW project:"admintests" domain:"development" name:"task" version:"123"], expected task instead',
    );
  });

  it("merges logs, hides pending-only and finished-hidden logs by phase", async () => {
    const h = await withNode();
    const log = (uri: string, extra = {}) => ({ uri, name: uri, ...extra });
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.QUEUED, { logs: [log("pending", { ShowWhilePending: true }), log("always")] }),
      ctx,
    );
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.RUNNING, { logs: [log("live", { HideOnceFinished: true })] }),
      ctx,
    );
    expect((await attempt()).closure.logs.map((l) => l.uri)).toEqual(["live", "pending", "always"]);
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.SUCCEEDED, { logs: [] }), ctx);
    expect((await attempt()).closure.logs.map((l) => l.uri)).toEqual(["pending", "always"]);
  });

  it("keeps a reason history without repeating the same reason", async () => {
    const h = await withNode();
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.QUEUED, { reason: "pulling image" }), ctx);
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.QUEUED, { phaseVersion: 1, reason: "pulling image" }), ctx);
    await h.taskExecutions.createTaskEvent(taskEvent(Phase.QUEUED, { phaseVersion: 2, reason: "scheduled" }), ctx);
    const { closure } = await attempt();
    expect(closure.reasons.map((r) => r.message)).toEqual(["pulling image", "scheduled"]);
    expect(closure.reason).toBe("scheduled");
  });

  it("offloads inline outputs under the attempt's path", async () => {
    const h = await withNode();
    await h.taskExecutions.createTaskEvent(
      taskEvent(Phase.SUCCEEDED, {
        outputResult: { case: "outputData", value: literalMap({ o: stringLiteral("v") }) },
      }),
      ctx,
    );
    const uri =
      "s3://bucket/metadata/admintests/development/exec1/n0/admintests/development/task/123/0/offloaded_outputs";
    expect((await attempt()).closure.outputResult).toEqual({ case: "outputUri", value: uri });
    expect((await readProto(blobStore(), uri, LiteralMapSchema)).literals.o).toEqual(stringLiteral("v"));
  });
});

describe("task event phases", () => {
  it("treats SUCCEEDED, FAILED and ABORTED as terminal", async () => {
    const { TERMINAL_TASK_PHASES } = await import("@aloft/idl");
    expect([...TERMINAL_TASK_PHASES].map((p) => Phase[p]).sort()).toEqual(["ABORTED", "FAILED", "SUCCEEDED"]);
  });
});
