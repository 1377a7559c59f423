/**
 * CreateTaskEvent (flyteadmin `TaskExecutionManager.CreateTaskExecutionEvent` and the task execution
 * transformers): one row per attempt, created by its first event and merged with each later one.
 */
import { type DbTime, timestampToDbTime } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { AloftError, Code, TERMINAL_TASK_PHASES } from "@aloft/idl";
import {
  type TaskExecutionEventRequest,
  type TaskExecutionEventResponse,
  TaskExecutionEventResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { type TaskExecutionClosure, TaskExecutionClosureSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { TaskExecutionEvent } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { BlobStore } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../../config/admin-config.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import { nodeExecutionKeyText, type TaskExecutionKey, taskExecutionKeyText } from "../../repositories/keys.js";
import type { TaskExecutionChanges, TaskExecutionRecord } from "../../repositories/task-execution-repo.js";
import { executionKeyFromId, taskExecutionKeyFromId } from "../../transformers/identifier-transformer.js";
import { decodeColumn } from "../../transformers/proto-bytes.js";
import { taskExecutionChangesFromClosure, taskExecutionToRow } from "../../transformers/task-execution-transformer.js";
import { validateTaskEventRequest } from "../../validation/task-execution-validation.js";
import { offloadLiteralMap } from "../execution/literal-data.js";
import type { ManagerContext } from "../interfaces.js";
import { alreadyInTerminalStateError, validateEventCluster } from "./event-errors.js";
import { createExecutionClusterLookup } from "./execution-clusters.js";
import { durationSince, occurredAtOf, reportedAtOf } from "./event-time.js";
import { retryOnConcurrentUpdate } from "./retry-on-concurrent-update.js";
import {
  filterExternalResourceLogs,
  filterLogsByPhase,
  mergeCustomInfo,
  mergeLogs,
  mergeTaskMetadata,
  reasonsOf,
  sortExternalResources,
} from "./task-closure-merge.js";
import { taskPhaseOf } from "./phase-names.js";

/** What {@link createTaskEventHandler} reads. */
export interface TaskEventDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** `remoteData.maxSizeInBytes`. */
  maxOutputSizeBytes: number;
  /** `remoteData.inlineEventDataPolicy`. */
  inlineEventDataPolicy: InlineEventDataPolicy;
}

/** The CreateTaskEvent handler. */
export type TaskEventHandler = (
  request: TaskExecutionEventRequest,
  context: ManagerContext,
) => Promise<TaskExecutionEventResponse>;

/**
 * Builds CreateTaskEvent. As flyteadmin: the request must be valid (INVALID_ARGUMENT otherwise); the
 * workflow execution must exist (NOT_FOUND) and the event come from its cluster; a new attempt needs its
 * node execution (else INTERNAL "failed to get existing node execution id: […]") and is created in any
 * phase; for an existing attempt the same phase with a stored `phase_version` ≥ the incoming one is
 * ALREADY_EXISTS, and any event after a terminal phase is FAILED_PRECONDITION with
 * `already_in_terminal_state` carrying the **incoming** phase. Newer phase versions of the same phase
 * update logs and metadata.
 */
export function createTaskEventHandler(deps: TaskEventDeps): TaskEventHandler {
  const clusterOf = createExecutionClusterLookup(deps.repos.executions);
  return async (request) => {
    validateTaskEventRequest(request, deps.maxOutputSizeBytes);
    const event = request.event!;
    const cluster = await clusterOf(executionKeyFromId(event.parentNodeExecutionId?.executionId));
    validateEventCluster(cluster, event.producerId);
    const key = taskExecutionKeyFromId(taskExecutionIdOf(event));
    await retryOnConcurrentUpdate(async () => {
      const existing = await deps.repos.taskExecutions.find(key);
      if (existing === undefined) {
        try {
          await createTaskExecution(deps, event, key);
          return;
        } catch (error) {
          if (error instanceof AloftError && error.code === Code.AlreadyExists) {
            throw new AloftError(Code.Aborted, "task execution created concurrently", { cause: error });
          }
          throw error;
        }
      }
      await updateTaskExecution(deps, event, key, existing);
    });
    return create(TaskExecutionEventResponseSchema);
  };
}

async function createTaskExecution(deps: TaskEventDeps, event: TaskExecutionEvent, key: TaskExecutionKey) {
  if (!(await deps.repos.nodeExecutions.exists(key.nodeExecutionId))) {
    throw AloftError.internal(
      `failed to get existing node execution id: [${nodeExecutionKeyText(key.nodeExecutionId)}]`,
    );
  }
  const inputUri = await eventInputUri(deps, event, key);
  const metadata = event.metadata;
  if (metadata !== undefined && metadata.externalResources.length > 1)
    sortExternalResources(metadata.externalResources);
  const occurredAt = occurredAtOf(event);
  const reasons = reasonsOf(event);
  const closure = create(TaskExecutionClosureSchema, {
    phase: event.phase,
    updatedAt: reportedAtOf(event),
    createdAt: occurredAt,
    logs: event.logs,
    taskType: event.taskType,
    eventVersion: event.eventVersion,
    reasons,
    reason: reasons.at(-1)?.message ?? "",
    ...(event.customInfo === undefined ? {} : { customInfo: event.customInfo }),
    ...(metadata === undefined ? {} : { metadata }),
  });
  let startedAt: DbTime | null = null;
  if (event.phase === TaskExecution_Phase.RUNNING) {
    startedAt = timestampToDbTime(occurredAt);
    closure.startedAt = occurredAt;
  }
  if (TERMINAL_TASK_PHASES.has(event.phase)) await addTerminalState(deps, event, key, closure, startedAt);
  await deps.repos.taskExecutions.create(
    taskExecutionToRow({
      id: taskExecutionIdOf(event),
      closure,
      phaseVersion: event.phaseVersion,
      inputUri,
    }),
  );
}

async function updateTaskExecution(
  deps: TaskEventDeps,
  event: TaskExecutionEvent,
  key: TaskExecutionKey,
  existing: TaskExecutionRecord,
) {
  const incoming = TaskExecution_Phase[event.phase] ?? String(event.phase);
  if (existing.phase === incoming && existing.phase_version >= event.phaseVersion) {
    throw AloftError.alreadyExists(
      `have already recorded task execution phase ${incoming} (version: ${event.phaseVersion}) for ${taskExecutionKeyText(key)}`,
    );
  }
  if (TERMINAL_TASK_PHASES.has(taskPhaseOf(existing.phase))) {
    throw alreadyInTerminalStateError(
      `invalid phase change from ${existing.phase} to ${incoming} for task execution ${taskExecutionKeyText(key)}`,
      incoming,
    );
  }

  const inputUri = existing.input_uri !== "" ? existing.input_uri : await eventInputUri(deps, event, key);
  const closure = decodeColumn(TaskExecutionClosureSchema, existing.closure, "closure");
  const isPhaseChange = existing.phase !== incoming;
  closure.phase = event.phase;
  const reportedAt = reportedAtOf(event);
  closure.updatedAt = reportedAt;
  closure.logs = filterLogsByPhase(mergeLogs(closure.logs, event.logs), event.phase);
  if (event.reasons.length > 0) {
    closure.reasons.push(...reasonsOf(event));
    closure.reason = event.reasons.at(-1)?.reason ?? "";
  } else if (event.reason !== "") {
    // A repeated reason is not recorded twice, so chatty plugins do not bloat the closure.
    if (closure.reason !== event.reason) closure.reasons.push(...reasonsOf(event));
    closure.reason = event.reason;
  }
  let startedAt = existing.started_at;
  if (existing.phase !== "RUNNING" && event.phase === TaskExecution_Phase.RUNNING && startedAt === null) {
    const occurredAt = occurredAtOf(event);
    startedAt = timestampToDbTime(occurredAt);
    closure.startedAt = occurredAt;
  }
  if (TERMINAL_TASK_PHASES.has(event.phase)) await addTerminalState(deps, event, key, closure, startedAt);
  const customInfo = mergeCustomInfo(closure.customInfo, event.customInfo);
  if (customInfo !== undefined) closure.customInfo = customInfo;
  const metadata = mergeTaskMetadata(closure.metadata, event.metadata);
  if (metadata !== undefined) closure.metadata = metadata;
  if (isPhaseChange && metadata !== undefined && metadata.externalResources.length > 0) {
    filterExternalResourceLogs(metadata.externalResources, event.phase);
  }
  if (event.eventVersion > closure.eventVersion) closure.eventVersion = event.eventVersion;

  const changes: TaskExecutionChanges = {
    ...taskExecutionChangesFromClosure(closure, event.phaseVersion),
    input_uri: inputUri,
    started_at: startedAt,
    task_execution_updated_at: timestampToDbTime(reportedAt),
  };
  await deps.repos.taskExecutions.update(existing.id, changes, { expectPhase: existing.phase });
}

async function addTerminalState(
  deps: TaskEventDeps,
  event: TaskExecutionEvent,
  key: TaskExecutionKey,
  closure: TaskExecutionClosure,
  startedAt: DbTime | null,
): Promise<void> {
  if (startedAt !== null) closure.duration = durationSince(startedAt, occurredAtOf(event));
  const output = event.outputResult;
  if (output.case === "outputUri" && output.value !== "") {
    closure.outputResult = { case: "outputUri", value: output.value };
  } else if (output.case === "outputData") {
    if (deps.inlineEventDataPolicy === "StoreInline") {
      closure.outputResult = { case: "outputData", value: output.value };
    } else {
      const uri = await offloadLiteralMap(deps.blobStore, output.value, ...taskDataKeys(key), "offloaded_outputs");
      closure.outputResult = { case: "outputUri", value: uri };
    }
  } else if (output.case === "error") {
    closure.outputResult = { case: "error", value: output.value };
  }
}

/** Input URI of the event, offloading inline inputs under the attempt's path. */
async function eventInputUri(deps: TaskEventDeps, event: TaskExecutionEvent, key: TaskExecutionKey): Promise<string> {
  const input = event.inputValue;
  if (input.case === "inputUri") return input.value;
  if (input.case === "inputData") {
    return offloadLiteralMap(deps.blobStore, input.value, ...taskDataKeys(key), "offloaded_inputs");
  }
  return "";
}

/** `<p>/<d>/<exec>/<node>/<tp>/<td>/<tn>/<tv>/<retry>`, where flyteadmin offloads task event data. */
function taskDataKeys(key: TaskExecutionKey): string[] {
  const execution = key.nodeExecutionId.executionId;
  return [
    execution.project,
    execution.domain,
    execution.name,
    key.nodeExecutionId.nodeId,
    key.taskId.project,
    key.taskId.domain,
    key.taskId.name,
    key.taskId.version,
    String(key.retryAttempt),
  ];
}

function taskExecutionIdOf(event: TaskExecutionEvent): TaskExecutionIdentifier {
  return create(TaskExecutionIdentifierSchema, {
    taskId: event.taskId,
    nodeExecutionId: event.parentNodeExecutionId,
    retryAttempt: event.retryAttempt,
  });
}
