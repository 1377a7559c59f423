/*
 * propeller's persisted phase enums with the integer values its CR status stores
 * (flytepropeller/pkg/apis/flyteworkflow/v1alpha1/iface.go, node_status.go), plus the handler phases
 * a node handler returns (nodes/handler/ephase.go).
 */

/** A workflow's internal phase (`WorkflowPhase`). */
export enum WorkflowPhase {
  Ready = 0,
  Running = 1,
  Succeeding = 2,
  Success = 3,
  Failing = 4,
  Failed = 5,
  Aborted = 6,
  HandlingFailureNode = 7,
}

/** A node's internal phase (`NodePhase`). */
export enum NodePhase {
  NotYetStarted = 0,
  Queued = 1,
  Running = 2,
  Failing = 3,
  Succeeding = 4,
  Succeeded = 5,
  Failed = 6,
  Skipped = 7,
  RetryableFailure = 8,
  TimingOut = 9,
  TimedOut = 10,
  DynamicRunning = 11,
  Recovered = 12,
}

/** A branch node's evaluation state (`BranchNodePhase`). */
export enum BranchPhase {
  NotYetEvaluated = 0,
  Success = 1,
  Error = 2,
}

/** A sub-workflow or launch-plan node's state (`WorkflowNodePhase`). */
export enum WorkflowNodePhase {
  Undefined = 0,
  Executing = 1,
  Failing = 2,
}

/** A gate node's state (`GateNodePhase`). */
export enum GateNodePhase {
  Undefined = 0,
  Executing = 1,
}

/** Terminal workflow phases. */
export function isTerminalWorkflowPhase(phase: WorkflowPhase): boolean {
  return phase === WorkflowPhase.Success || phase === WorkflowPhase.Failed || phase === WorkflowPhase.Aborted;
}

/** Terminal node phases (`IsPhaseTerminal`). */
export function isTerminalNodePhase(phase: NodePhase): boolean {
  return (
    phase === NodePhase.Succeeded ||
    phase === NodePhase.Failed ||
    phase === NodePhase.Skipped ||
    phase === NodePhase.TimedOut ||
    phase === NodePhase.Recovered
  );
}

/** Phases in which the executor still calls the node's handler (`canHandleNode`). */
export function isHandleableNodePhase(phase: NodePhase): boolean {
  return (
    phase === NodePhase.NotYetStarted ||
    phase === NodePhase.Queued ||
    phase === NodePhase.Running ||
    phase === NodePhase.Failing ||
    phase === NodePhase.TimingOut ||
    phase === NodePhase.RetryableFailure ||
    phase === NodePhase.Succeeding ||
    phase === NodePhase.DynamicRunning
  );
}
