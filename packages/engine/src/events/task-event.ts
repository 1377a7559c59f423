/**
 * Task execution events with propeller's content (nodes/task/transformer.go `ToTaskExecutionEvent`).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { TaskExecution_Phase, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  TaskExecutionEventSchema,
  TaskExecutionMetadata_InstanceClass,
  type TaskExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import { type PhaseInfo, PluginPhase } from "../plugins/task-plugin.js";
import { NODE_EXECUTION_EVENT_VERSION } from "./node-event.js";

/** Task event phase of a plugin phase. */
export function taskEventPhase(phase: PluginPhase): TaskExecution_Phase {
  switch (phase) {
    case PluginPhase.Queued:
      return TaskExecution_Phase.QUEUED;
    case PluginPhase.Initializing:
      return TaskExecution_Phase.INITIALIZING;
    case PluginPhase.WaitingForResources:
      return TaskExecution_Phase.WAITING_FOR_RESOURCES;
    case PluginPhase.Running:
      return TaskExecution_Phase.RUNNING;
    case PluginPhase.Success:
      return TaskExecution_Phase.SUCCEEDED;
    case PluginPhase.RetryableFailure:
    case PluginPhase.PermanentFailure:
      return TaskExecution_Phase.FAILED;
    case PluginPhase.Aborted:
      return TaskExecution_Phase.ABORTED;
    default:
      return TaskExecution_Phase.UNDEFINED;
  }
}

/** Inputs of {@link buildTaskEvent}. */
export interface TaskEventInput {
  taskExecutionId: TaskExecutionIdentifier;
  info: PhaseInfo;
  /** Overrides the phase derived from `info.phase` (aborts). */
  phase?: TaskExecution_Phase;
  producerId: string;
  taskType: string;
  pluginId: string;
  generatedName: string;
  interruptible: boolean;
  inputUri: string;
  /** Set on success. */
  outputUri?: string;
  /** Overrides `info.error`. */
  error?: ExecutionError;
  reportedAtMs: number;
  occurredAtMs: number;
}

/** A task event as propeller builds it. */
export function buildTaskEvent(input: TaskEventInput): TaskExecutionEvent {
  const info = input.info;
  const occurredAt = info.info?.occurredAt ?? ts(input.occurredAtMs);
  const reason = info.reason ?? "";
  const id = input.taskExecutionId;
  const event = create(TaskExecutionEventSchema, {
    taskId: id.taskId,
    parentNodeExecutionId: id.nodeExecutionId,
    retryAttempt: id.retryAttempt,
    phase: input.phase ?? taskEventPhase(info.phase),
    phaseVersion: info.version ?? 0,
    producerId: input.producerId,
    logs: info.info?.logs ?? [],
    occurredAt,
    reportedAt: ts(input.reportedAtMs),
    inputValue: { case: "inputUri", value: input.inputUri },
    reason,
    reasons: reason === "" ? [] : [{ reason, occurredAt }],
    taskType: input.taskType,
    eventVersion: NODE_EXECUTION_EVENT_VERSION,
    metadata: {
      generatedName: input.generatedName,
      pluginIdentifier: input.pluginId,
      externalResources: info.info?.externalResources ?? [],
      instanceClass: input.interruptible
        ? TaskExecutionMetadata_InstanceClass.INTERRUPTIBLE
        : TaskExecutionMetadata_InstanceClass.DEFAULT,
    },
  });
  if (info.info?.customInfo !== undefined) event.customInfo = info.info.customInfo;
  const error = input.error ?? info.error;
  if (input.outputUri !== undefined) event.outputResult = { case: "outputUri", value: input.outputUri };
  else if (error !== undefined) event.outputResult = { case: "error", value: error };
  return event;
}

function ts(ms: number): Timestamp {
  return timestampFromMs(ms);
}
