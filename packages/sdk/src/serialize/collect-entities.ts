import { AloftError } from "@aloft/idl";
import {
  DECL,
  isDeclared,
  type DeclaredEntity,
  type LaunchPlanEntityLike,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import { dynamicDependencies } from "../entities/dynamic.js";
import type { EntityBase } from "../entities/entity.js";
import { defaultLaunchPlan } from "../entities/launch-plan.js";
import { calleesOf } from "./dependencies.js";

/** Everything to register for some entities, each list in registration order (what is used comes first). */
export interface CollectedEntities {
  /** Tasks to register (map tasks as their list-typed template; reference tasks are not here). */
  tasks: EntityBase[];
  /** Workflows to register, sub-workflows before the workflows calling them. */
  workflows: EntityBase[];
  /** Launch plans to register: the default launch plan of every workflow, and the others reached. */
  launchPlans: EntityBase[];
  /** Reference tasks, workflows and launch plans reached: registered elsewhere, not serialized. */
  references: EntityBase[];
}

/** Options of {@link collectEntities}. */
export interface CollectEntitiesOptions {
  /**
   * Add the default launch plan of every workflow (flytekit registers one per workflow).
   * @default true
   */
  defaultLaunchPlans?: boolean;
}

/**
 * Every entity reachable from `roots` (tasks, workflows, launch plans, and what they call, through
 * sub-workflows, branches, failure handlers, launch plans and the `dependsOn` of dynamic tasks), each
 * once, for packaging and registration.
 *
 * @throws AloftError `InvalidArgument` for a root that is not an entity of this SDK.
 */
export function collectEntities(roots: readonly EntityBase[], options: CollectEntitiesOptions = {}): CollectedEntities {
  const out: CollectedEntities = { tasks: [], workflows: [], launchPlans: [], references: [] };
  const seen = new Set<EntityBase>();
  const withDefaults = options.defaultLaunchPlans ?? true;

  const visit = (entity: EntityBase): void => {
    if (seen.has(entity)) return;
    seen.add(entity);
    if (!isDeclared(entity)) {
      throw AloftError.invalidArgument(
        `collectEntities: ${String(entity.name ?? entity)} is not an entity of this SDK`,
      );
    }
    const decl = (entity as DeclaredEntity)[DECL];
    if (decl.kind === "reference") {
      out.references.push(entity);
      return;
    }
    switch (entity.kind) {
      case "task":
        for (const hint of dynamicDependencies(entity)) visit(hint);
        out.tasks.push(entity);
        return;
      case "workflow":
        for (const callee of calleesOf(entity as WorkflowEntityLike)) visit(callee);
        out.workflows.push(entity);
        if (withDefaults) visit(defaultLaunchPlan(entity as never));
        return;
      case "launch-plan":
        visit(workflowOf(entity));
        out.launchPlans.push(entity);
        return;
    }
  };
  for (const root of roots) visit(root);
  return out;
}

function workflowOf(lp: EntityBase): EntityBase {
  const decl = (lp as LaunchPlanEntityLike)[DECL];
  if (decl.kind !== "launch-plan") throw AloftError.internal("not a launch plan");
  return decl.workflow;
}
