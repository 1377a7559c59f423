/*
 * The engine's persisted state of one workflow execution: propeller's CR `status` (§2.8 of the engine
 * spec; flytepropeller/pkg/apis/flyteworkflow/v1alpha1/workflow_status.go, node_status.go) as plain
 * JSON-serializable objects. Times are epoch milliseconds. Data and output directories are never
 * stored: they are recomputed from node ids and attempts.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { PluginPhase } from "../plugins/task-plugin.js";
import {
  type BranchPhase,
  type GateNodePhase,
  isTerminalNodePhase,
  isTerminalWorkflowPhase,
  NodePhase,
  type WorkflowNodePhase,
  type WorkflowPhase,
} from "./phases.js";

/** propeller's `maxMessageSize` for status messages. */
export const MAX_STATUS_MESSAGE_LENGTH = 1024;

/** An `ExecutionError` as stored: `kind` is the `ExecutionError.ErrorKind` number. */
export interface StoredError {
  code: string;
  message: string;
  kind: number;
}

/** A task node's sub-state (`TaskNodeStatus`). */
export interface TaskNodeStatus {
  /** Last plugin phase reported. */
  phase: PluginPhase;
  /** Last plugin phase version reported; with `phase`, what task events were already sent for. */
  version: number;
  /** The plugin's opaque state (`pState`). */
  state?: JsonValue;
  /** When the plugin phase last changed (`updAt`). */
  updatedAt?: number;
  /** Checkpoint of a recovered execution (`checkpointPath`). */
  checkpoint?: string;
  /** Clean up on failure (`clean`). */
  cleanupOnFailure?: boolean;
}

/** A branch node's sub-state (`BranchNodeStatus`). */
export interface BranchNodeStatus {
  phase: BranchPhase;
  /** The case taken (`finalNodeId`). */
  finalNodeId?: string;
}

/** A sub-workflow or launch-plan node's sub-state (`WorkflowNodeStatus`). */
export interface WorkflowNodeStatus {
  phase: WorkflowNodePhase;
  error?: StoredError;
}

/** A gate node's sub-state (`GateNodeStatus`). */
export interface GateNodeStatus {
  phase: GateNodePhase;
}

/**
 * A dynamic node's sub-state (`DynamicNodeStatus`): phase None 0, Executing 1, Failing 2,
 * ParentFinalizing 3, ParentFinalized 4. Owned by the dynamic node handler.
 */
export interface DynamicNodeStatus {
  phase: number;
  reason?: string;
  error?: StoredError;
  permanentFailure?: boolean;
  /** Anything else the dynamic handler keeps. */
  extra?: JsonObject;
}

/**
 * An array node's sub-state (`ArrayNodeStatus`): phase None 0, Executing 1, Failing 2, Succeeding 3,
 * plus the per-item state the array handler keeps. Owned by the array node handler.
 */
export interface ArrayNodeStatus {
  phase: number;
  error?: StoredError;
  /** The handler's per-item state (propeller bit-packs it; any compact JSON will do). */
  items?: JsonObject;
  taskPhaseVersion?: number;
  /** Items write their outputs to the store even when they have them in memory (set once some were lost). */
  writeItemOutputs?: true;
}

/** One node's status (`NodeStatus`). */
export interface NodeStatus {
  phase: NodePhase;
  queuedAt?: number;
  startedAt?: number;
  stoppedAt?: number;
  lastUpdatedAt?: number;
  /** Start of the current attempt (`laStartedAt`). */
  laStartedAt?: number;
  message?: string;
  attempts?: number;
  systemFailures?: number;
  cached?: boolean;
  /** The branch node whose case this node is. */
  parentNode?: string;
  error?: StoredError;
  task?: TaskNodeStatus;
  branch?: BranchNodeStatus;
  workflow?: WorkflowNodeStatus;
  gate?: GateNodeStatus;
  dynamic?: DynamicNodeStatus;
  array?: ArrayNodeStatus;
  /** Statuses of the nodes below this one (sub-workflow, dynamic, …): `subNodeStatus`. */
  nodes?: NodeStatusMap;
}

/** Node statuses by node id. */
export type NodeStatusMap = Record<string, NodeStatus>;

/** A workflow execution's status. */
export interface WorkflowStatus {
  phase: WorkflowPhase;
  startedAt?: number;
  stoppedAt?: number;
  lastUpdatedAt?: number;
  message?: string;
  error?: StoredError;
  /** Rounds that ended in a system error (`failedAttempts`). */
  failedAttempts?: number;
  /** `<end-node outputDir>/outputs.pb` once the workflow succeeded with outputs. */
  outputRef?: string;
  nodes: NodeStatusMap;
}

