import { dbTimeToTimestamp, timestampToDbTime } from "@aloft/db";
import { clone, create } from "@bufbuild/protobuf";
import { type Timestamp } from "@bufbuild/protobuf/wkt";
import { AloftError, Code } from "@aloft/idl";
import {
  AbortMetadataSchema,
  type Execution,
  type ExecutionClosure,
  ExecutionClosureSchema,
  ExecutionMetadataSchema,
  ExecutionSchema,
  type ExecutionSpec,
  ExecutionSpecSchema,
  ExecutionState,
  ExecutionStateChangeDetailsSchema,
  SystemMetadataSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { Notification } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type ExecutionError,
  ExecutionError_ErrorKind,
  ExecutionErrorSchema,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  type Identifier,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { SecurityContext } from "@aloft/idl/gen/flyteidl/core/security_pb";
import type { ExecutionRow, NewExecutionRow } from "../db/schema.js";
import type { ExecutionChanges, ExecutionTag } from "../repositories/execution-repo.js";
import { durationToNanos, errorColumns, optionalDbTime, trimErrorMessage } from "./closure-columns.js";
import { executionKeyToId } from "./identifier-transformer.js";
import { decodeColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link executionToRow}: what CreateExecution resolved. */
export interface ExecutionToRowInput {
  id: WorkflowExecutionIdentifier;
  /** The request spec; stored with `metadata.system_metadata` and `security_context` filled in. */
  spec: ExecutionSpec;
  /** `launch_plans.id` (launch plan launches). */
  launchPlanRowId: number;
  /** `workflows.id`. */
  workflowRowId: number;
  /** `tasks.id` for single-task launches (then `launch_plan_id` is 0), else 0. */
  taskRowId: number;
  createdAt: Timestamp;
  /** Frozen into the closure (request notifications, [] if disabled, else the launch plan's). */
  notifications: readonly Notification[];
  workflowId: Identifier;
  /** `node_executions.id` of the parent node for child executions, else 0. */
  parentNodeExecutionRowId?: number;
  /** `executions.id` of the relaunched or recovered execution, else 0. */
  sourceExecutionRowId?: number;
  cluster: string;
  namespace: string;
  inputsUri: string;
  userInputsUri: string;
  securityContext?: SecurityContext;
  /** TASK or LAUNCH_PLAN. */
  launchEntity: ResourceType;
  /**
   * Set when launching failed but the execution must still be recorded (flyteadmin stores it FAILED
   * and returns the id); see {@link launchFailureToExecutionError}.
   */
  launchError?: ExecutionError;
}

/** A new execution → its `executions` row (flyteadmin's `CreateExecutionModel`). */
export function executionToRow(input: ExecutionToRowInput): NewExecutionRow {
  const spec = clone(ExecutionSpecSchema, input.spec);
  const metadata = (spec.metadata ??= create(ExecutionMetadataSchema));
  metadata.systemMetadata = create(SystemMetadataSchema, {
    executionCluster: input.cluster,
    namespace: input.namespace,
  });
  spec.securityContext = input.securityContext;
  const principal = metadata.principal;
  const closure = create(ExecutionClosureSchema, {
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    notifications: [...input.notifications],
    workflowId: input.workflowId,
    stateChangeDetails: { state: ExecutionState.EXECUTION_ACTIVE, principal, occurredAt: input.createdAt },
  });
  if (input.launchError !== undefined) {
    closure.phase = WorkflowExecution_Phase.FAILED;
    closure.outputResult = { case: "error", value: input.launchError };
  }
  const createdAt = timestampToDbTime(input.createdAt);
  const isTask = input.taskRowId > 0;
  return {
    execution_project: input.id.project,
    execution_domain: input.id.domain,
    execution_name: input.id.name,
    launch_plan_id: isTask ? 0 : input.launchPlanRowId,
    workflow_id: input.workflowRowId,
    task_id: isTask ? input.taskRowId : 0,
    phase: WorkflowExecution_Phase[closure.phase],
    closure: encodeColumn(ExecutionClosureSchema, closure),
    spec: encodeColumn(ExecutionSpecSchema, spec),
    started_at: null,
    execution_created_at: createdAt,
    execution_updated_at: createdAt,
    duration: 0,
    abort_cause: "",
    mode: metadata.mode,
    source_execution_id: input.sourceExecutionRowId ?? 0,
    parent_node_execution_id: input.parentNodeExecutionRowId ?? 0,
    cluster: input.cluster,
    inputs_uri: input.inputsUri,
    user_inputs_uri: input.userInputsUri,
    ...(input.launchError === undefined ? { error_kind: null, error_code: null } : errorColumns(input.launchError)),
    user: principal,
    state: ExecutionState.EXECUTION_ACTIVE,
    launch_entity: (ResourceType[input.launchEntity] ?? "").toLowerCase(),
  };
}

/**
 * How flyteadmin records a launch that failed: code = the gRPC code name (`InvalidArgument`) or
 * `Unknown`, kind USER for InvalidArgument else SYSTEM.
 */
export function launchFailureToExecutionError(error: unknown): ExecutionError {
  if (error instanceof AloftError) {
    return create(ExecutionErrorSchema, {
      code: Code[error.code] ?? "Unknown",
      message: error.rawMessage,
      kind: error.code === Code.InvalidArgument ? ExecutionError_ErrorKind.USER : ExecutionError_ErrorKind.SYSTEM,
    });
  }
  return create(ExecutionErrorSchema, {
    code: "Unknown",
    message: error instanceof Error ? error.message : String(error),
    kind: ExecutionError_ErrorKind.SYSTEM,
  });
}

/** The `execution_tags` of a request: its labels (key, value), then its deprecated tags (key, ""). */
export function executionTagsFromSpec(spec: ExecutionSpec): ExecutionTag[] {
  const tags: ExecutionTag[] = Object.entries(spec.labels?.values ?? {}).map(([key, value]) => ({ key, value }));
  for (const tag of spec.tags) tags.push({ key: tag, value: "" });
  return tags;
}

/**
 * The row columns that mirror `closure` after an update (phase, times, duration, error columns) plus
 * the serialized closure. Error columns are only written when the closure holds an error.
 */
export function executionChangesFromClosure(closure: ExecutionClosure): ExecutionChanges {
  return {
    phase: WorkflowExecution_Phase[closure.phase],
    closure: encodeColumn(ExecutionClosureSchema, closure),
    started_at: optionalDbTime(closure.startedAt),
    execution_updated_at: optionalDbTime(closure.updatedAt),
    duration: durationToNanos(closure.duration),
    ...(closure.outputResult.case === "error" ? errorColumns(closure.outputResult.value) : {}),
  };
}

/** Options of {@link executionFromRow}. */
export interface ExecutionFromRowOptions {
  /** Cut `closure.error.message` to 100 bytes (list responses). */
  trimErrorMessage?: boolean;
  /** Fill `spec.metadata.system_metadata.namespace` when the row has none. */
  defaultNamespace?: string;
}

/**
 * An `executions` row → `admin.Execution` (flyteadmin's `FromExecutionModel`): synthesises
 * `state_change_details` for rows without it and `abort_metadata` for legacy ABORTED rows.
 */
export function executionFromRow(row: ExecutionRow, options: ExecutionFromRowOptions = {}): Execution {
  const spec = decodeColumn(ExecutionSpecSchema, row.spec, "spec");
  if (options.defaultNamespace !== undefined && options.defaultNamespace !== "") {
    const metadata = (spec.metadata ??= create(ExecutionMetadataSchema));
    const system = (metadata.systemMetadata ??= create(SystemMetadataSchema));
    if (system.namespace === "") system.namespace = options.defaultNamespace;
  }
  const closure = decodeColumn(ExecutionClosureSchema, row.closure, "closure");
  if (options.trimErrorMessage === true && closure.outputResult.case === "error") {
    closure.outputResult.value.message = trimErrorMessage(closure.outputResult.value.message);
  }
  closure.stateChangeDetails ??= create(ExecutionStateChangeDetailsSchema, {
    state: ExecutionState.EXECUTION_ACTIVE,
    occurredAt: dbTimeToTimestamp(row.created_at),
    principal: row.user,
  });
  if (
    row.phase === WorkflowExecution_Phase[WorkflowExecution_Phase.ABORTED] &&
    closure.outputResult.case !== "abortMetadata"
  ) {
    closure.outputResult = { case: "abortMetadata", value: create(AbortMetadataSchema, { cause: row.abort_cause }) };
  }
  return create(ExecutionSchema, {
    id: executionKeyToId({ project: row.execution_project, domain: row.execution_domain, name: row.execution_name }),
    spec,
    closure,
  });
}
