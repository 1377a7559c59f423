/**
 * Rows store phases by enum name (`RUNNING`), as flyteadmin does; these read them back. An unknown name
 * (written by a newer version) reads as UNDEFINED, which no transition rule treats as terminal.
 */
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";

function byName<E extends number>(enumObject: object, name: string, fallback: E): E {
  const value = (enumObject as Record<string, unknown>)[name];
  return typeof value === "number" ? (value as E) : fallback;
}

/** A stored workflow execution phase name as the enum value. */
export function workflowPhaseOf(name: string): WorkflowExecution_Phase {
  return byName(WorkflowExecution_Phase, name, WorkflowExecution_Phase.UNDEFINED);
}

/** A stored node execution phase name as the enum value. */
export function nodePhaseOf(name: string): NodeExecution_Phase {
  return byName(NodeExecution_Phase, name, NodeExecution_Phase.UNDEFINED);
}

/** A stored task execution phase name as the enum value. */
export function taskPhaseOf(name: string): TaskExecution_Phase {
  return byName(TaskExecution_Phase, name, TaskExecution_Phase.UNDEFINED);
}
