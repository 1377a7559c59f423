import type { AnyType, Infer, Shape, ValuesOf } from "../types/type.js";
import { definitionError } from "../workflow/definition-error.js";
import { Scope } from "../workflow/model.js";
import { bindOutputs } from "../workflow/outputs.js";
import { runInScope } from "../workflow/scope.js";
import { dynamicJobSpec, literalMapFromBindings } from "../serialize/dynamic-job-spec.js";
import { strictNaming } from "../serialize/naming.js";
import { captureCallSite } from "./call-site.js";
import { DECL, isDeclared } from "./decl.js";
import type { EntityBase } from "./entity.js";
import { entityLabel } from "./entity-label.js";
import type { Bindable, BodyOutput, FunctionTask, NoShape, SingleOutput } from "./entity-types.js";
import { type FunctionTaskImpl, declareFunctionTask, TASK_OPTION_NAMES, type TaskOptions } from "./task.js";
import { makeTaskContext, type TaskContext } from "./task-context.js";
import type { TaskExecutionContext, TaskResult } from "./task-result.js";

/** Options of {@link dynamic}: a task's, plus the entities its body may call. */
export interface DynamicOptions<I extends Shape> extends TaskOptions<I> {
  /**
   * Launch plans (and other entities) the body calls that nothing else references, so that they are
   * registered with it (flytekit's `node_dependency_hints`).
   */
  dependsOn?: readonly EntityBase[];
}

type AnyBody = (inputs: never, ctx: TaskContext) => unknown;

const bodies = new WeakMap<object, AnyBody>();
const hints = new WeakMap<object, readonly EntityBase[]>();

/** Declares a dynamic task with a single output (`output:`); the body returns its ref or value. */
export function dynamic<I extends Shape = NoShape, X extends AnyType = AnyType>(
  options: DynamicOptions<I> & { output: X; outputs?: never },
  body: (inputs: ValuesOf<I>, ctx: TaskContext) => Bindable<Infer<X>> | Promise<Bindable<Infer<X>>>,
): FunctionTask<I, SingleOutput<X>, true>;
/**
 * Declares a dynamic task (flytekit's `@dynamic`): registered as an ordinary TypeScript task, its body
 * runs at execution time with real input values, and the calls it makes build a workflow that the
 * engine then runs (a `DynamicJobSpec`), so its shape can depend on the inputs:
 *
 * ```ts
 * export const fanOut = dynamic(
 *   { inputs: { n: t.int() }, outputs: { total: t.int() } },
 *   ({ n }) => {
 *     const squares = Array.from({ length: n }, (_, i) => square({ x: i }));
 *     return { total: sum({ xs: squares }) };
 *   },
 * );
 * ```
 *
 * A body that makes no call returns its outputs directly.
 */
export function dynamic<I extends Shape = NoShape, O extends Shape = NoShape>(
  options: DynamicOptions<I> & { outputs?: O; output?: never },
  body: (inputs: ValuesOf<I>, ctx: TaskContext) => BodyOutput<O, false> | Promise<BodyOutput<O, false>>,
): FunctionTask<I, O, false>;
export function dynamic(
  options: DynamicOptions<Shape> & { outputs?: Shape; output?: AnyType },
  body: AnyBody,
): unknown {
  const site = captureCallSite();
  const { dependsOn, ...taskOptions } = options ?? {};
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || !dependsOn.every((e) => isDeclared(e)))) {
    throw definitionError(site, "dynamic(): dependsOn must be a list of tasks, workflows or launch plans");
  }
  const entity = declareFunctionTask(taskOptions, body, site, "dynamic", TASK_OPTION_NAMES, (values, ctx, self) =>
    runDynamic(self, values, ctx),
  );
  bodies.set(entity, body);
  hints.set(entity, dependsOn ?? []);
  return entity;
}

/** The entities a dynamic task declared with `dependsOn`. @internal */
export function dynamicDependencies(task: EntityBase): readonly EntityBase[] {
  return hints.get(task) ?? [];
}

/**
 * Runs a dynamic task's body on input values and returns what flytekit's `compile_into_workflow`
 * returns: the `DynamicJobSpec` of the nodes it made (serialized with `ctx.settings`: the parent's
 * project, domain, version and images), or, when it made none, its outputs.
 *
 * @throws AloftError `InvalidArgument` when the task is not dynamic, or the body's calls or outputs
 * are wrong (with the call site).
 */
export async function runDynamic(
  task: EntityBase,
  values: Record<string, unknown>,
  ctx: TaskExecutionContext,
): Promise<TaskResult> {
  const body = bodies.get(task);
  const impl = task as unknown as FunctionTaskImpl;
  if (body === undefined || impl[DECL]?.mode !== "dynamic") {
    throw definitionError(task.declaredAt, `${entityLabel(task)} is not a dynamic task`);
  }
  const label = entityLabel(task);
  const scope = new Scope({ kind: "dynamic", parent: undefined, prefix: "d", owner: label, site: task.declaredAt });
  const returned = await runInScope(scope, () =>
    (body as (v: unknown, c: TaskContext) => unknown)(values, makeTaskContext(ctx)),
  );
  for (const open of scope.openConditionals) {
    throw definitionError(
      open.site,
      `conditional "${open.name}" is never finished: end it with .else(...) or .fail(...)`,
    );
  }
  const iface = impl[DECL].iface;
  const outputs = bindOutputs(
    returned,
    { outputs: iface.outputs, single: iface.single, label },
    scope,
    task.declaredAt,
  );
  if (scope.nodes.length === 0) return { kind: "outputs", outputs: literalMapFromBindings(outputs) };
  return {
    kind: "dynamic",
    spec: dynamicJobSpec(scope.nodes, outputs, { settings: ctx.settings, naming: strictNaming() }),
  };
}

/**
 * The `DynamicJobSpec` (or outputs) a dynamic task produces for `inputs` (JS values): what the local
 * executor and `aloft-execute` call for dynamic tasks.
 * @internal
 */
export async function buildDynamicJobSpec(options: {
  task: EntityBase;
  inputs: Record<string, unknown>;
  ctx: TaskExecutionContext;
}): Promise<TaskResult> {
  return runDynamic(options.task, options.inputs, options.ctx);
}
