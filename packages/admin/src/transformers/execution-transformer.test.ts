import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AloftError, Code } from "@aloft/idl";
import {
  ExecutionClosureSchema,
  ExecutionSpecSchema,
  ExecutionState,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ExecutionError_ErrorKind, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  IdentifierSchema,
  ResourceType,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import type { ExecutionRow } from "../db/schema.js";
import { asStored } from "../repositories/rows.test-helper.js";
import { trimErrorMessage } from "./closure-columns.js";
import {
  executionChangesFromClosure,
  executionFromRow,
  executionTagsFromSpec,
  executionToRow,
  type ExecutionToRowInput,
  launchFailureToExecutionError,
} from "./execution-transformer.js";

const createdAt = create(TimestampSchema, { seconds: 1714564800n, nanos: 250_000_000 });

function input(overrides: Partial<ExecutionToRowInput> = {}): ExecutionToRowInput {
  return {
    id: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "development", name: "abc" }),
    spec: create(ExecutionSpecSchema, {
      launchPlan: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: "p",
        domain: "development",
        name: "lp",
        version: "v1",
      },
      metadata: { mode: 1, principal: "alice" },
      labels: { values: { team: "ml" } },
      tags: ["legacy"],
    }),
    launchPlanRowId: 3,
    workflowRowId: 2,
    taskRowId: 0,
    createdAt,
    notifications: [],
    workflowId: create(IdentifierSchema, {
      resourceType: ResourceType.WORKFLOW,
      project: "p",
      domain: "development",
      name: "wf",
      version: "v1",
    }),
    cluster: "local",
    namespace: "p-development",
    inputsUri: "s3://inputs",
    userInputsUri: "s3://user_inputs",
    launchEntity: ResourceType.LAUNCH_PLAN,
    ...overrides,
  };
}

function asRow(row: ReturnType<typeof executionToRow>, id = 1): ExecutionRow {
  return asStored(row, { id, created_at: "2024-05-01T12:00:00.250000Z", updated_at: "2024-05-01T12:00:00.250000Z" });
}

describe("executionToRow / executionFromRow", () => {
  it("stores a new execution the way CreateExecution does", () => {
    const row = executionToRow(input());
    expect(row).toMatchObject({
      execution_project: "p",
      execution_name: "abc",
      launch_plan_id: 3,
      workflow_id: 2,
      task_id: 0,
      phase: "UNDEFINED",
      execution_created_at: "2024-05-01T12:00:00.250000Z",
      mode: 1,
      user: "alice",
      state: 0,
      launch_entity: "launch_plan",
      cluster: "local",
      error_kind: null,
    });
    const execution = executionFromRow(asRow(row));
    expect(execution.spec?.metadata?.systemMetadata).toMatchObject({
      executionCluster: "local",
      namespace: "p-development",
    });
    expect(execution.closure?.stateChangeDetails).toMatchObject({
      state: ExecutionState.EXECUTION_ACTIVE,
      principal: "alice",
    });
    expect(execution.closure?.createdAt).toEqual(createdAt);
    expect(execution.id).toMatchObject({ project: "p", domain: "development", name: "abc" });
  });

  it("records single-task launches against the task, not a launch plan", () => {
    expect(executionToRow(input({ taskRowId: 9, launchEntity: ResourceType.TASK }))).toMatchObject({
      task_id: 9,
      launch_plan_id: 0,
      launch_entity: "task",
    });
  });

  it("records a failed launch as FAILED with flyteadmin's error code and kind", () => {
    const userError = launchFailureToExecutionError(AloftError.invalidArgument("bad inputs"));
    expect(userError).toMatchObject({
      code: "InvalidArgument",
      message: "bad inputs",
      kind: ExecutionError_ErrorKind.USER,
    });
    expect(launchFailureToExecutionError(new Error("cluster down"))).toMatchObject({
      code: "Unknown",
      kind: ExecutionError_ErrorKind.SYSTEM,
    });
    expect(launchFailureToExecutionError(new AloftError(Code.Unavailable, "x")).code).toBe("Unavailable");
    const row = executionToRow(input({ launchError: userError }));
    expect(row).toMatchObject({ phase: "FAILED", error_kind: "USER", error_code: "InvalidArgument" });
    expect(executionFromRow(asRow(row)).closure?.outputResult).toMatchObject({
      case: "error",
      value: { message: "bad inputs" },
    });
  });

  it("trims error messages in list responses to 100 bytes without splitting a character", () => {
    const long = `${"x".repeat(99)}é and more`;
    expect(trimErrorMessage(long)).toBe("x".repeat(99));
    expect(trimErrorMessage("short")).toBe("short");
    const row = executionToRow(input({ launchError: launchFailureToExecutionError(new Error(long)) }));
    const listed = executionFromRow(asRow(row), { trimErrorMessage: true });
    expect(listed.closure?.outputResult.case === "error" && listed.closure.outputResult.value.message).toBe(
      "x".repeat(99),
    );
  });

  it("synthesises abort metadata, state change details and the namespace for old rows", () => {
    const closure = create(ExecutionClosureSchema, { phase: WorkflowExecution_Phase.ABORTED });
    const row = {
      ...asRow(executionToRow(input({ namespace: "" }))),
      closure: executionChangesFromClosure(closure).closure ?? new Uint8Array(),
      phase: "ABORTED",
      abort_cause: "user asked",
      user: "bob",
    };
    const execution = executionFromRow(row, { defaultNamespace: "p-development" });
    expect(execution.closure?.outputResult).toMatchObject({ case: "abortMetadata", value: { cause: "user asked" } });
    expect(execution.closure?.stateChangeDetails).toMatchObject({ state: 0, principal: "bob" });
    expect(execution.spec?.metadata?.systemMetadata?.namespace).toBe("p-development");
  });

  it("derives the tags from the request's labels and deprecated tags", () => {
    expect(executionTagsFromSpec(input().spec)).toEqual([
      { key: "team", value: "ml" },
      { key: "legacy", value: "" },
    ]);
  });

  it("promotes closure fields to columns on update", () => {
    const closure = create(ExecutionClosureSchema, {
      phase: WorkflowExecution_Phase.SUCCEEDED,
      startedAt: createdAt,
      updatedAt: create(TimestampSchema, { seconds: 1714564860n }),
      duration: { seconds: 59n, nanos: 750_000_000 },
      outputResult: { case: "error", value: { code: "OOM", kind: ExecutionError_ErrorKind.SYSTEM } },
    });
    expect(executionChangesFromClosure(closure)).toMatchObject({
      phase: "SUCCEEDED",
      started_at: "2024-05-01T12:00:00.250000Z",
      execution_updated_at: "2024-05-01T12:01:00.000000Z",
      duration: 59_750_000_000,
      error_kind: "SYSTEM",
      error_code: "OOM",
    });
  });
});
