/**
 * The phases after which a workflow, node or task execution never changes again (flyteadmin's
 * `common.IsExecutionTerminal`, `IsNodeExecutionTerminal`, `IsTaskExecutionTerminal`).
 */
import { NodeExecution_Phase, TaskExecution_Phase, WorkflowExecution_Phase } from "./gen/flyteidl/core/execution_pb.js";

export const TERMINAL_WORKFLOW_PHASES: ReadonlySet<WorkflowExecution_Phase> = new Set([
  WorkflowExecution_Phase.SUCCEEDED,
  WorkflowExecution_Phase.FAILED,
  WorkflowExecution_Phase.TIMED_OUT,
  WorkflowExecution_Phase.ABORTED,
]);

export const TERMINAL_NODE_PHASES: ReadonlySet<NodeExecution_Phase> = new Set([
  NodeExecution_Phase.SUCCEEDED,
  NodeExecution_Phase.FAILED,
  NodeExecution_Phase.TIMED_OUT,
  NodeExecution_Phase.ABORTED,
  NodeExecution_Phase.SKIPPED,
  NodeExecution_Phase.RECOVERED,
]);

export const TERMINAL_TASK_PHASES: ReadonlySet<TaskExecution_Phase> = new Set([
  TaskExecution_Phase.SUCCEEDED,
  TaskExecution_Phase.FAILED,
  TaskExecution_Phase.ABORTED,
]);
