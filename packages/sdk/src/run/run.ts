import type { LaunchPlan, NoShape, OutputValue, Task, Workflow } from "../entities/entity-types.js";
import type { Infer, Shape } from "../types/type.js";
import { executeRun } from "./execute-run.js";
import type { RunOptions } from "./run-options.js";

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The input values `run()` takes for inputs `I`: every required one, while optional inputs and those
 * with defaults (`D`: workflow defaults, launch plan default and fixed inputs) may be left out.
 */
export type RunInputs<I extends Shape, D extends PropertyKey = never> = Simplify<
  { -readonly [K in Exclude<RequiredKeys<I>, D>]: Infer<I[K]> } & {
    -readonly [K in OptionalKeys<I> | (D & keyof I)]?: Infer<I[K]>;
  }
>;

/** `run()`'s arguments after the entity: the inputs (optional when nothing is required), then options. */
export type RunArgs<I extends Shape, D extends PropertyKey = never> =
  NoShape extends RunInputs<I, D>
    ? [inputs?: RunInputs<I, D>, options?: RunOptions]
    : [inputs: RunInputs<I, D>, options?: RunOptions];

/**
 * Runs a workflow or launch plan locally, in this process, and resolves to its outputs: the value itself
 * for a single output (`output:`), an object for named outputs.
 *
 * ```ts
 * const { greeting, sq } = await run(helloWorld, { name: "world", n: 3 });
 * ```
 *
 * The run goes through the same compiled workflow that would run on Flyte (so local and remote cannot
 * drift): inputs are converted to literals with their types, the workflow is compiled (project `local`,
 * domain `development`, version `local`) and executed by the local executor, with its retries,
 * branches, maps, dynamic tasks, sub-workflows, launch plans and gates, and each task's code runs here
 * on values converted back from literals. Tasks declared with `cache` are cached in
 * `~/.aloft/local-cache` (see {@link RunOptions.cache}).
 *
 * @throws AloftError `InvalidArgument` for unknown, missing or wrongly typed inputs, or a definition
 * that does not compile (before anything runs).
 * @throws RunFailure when a node fails (naming it, with the task's own error as `cause`) or the run is
 * aborted.
 */
export function run<I extends Shape, O extends Shape, D extends PropertyKey>(
  entity: Workflow<I, O, true, D> | LaunchPlan<I, O, true, D>,
  ...args: RunArgs<I, D>
): Promise<OutputValue<O, true>>;
/** Runs a workflow or launch plan with named outputs (or none) locally; see the first overload. */
export function run<I extends Shape, O extends Shape, D extends PropertyKey>(
  entity: Workflow<I, O, false, D> | LaunchPlan<I, O, false, D>,
  ...args: RunArgs<I, D>
): Promise<OutputValue<O, false>>;
/**
 * Runs a task on its own, locally (in the one-node workflow Flyte wraps single-task executions in),
 * and resolves to its outputs.
 *
 * ```ts
 * const nine = await run(square, { x: 3 });
 * ```
 */
export function run<I extends Shape, O extends Shape>(
  entity: Task<I, O, true>,
  ...args: RunArgs<I>
): Promise<OutputValue<O, true>>;
/** Runs a task with named outputs (or none) on its own, locally. */
export function run<I extends Shape, O extends Shape>(
  entity: Task<I, O, false>,
  ...args: RunArgs<I>
): Promise<OutputValue<O, false>>;
/** Runs any entity, typed loosely (an entity whose kind of outputs is not known statically). */
export function run<I extends Shape, O extends Shape, S extends boolean, D extends PropertyKey>(
  entity: Workflow<I, O, S, D> | LaunchPlan<I, O, S, D> | Task<I, O, S>,
  ...args: RunArgs<I, D>
): Promise<OutputValue<O, S>>;
export async function run(entity: unknown, inputs?: unknown, options?: RunOptions): Promise<unknown> {
  return (await executeRun(entity, inputs, options)).outputs;
}
