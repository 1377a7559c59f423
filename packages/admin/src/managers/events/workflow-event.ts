/**
 * CreateWorkflowEvent (flyteadmin `ExecutionManager.CreateWorkflowEvent` and `UpdateExecutionModelState`):
 * propeller reports a workflow phase; admin checks the transition, records it on the execution and, on a
 * terminal phase, triggers the execution's notifications.
 */
import { timestampToDbTime } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { AloftError, Code, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import type { Notification } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type WorkflowExecutionEventRequest,
  type WorkflowExecutionEventResponse,
  WorkflowExecutionEventResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import {
  type Execution,
  ExecutionClosureSchema,
  ExecutionMetadataSchema,
  ExecutionSpecSchema,
  LiteralMapBlobSchema,
  SystemMetadataSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionEvent } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { BlobStore } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../../config/admin-config.js";
import type { ExecutionRow } from "../../db/schema.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import { executionKeyText } from "../../repositories/keys.js";
import { executionChangesFromClosure, executionFromRow } from "../../transformers/execution-transformer.js";
import { executionEventToRow } from "../../transformers/event-transformer.js";
import { executionKeyFromId } from "../../transformers/identifier-transformer.js";
import { decodeColumn, encodeColumn } from "../../transformers/proto-bytes.js";
import { validateWorkflowEventRequest } from "../../validation/execution-validation.js";
import { offloadLiteralMap } from "../execution/literal-data.js";
import type { ManagerContext } from "../interfaces.js";
import {
  alreadyInTerminalStateError,
  incompatibleClusterError,
  isClusterCheckedProducer,
  validateEventCluster,
} from "./event-errors.js";
import { durationSince } from "./event-time.js";
import { retryOnConcurrentUpdate } from "./retry-on-concurrent-update.js";
import { workflowPhaseOf } from "./phase-names.js";

/** The phases while which a QUEUED event may move an execution to another cluster. */
const CLUSTER_REASSIGNABLE = new Set(["UNDEFINED", "QUEUED"]);

/** Where execution notifications go when a workflow reaches a terminal phase (the notifications subsystem). */
export interface NotificationPublisher {
  /**
   * Delivers one notification of `execution` for `event`. Failures are the publisher's to log: as in
   * flyteadmin they never fail the event.
   */
  publish(input: { notification: Notification; execution: Execution; event: WorkflowExecutionEvent }): Promise<void>;
}

/** What {@link createWorkflowEventHandler} reads. */
export interface WorkflowEventDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** `remoteData.maxSizeInBytes`: the largest inline output accepted. */
  maxOutputSizeBytes: number;
  /** `remoteData.inlineEventDataPolicy`. */
  inlineEventDataPolicy: InlineEventDataPolicy;
  /** Notified on terminal phases; none = notifications are dropped. */
  notifications?: NotificationPublisher;
}

/** The CreateWorkflowEvent handler. */
export type WorkflowEventHandler = (
  request: WorkflowExecutionEventRequest,
  context: ManagerContext,
) => Promise<WorkflowExecutionEventResponse>;

/**
 * Builds CreateWorkflowEvent. Transitions follow flyteadmin:
 * - the same phase again (except QUEUED, which announces a cluster reassignment) → ALREADY_EXISTS
 *   "This phase <P> was already recorded for workflow execution <id>";
 * - any event for a terminal execution → FAILED_PRECONDITION with `already_in_terminal_state{current_phase}`;
 * - RUNNING → QUEUED, and ABORTING → any non-terminal phase → FAILED_PRECONDITION;
 * - a non-QUEUED event from another cluster → FAILED_PRECONDITION with `incompatible_cluster`;
 * - anything else is accepted, e.g. UNDEFINED → SUCCEEDED.
 * Missing executions are NOT_FOUND; oversized inline outputs RESOURCE_EXHAUSTED.
 */
export function createWorkflowEventHandler(deps: WorkflowEventDeps): WorkflowEventHandler {
  return async (request) => {
    validateWorkflowEventRequest(request, deps.maxOutputSizeBytes);
    const event = request.event!;
    const key = executionKeyFromId(event.executionId);
    const row = await retryOnConcurrentUpdate(async () => {
      const current = await deps.repos.executions.get(key);
      checkTransition(current, event);
      const changes = await applyEvent({ deps, row: current, event });
      await deps.repos.executions.update(current.id, changes.columns, { expectPhase: current.phase });
      return { ...current, ...changes.columns } as ExecutionRow;
    });
    // The phase timeline is best effort, as flyteadmin's asynchronous event writer.
    await deps.repos.executionEvents.createMany([executionEventToRow(request)]).catch(() => undefined);
    if (TERMINAL_WORKFLOW_PHASES.has(event.phase)) await publishNotifications(deps, row, event);
    return create(WorkflowExecutionEventResponseSchema);
  };
}

