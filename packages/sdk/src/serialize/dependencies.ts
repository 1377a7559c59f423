import {
  DECL,
  isDeclared,
  type DeclaredEntity,
  type LaunchPlanEntityLike,
  type TaskEntityLike,
  type WorkflowDecl,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { allNodes } from "./serialize-workflow.js";

/** What a workflow needs to compile: the tasks, sub-workflows and launch plans its nodes call. @internal */
export interface WorkflowDependencies {
  tasks: TaskEntityLike[];
  subWorkflows: WorkflowEntityLike[];
  launchPlans: LaunchPlanEntityLike[];
}

/** The entities a workflow's nodes call directly (branch cases and failure node included), in order. @internal */
export function calleesOf(wf: WorkflowEntityLike): DeclaredEntity[] {
  const decl = wf[DECL];
  if (decl.kind !== "workflow" || decl.graph === undefined) return [];
  const graph = (decl as WorkflowDecl).graph as NonNullable<WorkflowDecl["graph"]>;
  const out: DeclaredEntity[] = [];
  for (const n of allNodes(graph.nodes, graph.failureNode)) {
    if (n.target.kind !== "call") continue;
    const entity: EntityBase = n.target.callee().entity;
    if (isDeclared(entity) && !out.includes(entity)) out.push(entity);
  }
  return out;
}

/**
 * Every task, sub-workflow and launch plan a workflow calls, following sub-workflows (not launch
 * plans, which compile on their own), each once.
 * @internal
 */
export function dependenciesOf(wf: WorkflowEntityLike): WorkflowDependencies {
  const deps: WorkflowDependencies = { tasks: [], subWorkflows: [], launchPlans: [] };
  const visit = (w: WorkflowEntityLike): void => {
    for (const e of calleesOf(w)) {
      if (e.kind === "task") {
        if (!deps.tasks.includes(e as TaskEntityLike)) deps.tasks.push(e as TaskEntityLike);
      } else if (e.kind === "workflow") {
        if (deps.subWorkflows.includes(e as WorkflowEntityLike)) continue;
        deps.subWorkflows.push(e as WorkflowEntityLike);
        visit(e as WorkflowEntityLike);
      } else if (!deps.launchPlans.includes(e as LaunchPlanEntityLike)) {
        deps.launchPlans.push(e as LaunchPlanEntityLike);
      }
    }
  };
  visit(wf);
  return deps;
}
