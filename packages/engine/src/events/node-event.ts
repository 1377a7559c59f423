/**
 * Node execution events with propeller's content (nodes/transformers.go `ToNodeExecutionEvent`).
 */
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { NodeExecution_Phase, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type {
  Identifier,
  TaskExecutionIdentifier,
  WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import {
  NodeExecutionEventSchema,
  ParentNodeExecutionMetadataSchema,
  ParentTaskExecutionMetadataSchema,
  type NodeExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import { START_NODE_ID } from "@aloft/storage";
import type { HandlerPhase, NodeEventInfo, ParentInfo } from "../nodes/node-handler.js";

/** `event_version` of node and task events (the message schema, not the execution's id semantics). */
export const NODE_EXECUTION_EVENT_VERSION = 1;

/** Event phase of a handler phase (`ToNodeExecEventPhase`). */
export function nodeEventPhase(phase: HandlerPhase | "skip"): NodeExecution_Phase {
  switch (phase) {
    case "queued":
      return NodeExecution_Phase.QUEUED;
    case "running":
    case "retryableFailure":
      return NodeExecution_Phase.RUNNING;
    case "dynamicRunning":
      return NodeExecution_Phase.DYNAMIC_RUNNING;
    case "skip":
      return NodeExecution_Phase.SKIPPED;
    case "success":
      return NodeExecution_Phase.SUCCEEDED;
    case "failed":
      return NodeExecution_Phase.FAILED;
    case "recovered":
      return NodeExecution_Phase.RECOVERED;
    case "timedOut":
      return NodeExecution_Phase.TIMED_OUT;
  }
}

/** Inputs of {@link buildNodeEvent}. */
export interface NodeEventInput {
  executionId: WorkflowExecutionIdentifier;
  node: Node;
  /** The node's unique id (used from event version 1 on). */
  uniqueId: string;
  parent: ParentInfo | undefined;
  eventVersion: number;
  phase: NodeExecution_Phase;
  occurredAtMs: number;
  reportedAtMs: number;
  producerId: string;
  /** `<dataDir>/inputs.pb`. */
  inputUri: string;
  /** The start node's outputs (its event carries them as output). */
  startNodeOutputUri?: string;
  info?: NodeEventInfo;
  error?: ExecutionError;
  targetEntity?: Identifier;
  /** The node's dynamic sub-phase is not None. */
  isDynamic?: boolean;
  parentTaskExecutionId?: TaskExecutionIdentifier;
}

/** A node event as propeller builds it. */
export function buildNodeEvent(input: NodeEventInput): NodeExecutionEvent {
  let phase = input.phase;
  if (input.eventVersion < 2 && phase === NodeExecution_Phase.DYNAMIC_RUNNING) phase = NodeExecution_Phase.RUNNING;
  const nodeId = input.node.id;
  const event = create(NodeExecutionEventSchema, {
    id: { executionId: input.executionId, nodeId },
    phase,
    occurredAt: ts(input.occurredAtMs),
    producerId: input.producerId,
    eventVersion: NODE_EXECUTION_EVENT_VERSION,
    reportedAt: ts(input.reportedAtMs),
    isInDynamicChain: input.parent?.inDynamicChain ?? false,
  });
  if (input.targetEntity !== undefined) event.targetEntity = input.targetEntity;
  if (nodeId === START_NODE_ID) {
    event.outputResult = { case: "outputUri", value: input.startNodeOutputUri ?? "" };
  } else {
    event.inputValue = { case: "inputUri", value: input.inputUri };
  }
  if (input.eventVersion === 0 && input.parentTaskExecutionId !== undefined) {
    event.parentTaskMetadata = create(ParentTaskExecutionMetadataSchema, { id: input.parentTaskExecutionId });
  }
  if (input.eventVersion !== 0) {
    if (input.parent !== undefined) {
      event.parentNodeMetadata = create(ParentNodeExecutionMetadataSchema, { nodeId: input.parent.uniqueId });
      event.retryGroup = String(input.parent.attempt);
    }
    event.specNodeId = nodeId;
    event.id!.nodeId = input.uniqueId;
    event.nodeName = input.node.metadata?.name ?? "";
  }
  const info = input.info;
  if (info?.workflowNodeMetadata !== undefined) {
    event.targetMetadata = { case: "workflowNodeMetadata", value: info.workflowNodeMetadata };
  } else if (info?.taskNodeMetadata !== undefined) {
    event.targetMetadata = { case: "taskNodeMetadata", value: info.taskNodeMetadata };
  }
  if (info?.outputUri !== undefined) {
    if (info.deckUri !== undefined) event.deckUri = info.deckUri;
    event.outputResult = { case: "outputUri", value: info.outputUri };
  } else if (input.error !== undefined) {
    event.outputResult = { case: "error", value: input.error };
  }
  const target = input.node.target;
  if (target.case === "workflowNode" && target.value.reference.case === "subWorkflowRef") {
    event.isParent = true;
  } else if (target.case === "arrayNode") {
    event.isArray = true;
  } else if (input.isDynamic === true) {
    event.isDynamic = true;
    if (event.targetMetadata.case === "taskNodeMetadata" && event.targetMetadata.value.dynamicWorkflow !== undefined) {
      event.isParent = true;
    }
  }
  return event;
}

function ts(ms: number): Timestamp {
  return timestampFromMs(ms);
}