function checkTransition(row: ExecutionRow, event: WorkflowExecutionEvent): void {
  const current = workflowPhaseOf(row.phase);
  const incoming = event.phase;
  const idText = executionKeyText(executionKeyFromId(event.executionId));
  if (incoming !== WorkflowExecution_Phase.QUEUED) {
    if (current === incoming) {
      throw AloftError.alreadyExists(`This phase ${row.phase} was already recorded for workflow execution ${idText}`);
    }
    // Only once an execution has left QUEUED are its events held to its cluster.
    validateEventCluster(row.cluster, event.producerId);
  }
  const incomingName = WorkflowExecution_Phase[incoming] ?? String(incoming);
  if (TERMINAL_WORKFLOW_PHASES.has(current)) {
    throw alreadyInTerminalStateError(
      `Invalid phase change from ${row.phase} to ${incomingName} for workflow execution ${idText}`,
      row.phase,
    );
  }
  if (current === WorkflowExecution_Phase.RUNNING && incoming === WorkflowExecution_Phase.QUEUED) {
    throw AloftError.failedPrecondition(
      `Cannot go from ${row.phase} to ${incomingName} for workflow execution ${idText}`,
    );
  }
  if (current === WorkflowExecution_Phase.ABORTING && !TERMINAL_WORKFLOW_PHASES.has(incoming)) {
    throw AloftError.failedPrecondition(
      `Invalid phase change from aborting to ${incomingName} for workflow execution ${idText}`,
    );
  }
}

async function applyEvent(input: {
  deps: WorkflowEventDeps;
  row: ExecutionRow;
  event: WorkflowExecutionEvent;
}): Promise<{ columns: ReturnType<typeof executionChangesFromClosure> & { cluster?: string; spec?: Uint8Array } }> {
  const { deps, row, event } = input;
  const closure = decodeColumn(ExecutionClosureSchema, row.closure, "closure");
  const occurredAt = event.occurredAt;
  if (occurredAt === undefined) throw AloftError.internal("Failed to parse OccurredAt: timestamp: nil Timestamp");
  closure.phase = event.phase;
  closure.updatedAt = occurredAt;
  if (event.phase === WorkflowExecution_Phase.RUNNING) {
    closure.startedAt = occurredAt;
  } else if (TERMINAL_WORKFLOW_PHASES.has(event.phase) && row.started_at !== null) {
    closure.duration = durationSince(row.started_at, occurredAt);
  }

  const extra: { cluster?: string; spec?: Uint8Array } = {};
  if (isClusterCheckedProducer(event.producerId)) {
    const newPhase = WorkflowExecution_Phase[event.phase] ?? "";
    if (CLUSTER_REASSIGNABLE.has(newPhase)) {
      extra.cluster = event.producerId;
      extra.spec = reassignedSpec(row.spec, event.producerId);
    } else if (row.cluster !== event.producerId) {
      throw incompatibleClusterError(
        `Cannot accept events for running/terminated execution [${executionKeyText(executionKeyFromId(event.executionId))}] from cluster [${event.producerId}],expected events to originate from [${row.cluster}]`,
        row.cluster,
      );
    }
  }

  const output = event.outputResult;
  if (output.case === "outputUri" && output.value !== "") {
    closure.outputResult = {
      case: "outputs",
      value: create(LiteralMapBlobSchema, { data: { case: "uri", value: output.value } }),
    };
  } else if (output.case === "outputData") {
    if (deps.inlineEventDataPolicy === "StoreInline") {
      closure.outputResult = { case: "outputData", value: output.value };
    } else {
      const uri = await offloadLiteralMap(
        deps.blobStore,
        output.value,
        row.execution_project,
        row.execution_domain,
        row.execution_name,
        "offloaded_outputs",
      );
      closure.outputResult = {
        case: "outputs",
        value: create(LiteralMapBlobSchema, { data: { case: "uri", value: uri } }),
      };
    }
  } else if (output.case === "error") {
    closure.outputResult = { case: "error", value: output.value };
  }
  const columns = executionChangesFromClosure(closure);
  columns.execution_updated_at = timestampToDbTime(occurredAt);
  if (event.phase === WorkflowExecution_Phase.RUNNING) columns.started_at = timestampToDbTime(occurredAt);
  return { columns: { ...columns, ...extra } };
}

function reassignedSpec(specBytes: Uint8Array, cluster: string): Uint8Array {
  const spec = decodeColumn(ExecutionSpecSchema, specBytes, "spec");
  const metadata = (spec.metadata ??= create(ExecutionMetadataSchema));
  const system = (metadata.systemMetadata ??= create(SystemMetadataSchema));
  system.executionCluster = cluster;
  return encodeColumn(ExecutionSpecSchema, spec);
}

async function publishNotifications(deps: WorkflowEventDeps, row: ExecutionRow, event: WorkflowExecutionEvent) {
  const execution = executionFromRow(row);
  for (const notification of execution.closure?.notifications ?? []) {
    if (!notification.phases.includes(event.phase)) continue;
    if (notification.type.case === undefined) {
      throw new AloftError(
        Code.Internal,
        `Unsupported notification type [<nil>] for execution [${executionKeyText(executionKeyFromId(event.executionId))}]`,
      );
    }
    await deps.notifications?.publish({ notification, execution, event }).catch(() => undefined);
  }
}
