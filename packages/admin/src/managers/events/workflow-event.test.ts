import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventErrorIncompatibleClusterSchema,
  EventFailureReasonSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { ExecutionClosureSchema, ExecutionSpecSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describe, expect, it } from "vitest";
import { readProto } from "@aloft/storage";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import {
  at,
  createExecutionHarness,
  type ExecutionHarnessOptions,
  executionRequest,
  failure,
  seedLaunchPlan,
  testContext as ctx,
  useSigningBlobStore,
  workflowEvent,
  WorkflowExecution_Phase as Phase,
} from "../execution/execution-harness.test-helper.js";
import type { NotificationPublisher } from "./workflow-event.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const idText = 'project:"admintests" domain:"development" name:"exec1"';

function terminalDetail(currentPhase: string) {
  return create(EventFailureReasonSchema, {
    reason: { case: "alreadyInTerminalState", value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase }) },
  });
}

describeEachDialect("CreateWorkflowEvent", (db) => {
  async function launched(options: ExecutionHarnessOptions = {}) {
    const h = createExecutionHarness(db(), blobStore(), options);
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    return h;
  }
  const closureOf = async () => fromBinary(ExecutionClosureSchema, (await db().repos.executions.get(execKey)).closure);

  describe("phase transitions", () => {
    it("records RUNNING then SUCCEEDED with start time, duration and output URI (TestUpdateWorkflowExecution)", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING, { occurredAt: at(1000) }), ctx);
      let row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({
        phase: "RUNNING",
        started_at: "1970-01-01T00:16:40.000000Z",
        execution_updated_at: "1970-01-01T00:16:40.000000Z",
      });
      await h.executions.createWorkflowEvent(
        workflowEvent(Phase.SUCCEEDED, {
          occurredAt: at(1060),
          outputResult: { case: "outputUri", value: "s3://out/outputs.pb" },
        }),
        ctx,
      );
      row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({ phase: "SUCCEEDED", duration: 60_000_000_000 });
      const closure = await closureOf();
      expect(closure.phase).toBe(Phase.SUCCEEDED);
      expect(closure.duration?.seconds).toBe(60n);
      expect(closure.startedAt?.seconds).toBe(1000n);
      expect(closure.updatedAt?.seconds).toBe(1060n);
      expect(closure.outputResult).toMatchObject({
        case: "outputs",
        value: { data: { case: "uri", value: "s3://out/outputs.pb" } },
      });
    });

    it("accepts UNDEFINED straight to SUCCEEDED, then rejects everything (TestUpdateWorkflowExecution_InvalidPhaseTransitions)", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.SUCCEEDED, { occurredAt: at(2000) }), ctx);
      for (const phase of [Phase.RUNNING, Phase.FAILED]) {
        const error = await failure(() =>
          h.executions.createWorkflowEvent(workflowEvent(phase, { occurredAt: at(3000) }), ctx),
        );
        expect([error.code, error.rawMessage]).toEqual([
          Code.FailedPrecondition,
          `Invalid phase change from SUCCEEDED to ${Phase[phase]} for workflow execution ${idText}`,
        ]);
        expect(error.details).toEqual([terminalDetail("SUCCEEDED")]);
      }
      const row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({ phase: "SUCCEEDED", execution_updated_at: "1970-01-01T00:33:20.000000Z" });
    });

    it.each([Phase.SUCCEEDED, Phase.FAILED, Phase.TIMED_OUT, Phase.ABORTED])(
      "rejects any event after the terminal phase %s with already_in_terminal_state",
      async (terminal) => {
        const h = await launched();
        await h.executions.createWorkflowEvent(workflowEvent(terminal), ctx);
        const error = await failure(() => h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx));
        expect(error.code).toBe(Code.FailedPrecondition);
        expect(error.details).toEqual([terminalDetail(Phase[terminal])]);
      },
    );

    it("answers ALREADY_EXISTS for the same phase again, except QUEUED", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx);
      await h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx);
      await h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING), ctx);
      const error = await failure(() => h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING), ctx));
      expect([error.code, error.rawMessage]).toEqual([
        Code.AlreadyExists,
        `This phase RUNNING was already recorded for workflow execution ${idText}`,
      ]);
    });

    it("refuses RUNNING → QUEUED", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING), ctx);
      const error = await failure(() => h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx));
      expect([error.code, error.rawMessage, error.details]).toEqual([
        Code.FailedPrecondition,
        `Cannot go from RUNNING to QUEUED for workflow execution ${idText}`,
        [],
      ]);
    });

    it("accepts only terminal phases while ABORTING", async () => {
      const h = await launched();
      await db().repos.executions.update((await db().repos.executions.get(execKey)).id, { phase: "ABORTING" });
      const error = await failure(() => h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING), ctx));
      expect([error.code, error.rawMessage]).toEqual([
        Code.FailedPrecondition,
        `Invalid phase change from aborting to RUNNING for workflow execution ${idText}`,
      ]);
      await h.executions.createWorkflowEvent(workflowEvent(Phase.ABORTED), ctx);
      expect((await db().repos.executions.get(execKey)).phase).toBe("ABORTED");
    });

    it("answers NOT_FOUND for an unknown execution and INVALID_ARGUMENT without an event", async () => {
      const h = await launched();
      const missing = await failure(() =>
        h.executions.createWorkflowEvent(
          workflowEvent(Phase.RUNNING, { executionId: { ...execKey, name: "nope" } }),
          ctx,
        ),
      );
      expect(missing.code).toBe(Code.NotFound);
      const empty = workflowEvent(Phase.RUNNING);
      delete empty.event;
      const invalid = await failure(() => h.executions.createWorkflowEvent(empty, ctx));
      expect([invalid.code, invalid.rawMessage]).toEqual([
        Code.InvalidArgument,
        "Workflow event handler was called without event",
      ]);
    });

    it("records the phase timeline", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx);
      await h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED), ctx);
      await h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING), ctx);
      const rows = await db()
        .database.db.selectFrom("execution_events")
        .select(["phase", "request_id"])
        .orderBy("id")
        .execute();
      expect(rows).toEqual([
        { phase: "QUEUED", request_id: "r" },
        { phase: "RUNNING", request_id: "r" },
      ]);
    });
  });

  describe("clusters", () => {
    it("rejects a non-QUEUED event from another cluster with incompatible_cluster", async () => {
      const h = await launched();
      const error = await failure(() =>
        h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING, { producerId: "cluster-b" }), ctx),
      );
      expect([error.code, error.rawMessage]).toEqual([
        Code.FailedPrecondition,
        "Cluster/producer from event [cluster-b] does not match existing workflow execution clusterInDB: []",
      ]);
      expect(error.details).toEqual([
        create(EventFailureReasonSchema, {
          reason: {
            case: "incompatibleCluster",
            value: create(EventErrorIncompatibleClusterSchema, { cluster: "cluster-b" }),
          },
        }),
      ]);
    });

    it("moves a queued execution to the cluster of a QUEUED event, then holds it there", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(Phase.QUEUED, { producerId: "cluster-b" }), ctx);
      const row = await db().repos.executions.get(execKey);
      expect(row.cluster).toBe("cluster-b");
      expect(fromBinary(ExecutionSpecSchema, row.spec).metadata?.systemMetadata?.executionCluster).toBe("cluster-b");
      await h.executions.createWorkflowEvent(workflowEvent(Phase.RUNNING, { producerId: "cluster-b" }), ctx);
      const error = await failure(() =>
        h.executions.createWorkflowEvent(workflowEvent(Phase.SUCCEEDED, { producerId: "cluster-c" }), ctx),
      );
      expect(error.code).toBe(Code.FailedPrecondition);
    });
  });

  describe("outputs and errors", () => {
    it("offloads inline outputs to metadata/<p>/<d>/<exec>/offloaded_outputs by default", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(
        workflowEvent(Phase.SUCCEEDED, {
          outputResult: { case: "outputData", value: literalMap({ o: stringLiteral("v") }) },
        }),
        ctx,
      );
      const uri = "s3://bucket/metadata/admintests/development/exec1/offloaded_outputs";
      expect((await closureOf()).outputResult).toMatchObject({
        case: "outputs",
        value: { data: { case: "uri", value: uri } },
      });
      expect((await readProto(blobStore(), uri, LiteralMapSchema)).literals.o).toEqual(stringLiteral("v"));
    });

    it("keeps inline outputs in the closure with the StoreInline policy", async () => {
      const h = await launched({ config: { remoteData: { inlineEventDataPolicy: "StoreInline" } } });
      await h.executions.createWorkflowEvent(
        workflowEvent(Phase.SUCCEEDED, {
          outputResult: { case: "outputData", value: literalMap({ o: stringLiteral("v") }) },
        }),
        ctx,
      );
      const result = (await closureOf()).outputResult;
      expect(result.case).toBe("outputData");
    });

    it("refuses inline outputs over the size limit with RESOURCE_EXHAUSTED", async () => {
      const h = await launched({ config: { remoteData: { maxSizeInBytes: 10 } } });
      const error = await failure(() =>
        h.executions.createWorkflowEvent(
          workflowEvent(Phase.SUCCEEDED, {
            outputResult: { case: "outputData", value: literalMap({ o: stringLiteral("a long enough value") }) },
          }),
          ctx,
        ),
      );
      expect(error.code).toBe(Code.ResourceExhausted);
      expect(error.rawMessage).toMatch(/^Output data size exceeds platform configured threshold \(\d+ > 10\)$/);
    });

    it("stores a failure's error in the closure and its kind and code in columns", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(
        workflowEvent(Phase.FAILED, {
          outputResult: {
            case: "error",
            value: { code: "OOM", message: "out of memory", kind: ExecutionError_ErrorKind.SYSTEM },
          },
        }),
        ctx,
      );
      expect(await db().repos.executions.get(execKey)).toMatchObject({ error_kind: "SYSTEM", error_code: "OOM" });
    });
  });

  it("publishes the notifications whose phases match a terminal event", async () => {
    const published: string[][] = [];
    const notifications: NotificationPublisher = {
      async publish({ notification }) {
        published.push([...(notification.type.value?.recipientsEmail ?? [])]);
      },
    };
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h, {
      entityMetadata: {
        notifications: [
          { phases: [Phase.FAILED], type: { case: "email", value: { recipientsEmail: ["on-fail@x"] } } },
          { phases: [Phase.SUCCEEDED], type: { case: "slack", value: { recipientsEmail: ["on-success@x"] } } },
        ],
      },
    });
    await h.executions.createExecution(executionRequest(), ctx);
    const { createWorkflowEventHandler } = await import("./workflow-event.js");
    const handler = createWorkflowEventHandler({
      repos: db().repos,
      blobStore: blobStore(),
      maxOutputSizeBytes: 1 << 20,
      inlineEventDataPolicy: "Offload",
      notifications,
    });
    await handler(workflowEvent(Phase.SUCCEEDED), ctx);
    expect(published).toEqual([["on-success@x"]]);
  });
});

describe("workflow event phases", () => {
  it("treats SUCCEEDED, FAILED, TIMED_OUT and ABORTED as terminal", async () => {
    const { TERMINAL_WORKFLOW_PHASES } = await import("@aloft/idl");
    expect([...TERMINAL_WORKFLOW_PHASES].map((p) => Phase[p]).sort()).toEqual([
      "ABORTED",
      "FAILED",
      "SUCCEEDED",
      "TIMED_OUT",
    ]);
  });
});
