import { create } from "@bufbuild/protobuf";
import {
  type TaskExecution,
  type TaskExecutionClosure,
  TaskExecutionClosureSchema,
  TaskExecutionSchema,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { NewTaskExecutionRow } from "../db/schema.js";
import type { TaskExecutionChanges, TaskExecutionRecord } from "../repositories/task-execution-repo.js";
import { durationToNanos, optionalDbTime } from "./closure-columns.js";
import { taskExecutionKeyToId } from "./identifier-transformer.js";
import { decodeColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link taskExecutionToRow}. */
export interface TaskExecutionToRowInput {
  id: TaskExecutionIdentifier;
  /** The closure built from the first event; phase, times and duration are promoted from it. */
  closure: TaskExecutionClosure;
  phaseVersion: number;
  inputUri: string;
}

/** A task execution created from its first event → a `task_executions` row. */
export function taskExecutionToRow(input: TaskExecutionToRowInput): NewTaskExecutionRow {
  const task = input.id.taskId;
  const execution = input.id.nodeExecutionId?.executionId;
  return {
    project: task?.project ?? "",
    domain: task?.domain ?? "",
    name: task?.name ?? "",
    version: task?.version ?? "",
    execution_project: execution?.project ?? "",
    execution_domain: execution?.domain ?? "",
    execution_name: execution?.name ?? "",
    node_id: input.id.nodeExecutionId?.nodeId ?? "",
    retry_attempt: input.id.retryAttempt,
    phase: TaskExecution_Phase[input.closure.phase],
    phase_version: input.phaseVersion,
    input_uri: input.inputUri,
    closure: encodeColumn(TaskExecutionClosureSchema, input.closure),
    started_at: optionalDbTime(input.closure.startedAt),
    task_execution_created_at: optionalDbTime(input.closure.createdAt),
    task_execution_updated_at: optionalDbTime(input.closure.updatedAt),
    duration: durationToNanos(input.closure.duration),
  };
}

/** The row columns that mirror `closure` after an update, plus the serialized closure. */
export function taskExecutionChangesFromClosure(
  closure: TaskExecutionClosure,
  phaseVersion: number,
): TaskExecutionChanges {
  return {
    phase: TaskExecution_Phase[closure.phase],
    phase_version: phaseVersion,
    closure: encodeColumn(TaskExecutionClosureSchema, closure),
    started_at: optionalDbTime(closure.startedAt),
    task_execution_updated_at: optionalDbTime(closure.updatedAt),
    duration: durationToNanos(closure.duration),
  };
}

/** A task execution row → `admin.TaskExecution`; `is_parent` is whether it launched node executions. */
export function taskExecutionFromRecord(record: TaskExecutionRecord): TaskExecution {
  return create(TaskExecutionSchema, {
    id: taskExecutionKeyToId({
      taskId: { project: record.project, domain: record.domain, name: record.name, version: record.version },
      nodeExecutionId: {
        executionId: {
          project: record.execution_project,
          domain: record.execution_domain,
          name: record.execution_name,
        },
        nodeId: record.node_id,
      },
      retryAttempt: record.retry_attempt,
    }),
    inputUri: record.input_uri,
    closure: decodeColumn(TaskExecutionClosureSchema, record.closure, "closure"),
    isParent: record.has_children,
  });
}
