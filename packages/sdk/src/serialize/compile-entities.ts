import { formatCompileError, type LaunchPlanExpectations } from "@aloft/compiler";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { sitePrefix } from "../entities/call-site.js";
import type { LaunchPlanEntityLike, TaskEntityLike, WorkflowEntityLike } from "../entities/decl.js";
import { entityDescription } from "../entities/entity-label.js";
import type { EntityBase } from "../entities/entity.js";
import { collectEntities, type CollectEntitiesOptions } from "./collect-entities.js";
import {
  compiledTaskOf,
  compileWorkflowEntity,
  launchPlanExpectationsOf,
  type EntityCompileError,
} from "./compile-workflow-entity.js";
import { strictNaming } from "./naming.js";
import type { SerializeContext } from "./serialize-task.js";
import type { SerializationSettings } from "./serialization-settings.js";

/** Options of {@link compileEntities}. */
export interface CompileEntitiesOptions extends CollectEntitiesOptions {
  /** The entities to compile; everything they reach is compiled too (see `collectEntities`). */
  roots: readonly EntityBase[];
  settings: SerializationSettings;
}

/** What {@link compileEntities} produces, per kind, in registration order. */
export interface CompiledEntities {
  tasks: { entity: EntityBase; compiled: CompiledTask }[];
  workflows: { entity: EntityBase; closure: CompiledWorkflowClosure }[];
  launchPlans: { entity: EntityBase; expectations: LaunchPlanExpectations }[];
}

/** Either everything compiled, or every problem as a readable line naming where it was declared. */
export type CompileEntitiesResult = { ok: true; value: CompiledEntities } | { ok: false; errors: string[] };

function describe(e: EntityCompileError): string {
  return `${sitePrefix(e.entity.declaredAt)}${entityDescription(e.entity)}: ${formatCompileError(e.error)}`;
}

/**
 * Compiles everything reachable from `roots` with `@aloft/compiler` as admin would on registration:
 * each task (`compileTask`), each workflow with its tasks, sub-workflows and launch-plan interfaces
 * (`compileWorkflow`), each launch plan's inputs against its workflow (`validateLaunchPlanInputs`).
 *
 * @throws AloftError `InvalidArgument` when an entity is unnamed or not exported (serialization needs
 * the names).
 */
export function compileEntities(options: CompileEntitiesOptions): CompileEntitiesResult {
  const ctx: SerializeContext = { settings: options.settings, naming: strictNaming() };
  const collected = collectEntities(options.roots, options);
  const errors: EntityCompileError[] = [];
  const value: CompiledEntities = { tasks: [], workflows: [], launchPlans: [] };
  for (const task of collected.tasks) {
    const r = compiledTaskOf(task as TaskEntityLike, ctx);
    if (r.ok) value.tasks.push({ entity: task, compiled: r.value });
    else errors.push(...r.errors);
  }
  for (const wf of collected.workflows) {
    const r = compileWorkflowEntity(wf as WorkflowEntityLike, ctx);
    if (r.ok) value.workflows.push({ entity: wf, closure: r.value });
    else errors.push(...r.errors);
  }
  for (const lp of collected.launchPlans) {
    const r = launchPlanExpectationsOf(lp as LaunchPlanEntityLike);
    if (r.ok) value.launchPlans.push({ entity: lp, expectations: r.value });
    else errors.push(...r.errors);
  }
  return errors.length === 0 ? { ok: true, value } : { ok: false, errors: [...new Set(errors.map(describe))] };
}