/** A fresh status (phase Ready). */
export function newWorkflowStatus(): WorkflowStatus {
  return { phase: 0, nodes: {} };
}

/** The status of `nodeId` in `map`, created (NotYetStarted) when absent, as propeller's `GetNodeExecutionStatus`. */
export function nodeStatusIn(map: NodeStatusMap, nodeId: string): NodeStatus {
  let status = map[nodeId];
  if (status === undefined) {
    status = { phase: NodePhase.NotYetStarted };
    map[nodeId] = status;
  }
  return status;
}

/** An `ExecutionError` as stored. */
export function storeError(error: ExecutionError): StoredError {
  return { code: error.code, message: error.message, kind: error.kind };
}

/** A stored error as an `ExecutionError`. */
export function loadError(stored: StoredError): ExecutionError {
  return create(ExecutionErrorSchema, { code: stored.code, message: stored.message, kind: stored.kind });
}

/** A stored error of `kind`. */
export function storedError(kind: ExecutionError_ErrorKind, code: string, message: string): StoredError {
  return { code, message, kind };
}

/** The stored error, or propeller's `UnknownError` default naming the last status message. */
export function errorOrDefault(stored: StoredError | undefined, fallbackMessage: string | undefined): StoredError {
  return (
    stored ??
    storedError(
      ExecutionError_ErrorKind.UNKNOWN,
      "UnknownError",
      `Unknown error, last seen message [${fallbackMessage ?? ""}]`,
    )
  );
}

/**
 * propeller's `NodeStatus.UpdatePhase`: sets phase and message (capped), the timestamps of the phase,
 * the error, and on a terminal phase drops everything but phase, `stoppedAt` and `error` (terminal
 * compression: no debug metadata is kept). Returns false when nothing changed.
 */
export function updateNodePhase(
  status: NodeStatus,
  phase: NodePhase,
  occurredAtMs: number,
  reason: string,
  error?: StoredError,
): boolean {
  if (status.phase === phase && (status.message ?? "") === reason) return false;
  status.phase = phase;
  setMessage(status, reason);
  status.lastUpdatedAt = occurredAtMs;
  if (error !== undefined) status.error = error;
  if (phase === NodePhase.Queued && status.queuedAt === undefined) {
    status.queuedAt = occurredAtMs;
  } else if (phase === NodePhase.Running) {
    status.startedAt ??= occurredAtMs;
    status.laStartedAt ??= occurredAtMs;
  } else if (isTerminalNodePhase(phase)) {
    status.stoppedAt ??= occurredAtMs;
    compressTerminalNode(status);
  }
  return true;
}

/** Drops what a terminal node no longer needs (keeps phase, stoppedAt, error, attempts and counters). */
export function compressTerminalNode(status: NodeStatus): void {
  delete status.message;
  delete status.queuedAt;
  delete status.startedAt;
  delete status.lastUpdatedAt;
  delete status.laStartedAt;
  delete status.dynamic;
  delete status.branch;
  delete status.nodes;
  delete status.task;
  delete status.workflow;
  delete status.gate;
  delete status.array;
}

/** propeller's `WorkflowStatus.UpdatePhase`. */
export function updateWorkflowPhase(
  status: WorkflowStatus,
  phase: WorkflowPhase,
  nowMs: number,
  message: string,
  error?: StoredError,
): void {
  status.phase = phase;
  if (message === "") delete status.message;
  else status.message = message.slice(0, MAX_STATUS_MESSAGE_LENGTH);
  if (error !== undefined) status.error = error;
  status.startedAt ??= nowMs;
  if (isTerminalWorkflowPhase(phase)) status.stoppedAt ??= nowMs;
  status.lastUpdatedAt = nowMs;
}

function setMessage(status: NodeStatus, reason: string): void {
  if (reason === "") delete status.message;
  else status.message = reason.slice(0, MAX_STATUS_MESSAGE_LENGTH);
}

/** Serializes a status as the compact JSON document the store keeps. */
export function serializeWorkflowStatus(status: WorkflowStatus): string {
  return JSON.stringify(status);
}

/** Reads back what {@link serializeWorkflowStatus} wrote. */
export function parseWorkflowStatus(json: string): WorkflowStatus {
  const parsed = JSON.parse(json) as WorkflowStatus;
  parsed.nodes ??= {};
  return parsed;
}
