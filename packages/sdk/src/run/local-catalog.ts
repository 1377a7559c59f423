import { create } from "@bufbuild/protobuf";
import { compileTask, formatCompileError } from "@aloft/compiler";
import { AloftError, identifierKey, launchPlanId, taskId, workflowId } from "@aloft/idl";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskMetadataSchema, TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { sitePrefix } from "../entities/call-site.js";
import {
  DECL,
  isDeclared,
  type DeclaredEntity,
  type InterfaceDecl,
  type LaunchPlanEntityLike,
  type TaskEntityLike,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { findTask } from "../entities/registry.js";
import { collectEntities } from "../serialize/collect-entities.js";
import {
  compiledTaskOf,
  compileWorkflowEntity,
  type EntityCompileError,
} from "../serialize/compile-workflow-entity.js";
import { strictNaming } from "../serialize/naming.js";
import { launchPlanParameters } from "../serialize/serialize-launch-plan.js";
import { typedInterface, type SerializeContext } from "../serialize/serialize-task.js";
import type { SerializationSettings } from "../serialize/serialization-settings.js";
import type { LocalLaunchPlan } from "../local/execute-workflow-options.js";
import { describeEntity } from "./describe-entity.js";
import { singleTaskWorkflow } from "./single-task-workflow.js";

/**
 * What the local task runner finds behind a task id: an SDK task, or the stand-in task of an entity
 * that cannot run here by itself (a reference, or a mocked launch plan), run as a one-task workflow.
 */
export type CatalogEntry = { kind: "task"; entity: TaskEntityLike } | { kind: "stand-in"; entity: DeclaredEntity };

/** Options of {@link LocalCatalog}. */
export interface LocalCatalogOptions {
  /** The local run's settings (see `localRunSettings`). */
  settings: SerializationSettings;
  /** Whether an entity is replaced by a mock: its launch-plan nodes then run the mock as a one-task workflow. */
  isMocked?: (entity: EntityBase) => boolean;
}

/** Every compile error on one line (the CLI prints one), each with the declaration's site. */
function formatErrors(errors: readonly EntityCompileError[]): string {
  const lines = errors.map(
    (e) => `${sitePrefix(e.entity.declaredAt)}${describeEntity(e.entity)}: ${formatCompileError(e.error)}`,
  );
  return [...new Set(lines)].join("; ");
}

/**
 * The compiled entities of one local run and how to find them again by id: the executor sees only
 * flyteidl (task templates, launch-plan ids), and the runner needs the SDK entities behind them.
 * Workflows are compiled once, on first use.
 */
export class LocalCatalog {
  readonly settings: SerializationSettings;
  readonly #ctx: SerializeContext;
  readonly #isMocked: (entity: EntityBase) => boolean;
  readonly #entries = new Map<string, CatalogEntry>();
  readonly #launchPlans = new Map<string, LaunchPlanEntityLike>();
  readonly #closures = new Map<EntityBase, CompiledWorkflowClosure>();
  readonly #known = new Set<EntityBase>();

  constructor(options: LocalCatalogOptions) {
    this.settings = options.settings;
    this.#ctx = { settings: options.settings, naming: strictNaming() };
    this.#isMocked = options.isMocked ?? (() => false);
  }

  /** Makes the tasks and launch plans reachable from `root` findable by id. */
  add(root: EntityBase): void {
    if (this.#known.has(root)) return;
    const collected = collectEntities([root], { defaultLaunchPlans: false });
    for (const e of [...collected.tasks, ...collected.launchPlans, ...collected.references]) {
      if (this.#known.has(e)) continue;
      this.#known.add(e);
      if (e.kind === "task") this.#entries.set(identifierKey(this.taskIdOf(e)), this.#taskEntry(e as TaskEntityLike));
      else if (e.kind === "launch-plan") this.#launchPlans.set(identifierKey(this.launchPlanIdOf(e)), e as never);
    }
    this.#known.add(root);
  }

  #taskEntry(task: TaskEntityLike): CatalogEntry {
    return task[DECL].kind === "reference" ? { kind: "stand-in", entity: task } : { kind: "task", entity: task };
  }

  /** The id a task has in this run. */
  taskIdOf(task: EntityBase): Identifier {
    const decl = (task as TaskEntityLike)[DECL];
    if (decl.kind === "reference") return taskId(decl.id);
    return taskId({ ...this.#idParts(), name: this.#ctx.naming.nameOf(task) });
  }

  /** The id a launch plan has in this run. */
  launchPlanIdOf(lp: EntityBase): Identifier {
    const decl = (lp as LaunchPlanEntityLike)[DECL];
    if (decl.kind === "reference") return launchPlanId(decl.id);
    return launchPlanId({ ...this.#idParts(), name: this.#ctx.naming.nameOf(lp) });
  }

  #idParts(): { project: string; domain: string; version: string } {
    const { project, domain, version } = this.settings;
    return { project, domain, version };
  }

  /**
   * What runs behind a task id: an entity of this run, or a task created while it runs (by a dynamic
   * task) found in the SDK's registry by name.
   */
  findTask(id: Identifier): CatalogEntry | undefined {
    const entry = this.#entries.get(identifierKey(id));
    if (entry !== undefined) return entry;
    const { project, domain, version } = this.settings;
    if (id.project !== project || id.domain !== domain || id.version !== version) return undefined;
    const found = findTask(id.name);
    if (found === undefined || !isDeclared(found)) return undefined;
    const created = this.#taskEntry(found as TaskEntityLike);
    this.#entries.set(identifierKey(id), created);
    return created;
  }

  /**
   * The compiled workflow of a workflow entity.
   *
   * @throws AloftError `InvalidArgument` listing every compile error, with the declarations' sites.
   */
  workflowClosure(wf: WorkflowEntityLike): CompiledWorkflowClosure {
    const cached = this.#closures.get(wf);
    if (cached !== undefined) return cached;
    this.add(wf);
    const result = compileWorkflowEntity(wf, this.#ctx);
    if (!result.ok) {
      throw AloftError.invalidArgument(`${describeEntity(wf)} does not compile: ${formatErrors(result.errors)}`);
    }
    this.#closures.set(wf, result.value);
    return result.value;
  }

  /** The compiled task of a task entity (a reference task from its declared interface). */
  compiledTask(task: TaskEntityLike): CompiledTask {
    this.add(task);
    const result = compiledTaskOf(task, this.#ctx);
    if (!result.ok) {
      throw AloftError.invalidArgument(`${describeEntity(task)} does not compile: ${formatErrors(result.errors)}`);
    }
    return result.value;
  }

  /** A task on its own, in the workflow flyteadmin wraps single-task executions in (`.flytegen.<name>`). */
  taskClosure(task: TaskEntityLike): CompiledWorkflowClosure {
    const cached = this.#closures.get(task);
    if (cached !== undefined) return cached;
    const compiled = this.compiledTask(task);
    const id = compiled.template?.id ?? this.taskIdOf(task);
    const closure = singleTaskWorkflow({
      task: compiled,
      workflowId: workflowId({
        project: id.project,
        domain: id.domain,
        name: `.flytegen.${id.name}`,
        version: id.version,
      }),
    });
    this.#closures.set(task, closure);
    return closure;
  }

  /**
   * A one-task workflow standing in for an entity that cannot run here: a reference launch plan or
   * workflow, or a mocked launch plan. Its task has the entity's id (as a task) and interface, and the
   * runner answers it with the mock, or fails saying the entity needs one.
   */
  standInClosure(entity: DeclaredEntity, iface: InterfaceDecl, id: Identifier): CompiledWorkflowClosure {
    const cached = this.#closures.get(entity);
    if (cached !== undefined) return cached;
    const standInId = taskId({ project: id.project, domain: id.domain, name: id.name, version: id.version });
    const compiled = compileTask(
      create(TaskTemplateSchema, {
        id: standInId,
        type: "reference",
        metadata: create(TaskMetadataSchema, { retries: { retries: 0 } }),
        interface: typedInterface(iface),
      }),
    );
    if (!compiled.ok) throw AloftError.internal(compiled.errors.map(formatCompileError).join("; "));
    this.#entries.set(identifierKey(standInId), { kind: "stand-in", entity });
    const closure = singleTaskWorkflow({
      task: compiled.value,
      workflowId: workflowId({ project: id.project, domain: id.domain, name: id.name, version: id.version }),
    });
    this.#closures.set(entity, closure);
    return closure;
  }

  /**
   * What a launch-plan node with this id launches (the executor's `LaunchPlanResolver`): the launch
   * plan's workflow with its defaults and fixed inputs, or the stand-in of a reference or mocked one.
   *
   * @throws AloftError `InvalidArgument` when its workflow does not compile.
   */
  resolveLaunchPlan(id: Identifier): LocalLaunchPlan | undefined {
    const lp = this.#launchPlans.get(identifierKey(id));
    if (lp === undefined) return undefined;
    return this.launchPlanToRun(lp);
  }

  /** A launch plan as the executor launches it. */
  launchPlanToRun(lp: LaunchPlanEntityLike): LocalLaunchPlan {
    const decl = lp[DECL];
    if (decl.kind === "reference" || this.#isMocked(lp)) {
      const iface = decl.kind === "reference" ? decl.iface : (decl.workflow as WorkflowEntityLike)[DECL].iface;
      return { closure: this.standInClosure(lp, iface, this.launchPlanIdOf(lp)) };
    }
    return {
      closure: this.workflowClosure(decl.workflow as WorkflowEntityLike),
      defaultInputs: create(ParameterMapSchema, { parameters: launchPlanParameters(decl) }),
      fixedInputs: create(LiteralMapSchema, { literals: { ...decl.fixedLiterals } }),
    };
  }
}
