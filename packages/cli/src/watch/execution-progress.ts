/**
 * What a follower knows of an execution, folded from the watch stream: the execution, its node executions in the
 * order they appeared, the latest attempt of each task node, and (when known) the workflow's own nodes, which give
 * the progress total before the engine has reported them all.
 */
import { TERMINAL_NODE_PHASES, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import type { WatchExecutionEvent } from "@aloft/idl/gen/aloft/admin/watch_pb";
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { NodeExecution } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { TaskExecution } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";

/** Propeller reports these around every workflow; consoles do not show them. */
const HIDDEN_NODES: ReadonlySet<string> = new Set(["start-node", "end-node"]);

/** One node as followers show it. */
export interface NodeProgress {
  readonly nodeId: string;
  readonly execution: NodeExecution;
  /** The node's latest task attempt, when task executions are watched. */
  readonly latestAttempt: TaskExecution | undefined;
}

/** The state of a followed execution. */
export interface ExecutionProgress {
  /** Undefined until the first event. */
  readonly execution: Execution | undefined;
  /** Visible node executions (not start/end), in the order they first appeared. */
  readonly nodes: readonly NodeProgress[];
  /** The ids of the workflow's own nodes (without start/end), if known; children of those are not counted. */
  readonly plannedNodeIds: readonly string[] | undefined;
  /** Set by the `end` event. */
  readonly ended: boolean;
}

/** The state before any event; `plannedNodeIds` come from the workflow's compiled template. */
export function initialProgress(plannedNodeIds?: readonly string[]): ExecutionProgress {
  return withPlannedNodes({ execution: undefined, nodes: [], plannedNodeIds: undefined, ended: false }, plannedNodeIds);
}

/** The state with the workflow's own node ids (start and end left out), once they are known. */
export function withPlannedNodes(
  progress: ExecutionProgress,
  nodeIds: readonly string[] | undefined,
): ExecutionProgress {
  return { ...progress, plannedNodeIds: nodeIds?.filter((id) => !HIDDEN_NODES.has(id)) };
}

/** The state after `event` (the input is not modified). */
export function applyWatchEvent(progress: ExecutionProgress, event: WatchExecutionEvent): ExecutionProgress {
  const body = event.event;
  switch (body.case) {
    case "execution":
      return { ...progress, execution: body.value };
    case "nodeExecution": {
      const nodeId = body.value.id?.nodeId ?? "";
      if (HIDDEN_NODES.has(nodeId)) return progress;
      return { ...progress, nodes: withNode(progress.nodes, nodeId, body.value) };
    }
    case "taskExecution": {
      const nodeId = body.value.id?.nodeExecutionId?.nodeId ?? "";
      const attempt = body.value.id?.retryAttempt ?? 0;
      const index = progress.nodes.findIndex((node) => node.nodeId === nodeId);
      if (index < 0) return progress;
      const current = progress.nodes[index]!.latestAttempt;
      if (current !== undefined && (current.id?.retryAttempt ?? 0) > attempt) return progress;
      const nodes = [...progress.nodes];
      nodes[index] = { ...nodes[index]!, latestAttempt: body.value };
      return { ...progress, nodes };
    }
    case "end":
      return { ...progress, ended: true };
    default:
      return progress;
  }
}

/** `nodes` with `execution` replacing the node's, or appended when the node is new. */
function withNode(nodes: readonly NodeProgress[], nodeId: string, execution: NodeExecution): NodeProgress[] {
  const index = nodes.findIndex((node) => node.nodeId === nodeId);
  if (index < 0) return [...nodes, { nodeId, execution, latestAttempt: undefined }];
  const next = [...nodes];
  next[index] = { ...nodes[index]!, execution };
  return next;
}

/** Completed and total counts of the workflow's own nodes (all visible nodes when the plan is unknown). */
export function nodeCounts(progress: ExecutionProgress): { completed: number; total: number } {
  const planned = progress.plannedNodeIds;
  const counted =
    planned === undefined ? progress.nodes : progress.nodes.filter((node) => planned.includes(node.nodeId));
  const completed = counted.filter((node) => isTerminalNode(node.execution)).length;
  const total = Math.max(planned?.length ?? 0, counted.length);
  return { completed, total };
}

export function isTerminalNode(node: NodeExecution): boolean {
  return TERMINAL_NODE_PHASES.has(node.closure?.phase ?? NodeExecution_Phase.UNDEFINED);
}

export function isTerminalExecution(execution: Execution | undefined): boolean {
  return TERMINAL_WORKFLOW_PHASES.has(execution?.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED);
}

/** `RUNNING`, `SUCCEEDED`… */
export function workflowPhaseName(execution: Execution | undefined): string {
  return WorkflowExecution_Phase[execution?.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED] ?? "UNDEFINED";
}

export function nodePhaseName(node: NodeExecution): string {
  return NodeExecution_Phase[node.closure?.phase ?? NodeExecution_Phase.UNDEFINED] ?? "UNDEFINED";
}

/**
 * How long something ran, in milliseconds: its recorded duration once finished (undefined if none was recorded),
 * else from its start until `nowMs` (undefined before it started).
 */
export function elapsedMs(
  closure: { startedAt?: Timestamp; duration?: Duration } | undefined,
  finished: boolean,
  nowMs: number,
): number | undefined {
  if (finished) {
    const duration = closure?.duration;
    return duration === undefined ? undefined : Number(duration.seconds) * 1000 + Math.round(duration.nanos / 1e6);
  }
  const started = closure?.startedAt;
  if (started === undefined) return undefined;
  const startedMs = Number(started.seconds) * 1000 + Math.round(started.nanos / 1e6);
  return Math.max(0, nowMs - startedMs);
}

/** `850ms`, `12.3s`, `4m05s`, `2h03m`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, "0")}s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, "0")}m`;
}

/** `project/domain/name` of an execution. */
export function executionName(execution: Execution | undefined): string {
  const id = execution?.id;
  return id === undefined ? "?" : `${id.project}/${id.domain}/${id.name}`;
}
