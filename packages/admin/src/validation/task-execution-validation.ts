/**
 * Task execution request checks (flyteadmin `task_execution_validator.go`).
 */
import { create } from "@bufbuild/protobuf";
import type { TaskExecutionEventRequest } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import type { NodeExecutionForTaskListRequest } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { TaskExecutionListRequest } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import {
  ResourceType,
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { missingArgument, requireLimit } from "./field-validation.js";
import { validateIdentifier } from "./identifier-validation.js";
import { validateOutputData } from "./literal-validation.js";
import { validateNodeExecutionIdentifier } from "./node-execution-validation.js";

/**
 * `ValidateTaskExecutionIdentifier`.
 * @throws AloftError InvalidArgument "missing id", "missing node_execution_id", the node execution id
 *   messages, "missing task_id", or the task id messages ("unexpected resource type …", "missing version" …).
 */
export function validateTaskExecutionIdentifier(
  id: TaskExecutionIdentifier | undefined,
): asserts id is TaskExecutionIdentifier {
  if (id === undefined) throw missingArgument("id");
  if (id.nodeExecutionId === undefined) throw missingArgument("node_execution_id");
  validateNodeExecutionIdentifier(id.nodeExecutionId);
  if (id.taskId === undefined) throw missingArgument("task_id");
  validateIdentifier(id.taskId, ResourceType.TASK);
}

/**
 * `ValidateTaskExecutionRequest`: an event with `occurred_at`, outputs within the limit, and a full task
 * execution id (TASK id, parent node execution id).
 * @throws AloftError InvalidArgument "missing event", "missing occurred_at", identifier messages;
 *   ResourceExhausted for oversized outputs.
 */
export function validateTaskEventRequest(request: TaskExecutionEventRequest, maxOutputSizeBytes: number): void {
  const event = request.event;
  if (event === undefined) throw missingArgument("event");
  if (event.occurredAt === undefined) throw missingArgument("occurred_at");
  validateOutputData(
    event.outputResult.case === "outputData" ? event.outputResult.value : undefined,
    maxOutputSizeBytes,
  );
  validateTaskExecutionIdentifier(
    create(TaskExecutionIdentifierSchema, {
      taskId: event.taskId,
      nodeExecutionId: event.parentNodeExecutionId,
      retryAttempt: event.retryAttempt,
    }),
  );
}

/**
 * `ValidateTaskExecutionListRequest`.
 * @throws AloftError InvalidArgument for a bad node execution id, or "invalid value for limit".
 */
export function validateTaskExecutionListRequest(request: TaskExecutionListRequest): void {
  validateNodeExecutionIdentifier(request.nodeExecutionId);
  requireLimit(request.limit);
}

/**
 * `ValidateNodeExecutionForTaskListRequest` (ListNodeExecutionsForTask).
 * @throws AloftError InvalidArgument for a bad task execution id, or "invalid value for limit".
 */
export function validateNodeExecutionForTaskListRequest(request: NodeExecutionForTaskListRequest): void {
  validateTaskExecutionIdentifier(request.taskExecutionId);
  requireLimit(request.limit);
}
