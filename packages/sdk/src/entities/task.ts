import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { AnyType, Shape, ValuesOf } from "../types/type.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { taskCallee } from "./callee.js";
import { DECL, type FunctionTaskDecl } from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityLocation } from "./entity.js";
import { entityLabel } from "./entity-label.js";
import type { FunctionTask, NoShape, OutputValue, SingleOutput } from "./entity-types.js";
import { registerEntity } from "./registry.js";
import { makeTaskContext, type TaskContext } from "./task-context.js";
import { decodeInputs, encodeOutputs, outputValues } from "./task-io.js";
import {
  checkKnownOptions,
  codeHashVersion,
  COMMON_TASK_OPTION_NAMES,
  compileContainerDecl,
  compileTaskMetadata,
  interfaceFromOptions,
  shapesOf,
  type CommonTaskOptions,
} from "./task-options.js";
import type { TaskExecutionContext, TaskResult } from "./task-result.js";

/** Options of {@link task}. */
export interface TaskOptions<I extends Shape> extends CommonTaskOptions {
  /** The inputs, by name. @default {} */
  inputs?: I;
  /**
   * The container image: a full image name or a template such as `{{.image.gpu.fqn}}:{{.image.gpu.version}}`
   * resolved against the registration's named images. @default the registration's default image
   */
  image?: string;
}

/** Runs a task's body on decoded inputs; `task()` and `dynamic()` differ only here. @internal */
export type TaskRunner = (
  values: Record<string, unknown>,
  ctx: TaskExecutionContext,
  self: FunctionTaskImpl,
) => Promise<TaskResult>;

/**
 * A task of TypeScript code. Calling it in a workflow body adds a node; `executeLiterals` runs the
 * code on literal inputs (what the local executor and `aloft-execute` do).
 * @internal
 */
export class FunctionTaskImpl {
  readonly [ENTITY_BRAND] = "task" as const;
  readonly kind = "task" as const;
  name: string | undefined;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: FunctionTaskDecl;
  private readonly runner: TaskRunner;

  constructor(decl: FunctionTaskDecl, name: string | undefined, site: CallSite | undefined, runner: TaskRunner) {
    this[DECL] = decl;
    this.name = name;
    this.declaredAt = site;
    this.runner = runner;
  }

  get inputs(): Shape {
    return shapesOf(this[DECL].iface).inputs;
  }

  get outputs(): Shape {
    return shapesOf(this[DECL].iface).outputs;
  }

  get taskType(): string {
    return "ts-task";
  }

  get dynamic(): boolean {
    return this[DECL].mode === "dynamic";
  }

  async executeLiterals(inputs: LiteralMap, ctx: TaskExecutionContext): Promise<TaskResult> {
    const values = await decodeInputs(this[DECL].iface, inputs, ctx, `task ${entityLabel(this)}`);
    return this.runner(values, ctx, this);
  }
}

/**
 * Creates a function task: the entity, callable in bodies, registered in the process-wide registry.
 * @internal
 */
export function createFunctionTask(
  decl: FunctionTaskDecl,
  name: string | undefined,
  site: CallSite | undefined,
  runner: TaskRunner,
): FunctionTaskImpl {
  const entity = makeCallable(new FunctionTaskImpl(decl, name, site, runner), (self, inputs) =>
    callEntity(() => taskCallee(self), inputs, captureCallSite()),
  );
  registerEntity(entity);
  return entity;
}

// The body function of `task()`: typed for users, erased here.
type AnyBody = (inputs: never, ctx: TaskContext) => unknown;

/** The option names `task()` accepts. @internal */
export const TASK_OPTION_NAMES: readonly string[] = [...COMMON_TASK_OPTION_NAMES, "image"];

/**
 * Declares a task with a single output (`output:`), named `o0`; the body returns the value itself.
 *
 * ```ts
 * export const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
 * ```
 */
export function task<I extends Shape = NoShape, X extends AnyType = AnyType>(
  options: TaskOptions<I> & { output: X; outputs?: never },
  fn: (
    inputs: ValuesOf<I>,
    ctx: TaskContext,
  ) => OutputValue<SingleOutput<X>, true> | Promise<OutputValue<SingleOutput<X>, true>>,
): FunctionTask<I, SingleOutput<X>, true>;
/**
 * Declares a task with named outputs (or none); the body returns an object of output values.
 *
 * ```ts
 * export const sayHello = task(
 *   { inputs: { name: t.string() }, outputs: { greeting: t.string() }, retries: 2, cache: { version: "1" } },
 *   async ({ name }) => ({ greeting: `Hello, ${name}!` }),
 * );
 * ```
 *
 * The body runs where the task runs (a container, or in-process with `run()`), on typed values. Its
 * name is the `name` option or, when the module is loaded for registration, `<module>.<export name>`.
 *
 * @throws AloftError `InvalidArgument` (naming the declaration's file and line) for unknown options, a
 * bad interface or option values.
 */
export function task<I extends Shape = NoShape, O extends Shape = NoShape>(
  options: TaskOptions<I> & { outputs?: O; output?: never },
  fn: (inputs: ValuesOf<I>, ctx: TaskContext) => OutputValue<O, false> | Promise<OutputValue<O, false>>,
): FunctionTask<I, O, false>;
export function task(options: TaskOptions<Shape> & { outputs?: Shape; output?: AnyType }, fn: AnyBody): unknown {
  const site = captureCallSite();
  return declareFunctionTask(options, fn, site, "default", TASK_OPTION_NAMES, async (values, ctx, self) => {
    const result = await (fn as (inputs: unknown, ctx: TaskContext) => unknown)(values, makeTaskContext(ctx));
    const label = `task ${entityLabel(self)}`;
    const outputs = await encodeOutputs(self[DECL].iface, outputValues(self[DECL].iface, result, label), ctx, label);
    return { kind: "outputs", outputs };
  });
}

/**
 * Checks the options of a function task and creates it.
 * @internal
 */
export function declareFunctionTask(
  options: TaskOptions<Shape> & { outputs?: Shape; output?: AnyType },
  fn: AnyBody,
  site: CallSite | undefined,
  mode: "default" | "dynamic",
  known: readonly string[],
  runner: TaskRunner,
): FunctionTaskImpl {
  const label = typeof options?.name === "string" ? options.name : "task";
  if (typeof options !== "object" || options === null) {
    throw definitionError(
      site,
      `${mode === "dynamic" ? "dynamic" : "task"}(): the first argument must be an options object`,
    );
  }
  if (typeof fn !== "function") {
    throw definitionError(site, `${label}: the second argument must be the task's function`);
  }
  checkKnownOptions(options, known, label, site);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw definitionError(site, `${label}: name must be a non-empty string`);
  }
  const iface = interfaceFromOptions(options, label, site);
  const decl: FunctionTaskDecl = {
    kind: "function",
    mode,
    iface,
    metadata: compileTaskMetadata(options, iface, label, site, () => codeHashVersion(fn.toString())),
    container: compileContainerDecl(options, label, site),
    description: options.description,
  };
  return createFunctionTask(decl, options.name, site, runner);
}
