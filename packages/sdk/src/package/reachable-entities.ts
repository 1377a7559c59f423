import { DECL, type TaskEntityLike } from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { collectEntities } from "../serialize/collect-entities.js";

/**
 * Every entity `roots` reach (themselves included): what `collectEntities` walks (tasks, workflows,
 * launch plans, references), plus the task each map task runs, whose module a map task's container
 * loads. Default launch plans are not created.
 */
export function reachableEntities(roots: readonly EntityBase[]): EntityBase[] {
  const collected = collectEntities(roots, { defaultLaunchPlans: false });
  const out: EntityBase[] = [...collected.tasks, ...collected.workflows, ...collected.launchPlans];
  for (const task of collected.tasks) {
    const decl = (task as TaskEntityLike)[DECL];
    if (decl.kind === "map" && !out.includes(decl.inner)) out.push(decl.inner);
  }
  out.push(...collected.references);
  return out;
}
