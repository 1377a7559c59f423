/**
 * A compiled workflow closure indexed once per execution and kept in memory across rounds: tasks and
 * sub-workflows by identifier, graphs built lazily.
 */
import { AloftError, identifierKey } from "@aloft/idl";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { type WorkflowGraph, workflowGraph } from "./dag-graph.js";

export interface ClosureIndex {
  readonly closure: CompiledWorkflowClosure;
  readonly primary: WorkflowGraph;
  /** The task template; undefined when the closure lacks it. */
  task(id: Identifier): TaskTemplate | undefined;
  /** A sub-workflow's graph; undefined when the closure lacks it. */
  subWorkflow(id: Identifier): WorkflowGraph | undefined;
}

/** Indexes `closure`. @throws AloftError InvalidArgument when it has no primary workflow. */
export function indexClosure(closure: CompiledWorkflowClosure): ClosureIndex {
  if (closure.primary === undefined) throw AloftError.invalidArgument("workflow closure has no primary workflow");
  const primary = workflowGraph(closure.primary);
  const tasks = new Map<string, TaskTemplate>();
  for (const task of closure.tasks) {
    if (task.template?.id !== undefined) tasks.set(identifierKey(task.template.id), task.template);
  }
  const subWorkflows = new Map<string, WorkflowGraph>();
  const compiledSubs = new Map(
    closure.subWorkflows
      .filter((wf) => wf.template?.id !== undefined)
      .map((wf) => [identifierKey(wf.template!.id!), wf] as const),
  );
  return {
    closure,
    primary,
    task: (id) => tasks.get(identifierKey(id)),
    subWorkflow(id) {
      const key = identifierKey(id);
      let graph = subWorkflows.get(key);
      if (graph === undefined) {
        const compiled = compiledSubs.get(key);
        if (compiled === undefined) return undefined;
        graph = workflowGraph(compiled);
        subWorkflows.set(key, graph);
      }
      return graph;
    },
  };
}
