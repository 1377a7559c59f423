import { nowDbTime, type DbTime, timestampToDbTime } from "@aloft/db";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { NodeExecutionEventRequest, WorkflowExecutionEventRequest } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { NewExecutionEventRow, NewNodeExecutionEventRow } from "../db/schema.js";

/** A workflow event request → its `execution_events` timeline row. */
export function executionEventToRow(request: WorkflowExecutionEventRequest): NewExecutionEventRow {
  const event = request.event;
  return {
    execution_project: event?.executionId?.project ?? "",
    execution_domain: event?.executionId?.domain ?? "",
    execution_name: event?.executionId?.name ?? "",
    phase: WorkflowExecution_Phase[event?.phase ?? 0] ?? "",
    request_id: request.requestId,
    occurred_at: timeOrNow(event?.occurredAt),
  };
}

/** A node event request → its `node_execution_events` timeline row. */
export function nodeExecutionEventToRow(request: NodeExecutionEventRequest): NewNodeExecutionEventRow {
  const event = request.event;
  return {
    execution_project: event?.id?.executionId?.project ?? "",
    execution_domain: event?.id?.executionId?.domain ?? "",
    execution_name: event?.id?.executionId?.name ?? "",
    node_id: event?.id?.nodeId ?? "",
    phase: NodeExecution_Phase[event?.phase ?? 0] ?? "",
    request_id: request.requestId,
    occurred_at: timeOrNow(event?.occurredAt),
  };
}

function timeOrNow(timestamp: Timestamp | undefined): DbTime {
  return timestamp === undefined ? nowDbTime() : timestampToDbTime(timestamp);
}
