import type { AnyType, Shape } from "../types/type.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { launchPlanCallee, taskCallee } from "./callee.js";
import {
  DECL,
  type ReferenceId,
  type ReferenceLaunchPlanDecl,
  type ReferenceTaskDecl,
  type ReferenceWorkflowDecl,
} from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityKind, type EntityLocation } from "./entity.js";
import type { LaunchPlan, NoShape, SingleOutput, Task, Workflow } from "./entity-types.js";
import { interfaceFromOptions, shapesOf } from "./task-options.js";

/** The interface a reference declares (it is not fetched: a mismatch shows when admin compiles). */
export interface ReferenceInterface<I extends Shape> {
  inputs?: I;
}

type Decl = ReferenceTaskDecl | ReferenceWorkflowDecl | ReferenceLaunchPlanDecl;

/** An entity registered elsewhere, known by id and declared interface. @internal */
export class ReferenceImpl {
  readonly [ENTITY_BRAND]: EntityKind;
  readonly kind: EntityKind;
  name: string | undefined;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: Decl;

  constructor(kind: EntityKind, decl: Decl, site: CallSite | undefined) {
    this[ENTITY_BRAND] = kind;
    this.kind = kind;
    this[DECL] = decl;
    this.name = decl.id.name;
    this.declaredAt = site;
  }

  /** The registered id it refers to. */
  get id(): ReferenceId {
    return { ...this[DECL].id };
  }

  get inputs(): Shape {
    return shapesOf(this[DECL].iface).inputs;
  }

  get outputs(): Shape {
    return shapesOf(this[DECL].iface).outputs;
  }

  get taskType(): string {
    return "";
  }
}

function checkId(id: ReferenceId, what: string, site: CallSite | undefined): ReferenceId {
  for (const key of ["project", "domain", "name", "version"] as const) {
    if (typeof id?.[key] !== "string" || id[key] === "")
      throw definitionError(site, `${what}: give the ${key} of the reference`);
  }
  return { project: id.project, domain: id.domain, name: id.name, version: id.version };
}

type IfaceOptions = { inputs?: Shape; outputs?: Shape; output?: AnyType };

/** A task registered elsewhere with a single output (`output:`). */
export function referenceTask<I extends Shape = NoShape, X extends AnyType = AnyType>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { output: X; outputs?: never },
): Task<I, SingleOutput<X>, true>;
/**
 * A task registered elsewhere, called by id (flytekit's `reference_task`). Its interface is declared
 * here, not fetched; a mismatch shows when admin compiles the workflow. It is never registered.
 *
 * ```ts
 * const score = referenceTask(
 *   { project: "ml", domain: "production", name: "models.score", version: "v3" },
 *   { inputs: { features: t.file() }, output: t.float() },
 * );
 * ```
 */
export function referenceTask<I extends Shape = NoShape, O extends Shape = NoShape>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { outputs?: O; output?: never },
): Task<I, O, false>;
export function referenceTask(id: ReferenceId, iface: IfaceOptions): unknown {
  const site = captureCallSite();
  const ref = checkId(id, "referenceTask()", site);
  const decl: ReferenceTaskDecl = {
    kind: "reference",
    id: ref,
    iface: interfaceFromOptions(iface ?? {}, ref.name, site),
  };
  return makeCallable(new ReferenceImpl("task", decl, site), (self, inputs) =>
    callEntity(() => taskCallee(self as never), inputs, captureCallSite()),
  );
}

/** A workflow registered elsewhere with a single output. */
export function referenceWorkflow<I extends Shape = NoShape, X extends AnyType = AnyType>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { output: X; outputs?: never },
): Workflow<I, SingleOutput<X>, true>;
/**
 * A workflow registered elsewhere (flytekit's `reference_workflow`). As in flytekit, it cannot be
 * called as a sub-workflow (its template would have to be fetched): call a `referenceLaunchPlan`
 * of it instead. Calling it in a body throws, pointing at the call.
 */
export function referenceWorkflow<I extends Shape = NoShape, O extends Shape = NoShape>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { outputs?: O; output?: never },
): Workflow<I, O, false>;
export function referenceWorkflow(id: ReferenceId, iface: IfaceOptions): unknown {
  const site = captureCallSite();
  const ref = checkId(id, "referenceWorkflow()", site);
  const decl: ReferenceWorkflowDecl = {
    kind: "reference",
    id: ref,
    iface: interfaceFromOptions(iface ?? {}, ref.name, site),
  };
  return makeCallable(new ReferenceImpl("workflow", decl, site), () => {
    throw definitionError(
      captureCallSite(),
      `reference workflow ${ref.name} cannot be called as a sub-workflow (flytekit: "Reference sub-workflows are ` +
        'currently unsupported. Use reference launch plans instead."); call referenceLaunchPlan(...) of it',
    );
  });
}

/** A launch plan registered elsewhere with a single output. */
export function referenceLaunchPlan<I extends Shape = NoShape, X extends AnyType = AnyType>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { output: X; outputs?: never },
): LaunchPlan<I, SingleOutput<X>, true>;
/**
 * A launch plan registered elsewhere (flytekit's `reference_launch_plan`): calling it in a body starts
 * it as a child execution. Its interface is declared here, not fetched.
 */
export function referenceLaunchPlan<I extends Shape = NoShape, O extends Shape = NoShape>(
  id: ReferenceId,
  iface: ReferenceInterface<I> & { outputs?: O; output?: never },
): LaunchPlan<I, O, false>;
export function referenceLaunchPlan(id: ReferenceId, iface: IfaceOptions): unknown {
  const site = captureCallSite();
  const ref = checkId(id, "referenceLaunchPlan()", site);
  const decl: ReferenceLaunchPlanDecl = {
    kind: "reference",
    id: ref,
    iface: interfaceFromOptions(iface ?? {}, ref.name, site),
  };
  return makeCallable(new ReferenceImpl("launch-plan", decl, site), (self, inputs) =>
    callEntity(() => launchPlanCallee(self as never), inputs, captureCallSite()),
  );
}
