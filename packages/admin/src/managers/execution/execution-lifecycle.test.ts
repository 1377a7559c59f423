import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { ResourceListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventFailureReasonSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import {
  ExecutionMetadata_ExecutionMode,
  ExecutionRecoverRequestSchema,
  ExecutionRelaunchRequestSchema,
  ExecutionState,
  ExecutionTerminateRequestSchema,
  ExecutionUpdateRequestSchema,
  WorkflowExecutionGetDataRequestSchema,
  WorkflowExecutionGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import {
  createExecutionHarness,
  executionRequest,
  failure,
  queuedAborts,
  queuedExecutions,
  seedLaunchPlan,
  TEST_BLOB_BASE_URL,
  testContext as ctx,
  useSigningBlobStore,
  workflowEvent,
  WorkflowExecution_Phase,
} from "./execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const getRequest = (name = "exec1") => create(WorkflowExecutionGetRequestSchema, { id: { ...execKey, name } });

describeEachDialect("Execution lifecycle", (db) => {
  async function launched(options = {}) {
    const h = createExecutionHarness(db(), blobStore(), options);
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest({ inputs: literalMap({ foo: stringLiteral("bar") }) }), ctx);
    return h;
  }

  describe("relaunch and recover", () => {
    it("relaunches with the original user inputs, a RELAUNCH reference and the requested cache overwrite", async () => {
      const h = await launched();
      const { id } = await h.executions.relaunchExecution(
        create(ExecutionRelaunchRequestSchema, { id: execKey, name: "exec2", overwriteCache: true }),
        ctx,
      );
      expect(id).toMatchObject({ ...execKey, name: "exec2" });
      const relaunched = await h.executions.getExecution(getRequest("exec2"), ctx);
      expect(relaunched.spec?.metadata?.mode).toBe(ExecutionMetadata_ExecutionMode.RELAUNCH);
      expect(relaunched.spec?.metadata?.referenceExecution).toMatchObject(execKey);
      expect(relaunched.spec?.overwriteCache).toBe(true);
      const original = await db().repos.executions.get(execKey);
      const row = await db().repos.executions.get({ ...execKey, name: "exec2" });
      expect(row.source_execution_id).toBe(original.id);
      expect(row.mode).toBe(ExecutionMetadata_ExecutionMode.RELAUNCH);
      const queued = (await queuedExecutions(db()))[1];
      expect(queued?.inputs?.literals.foo).toEqual(stringLiteral("bar"));
      expect(queued?.recoveryExecution).toBeUndefined();
    });

    it("recovers with a RECOVERED reference the engine copies successful nodes from", async () => {
      const h = await launched();
      await h.executions.recoverExecution(create(ExecutionRecoverRequestSchema, { id: execKey, name: "exec2" }), ctx);
      const recovered = await h.executions.getExecution(getRequest("exec2"), ctx);
      expect(recovered.spec?.metadata?.mode).toBe(ExecutionMetadata_ExecutionMode.RECOVERED);
      const queued = (await queuedExecutions(db()))[1];
      expect(queued?.recoveryExecution).toMatchObject(execKey);
      expect(queued?.inputs?.literals.foo).toEqual(stringLiteral("bar"));
    });

    it("answers NOT_FOUND when relaunching an execution that does not exist", async () => {
      const h = await launched();
      const error = await failure(() =>
        h.executions.relaunchExecution(
          create(ExecutionRelaunchRequestSchema, { id: { ...execKey, name: "nope" } }),
          ctx,
        ),
      );
      expect(error.code).toBe(Code.NotFound);
    });
  });

  describe("terminate", () => {
    it("marks a running execution ABORTING with its cause and asks the engine to abort", async () => {
      const h = await launched();
      await h.executions.terminateExecution(
        create(ExecutionTerminateRequestSchema, { id: execKey, cause: "stop it" }),
        { ...ctx, identity: { subject: "ada" } },
      );
      const row = await db().repos.executions.get(execKey);
      expect(row).toMatchObject({ phase: "ABORTING", abort_cause: "stop it" });
      const execution = await h.executions.getExecution(getRequest(), ctx);
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.ABORTING);
      expect(execution.closure?.outputResult).toMatchObject({
        case: "abortMetadata",
        value: { cause: "stop it", principal: "ada" },
      });
      const [abort] = await queuedAborts(db());
      expect(abort).toMatchObject({ cause: "stop it", namespace: "admintests-development" });
      expect(abort?.executionId).toMatchObject(execKey);
    });

    it("refuses to abort a terminated execution, naming its phase in the detail", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(workflowEvent(WorkflowExecution_Phase.SUCCEEDED), ctx);
      const error = await failure(() =>
        h.executions.terminateExecution(create(ExecutionTerminateRequestSchema, { id: execKey, cause: "late" }), ctx),
      );
      expect([error.code, error.rawMessage]).toEqual([
        Code.FailedPrecondition,
        "Cannot abort an already terminated workflow execution",
      ]);
      expect(error.details).toEqual([
        create(EventFailureReasonSchema, {
          reason: {
            case: "alreadyInTerminalState",
            value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase: "SUCCEEDED" }),
          },
        }),
      ]);
      expect(await queuedAborts(db())).toEqual([]);
    });

    it("keeps ABORTING and reports INTERNAL when the engine refuses the abort", async () => {
      const h = createExecutionHarness(db(), blobStore(), {
        executor: {
          id: "no-abort",
          async execute() {
            return { cluster: "" };
          },
          async abort() {
            throw new Error("cannot reach the engine");
          },
        },
      });
      await seedLaunchPlan(h);
      await h.executions.createExecution(executionRequest(), ctx);
      const error = await failure(() =>
        h.executions.terminateExecution(create(ExecutionTerminateRequestSchema, { id: execKey, cause: "c" }), ctx),
      );
      expect([error.code, error.rawMessage]).toEqual([Code.Internal, "cannot reach the engine"]);
      expect((await db().repos.executions.get(execKey)).phase).toBe("ABORTING");
    });

    it("answers NOT_FOUND for an unknown execution and INVALID_ARGUMENT for a missing name", async () => {
      const h = await launched();
      const missing = await failure(() =>
        h.executions.terminateExecution(
          create(ExecutionTerminateRequestSchema, { id: { ...execKey, name: "nope" } }),
          ctx,
        ),
      );
      expect(missing.code).toBe(Code.NotFound);
      const invalid = await failure(() =>
        h.executions.terminateExecution(create(ExecutionTerminateRequestSchema, { id: { ...execKey, name: "" } }), ctx),
      );
      expect([invalid.code, invalid.rawMessage]).toEqual([Code.InvalidArgument, "missing name"]);
    });
  });

  describe("archive, get and list", () => {
    const list = (filters = "") =>
      create(ResourceListRequestSchema, {
        id: { project: "admintests", domain: "development" },
        limit: 10,
        filters,
      });

    it("hides archived executions from lists unless a filter names the state", async () => {
      const h = await launched();
      await h.executions.createExecution(executionRequest({ name: "exec2" }), ctx);
      await h.executions.updateExecution(
        create(ExecutionUpdateRequestSchema, { id: execKey, state: ExecutionState.EXECUTION_ARCHIVED }),
        { ...ctx, identity: { subject: "ada" } },
      );
      const active = await h.executions.listExecutions(list(), ctx);
      expect(active.executions.map((e) => e.id?.name)).toEqual(["exec2"]);
      const archived = await h.executions.listExecutions(list("eq(state,1)"), ctx);
      expect(archived.executions.map((e) => e.id?.name)).toEqual(["exec1"]);
      const execution = await h.executions.getExecution(getRequest(), ctx);
      expect(execution.closure?.stateChangeDetails).toMatchObject({
        state: ExecutionState.EXECUTION_ARCHIVED,
        principal: "ada",
      });
    });

    it("filters on tags through the execution_tags join", async () => {
      const h = createExecutionHarness(db(), blobStore());
      await seedLaunchPlan(h);
      const tagged = executionRequest();
      tagged.spec!.labels = { $typeName: "flyteidl.admin.Labels", values: { team: "ml" } };
      await h.executions.createExecution(tagged, ctx);
      await h.executions.createExecution(executionRequest({ name: "exec2" }), ctx);
      const byKey = await h.executions.listExecutions(list("value_in(execution_tag.key,team)"), ctx);
      expect(byKey.executions.map((e) => e.id?.name)).toEqual(["exec1"]);
      const byValue = await h.executions.listExecutions(list("eq(execution_tag.value,ml)"), ctx);
      expect(byValue.executions.map((e) => e.id?.name)).toEqual(["exec1"]);
    });

    it("pages with offset tokens and trims long error messages in lists only", async () => {
      const h = await launched();
      await h.executions.createExecution(executionRequest({ name: "exec2" }), ctx);
      const message = "x".repeat(150);
      await h.executions.createWorkflowEvent(
        workflowEvent(WorkflowExecution_Phase.FAILED, {
          outputResult: { case: "error", value: { code: "E", message, kind: ExecutionError_ErrorKind.USER } },
        }),
        ctx,
      );
      const first = await h.executions.listExecutions(
        create(ResourceListRequestSchema, {
          id: { project: "admintests", domain: "development" },
          limit: 1,
          sortBy: { key: "execution_name", direction: 1 },
        }),
        ctx,
      );
      expect(first.token).toBe("1");
      const listed = first.executions[0];
      expect(listed?.id?.name).toBe("exec1");
      expect(listed?.closure?.outputResult.case === "error" ? listed.closure.outputResult.value.message : "").toBe(
        "x".repeat(100),
      );
      expect(listed?.spec?.inputs).toBeUndefined();
      const second = await h.executions.listExecutions(
        create(ResourceListRequestSchema, {
          id: { project: "admintests", domain: "development" },
          limit: 1,
          token: "1",
          sortBy: { key: "execution_name", direction: 1 },
        }),
        ctx,
      );
      expect(second.executions.map((e) => e.id?.name)).toEqual(["exec2"]);
      const full = await h.executions.getExecution(getRequest(), ctx);
      expect(full.closure?.outputResult.case === "error" ? full.closure.outputResult.value.message : "").toBe(message);
    });

    it("checks list requests as flyteadmin does", async () => {
      const h = await launched();
      const noLimit = await failure(() =>
        h.executions.listExecutions(create(ResourceListRequestSchema, { id: { project: "p", domain: "d" } }), ctx),
      );
      expect([noLimit.code, noLimit.rawMessage]).toEqual([Code.InvalidArgument, "invalid value for limit"]);
      const badToken = await failure(() =>
        h.executions.listExecutions(create(ResourceListRequestSchema, { ...list(), token: "x" }), ctx),
      );
      expect(badToken.rawMessage).toBe("invalid pagination token x for ListExecutions");
      const badFilter = await failure(() => h.executions.listExecutions(list("eq(nope,1)"), ctx));
      expect(badFilter.rawMessage).toBe("'e.nope' is invalid filter");
    });
  });

  describe("GetExecutionData", () => {
    it("returns inputs and offloaded outputs inline when signed URLs are off", async () => {
      const h = await launched();
      await h.executions.createWorkflowEvent(
        workflowEvent(WorkflowExecution_Phase.SUCCEEDED, {
          outputResult: { case: "outputData", value: literalMap({ bar: stringLiteral("out") }) },
        }),
        ctx,
      );
      const data = await h.executions.getExecutionData(
        create(WorkflowExecutionGetDataRequestSchema, { id: execKey }),
        ctx,
      );
      expect(data.fullInputs?.literals.foo).toEqual(stringLiteral("bar"));
      expect(data.fullOutputs?.literals.bar).toEqual(stringLiteral("out"));
      expect(data.inputs?.url).toBe("");
      expect(data.outputs?.url).toBe("");
    });

    it("signs URLs and leaves data larger than the limit out when signed URLs are on", async () => {
      const h = await launched({ config: { remoteData: { maxSizeInBytes: 4, signedUrls: { enabled: true } } } });
      const data = await h.executions.getExecutionData(
        create(WorkflowExecutionGetDataRequestSchema, { id: execKey }),
        ctx,
      );
      expect(data.fullInputs?.literals).toEqual({});
      expect(
        data.inputs?.url.startsWith(`${TEST_BLOB_BASE_URL}/bucket/metadata/admintests/development/exec1/inputs?`),
      ).toBe(true);
      expect(Number(data.inputs?.bytes)).toBeGreaterThan(4);
    });
  });
});
