import { create } from "@bufbuild/protobuf";
import { AloftError, collectionType, optionalType } from "@aloft/idl";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { t } from "../types/index.js";
import type { AnyType, Shape } from "../types/type.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { taskCallee } from "./callee.js";
import { DECL, isDeclared, type InterfaceDecl, type MapTaskDecl, type TaskEntityLike, type VarDecl } from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityLocation } from "./entity.js";
import { entityLabel } from "./entity-label.js";
import type { FunctionTask, MappedInputs, MappedOutputs, Task } from "./entity-types.js";
import { mapTaskName } from "../serialize/naming.js";
import { registerEntity } from "./registry.js";
import { checkKnownOptions, shapesOf } from "./task-options.js";
import type { RunnableTask, TaskExecutionContext, TaskResult } from "./task-result.js";

/** Options of {@link map}. */
export interface MapOptions<B extends PropertyKey> {
  /**
   * How many elements run at once; `0` means no limit.
   * @default the workflow's max parallelism
   */
  concurrency?: number;
  /** Succeed once this many elements succeed (failed elements' outputs are then `null`). */
  minSuccesses?: number;
  /**
   * Succeed once this fraction of the elements succeed, in (0, 1]; below 1 failed elements' outputs
   * are `null` (the output becomes a list of optionals, as flytekit's `List[Optional[T]]`).
   * @default 1
   */
  minSuccessRatio?: number;
  /** Inputs passed whole to every element instead of mapped over (flytekit's `functools.partial`). */
  bound?: readonly B[];
}

/** A map task (flytekit's `ArrayNodeMapTask`). @internal */
export class MapTaskImpl {
  readonly [ENTITY_BRAND] = "task" as const;
  readonly kind = "task" as const;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: MapTaskDecl;

  constructor(decl: MapTaskDecl, site: CallSite | undefined) {
    this[DECL] = decl;
    this.declaredAt = site;
  }

  /**
   * Derived from the mapped task's name (`<module>.map_<task>_<hash>-arraynode`, as flytekit names
   * map tasks); unset while that task is unnamed.
   */
  get name(): string | undefined {
    const inner = this[DECL].inner.name;
    return inner === undefined ? undefined : mapTaskName(this[DECL], inner);
  }

  set name(_value: string | undefined) {
    // A map task's name always follows its task's: the module loader's naming does not apply.
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

  /** The task run for each element. */
  get task(): TaskEntityLike {
    return this[DECL].inner;
  }

  /** The inputs passed whole to every element. */
  get boundInputs(): readonly string[] {
    return this[DECL].bound;
  }

  /**
   * Runs the mapped task for element `index` of the map task's (list) inputs, as flytekit's
   * `ArrayNodeMapTask` does in each array pod: each mapped input's `index`-th literal, bound inputs
   * whole. What a container started with `array true` and the local executor call per element.
   *
   * @throws AloftError `InvalidArgument` when a mapped input is not a list long enough.
   */
  async executeElement(inputs: LiteralMap, index: number, ctx: TaskExecutionContext): Promise<TaskResult> {
    const inner = this[DECL].inner as TaskEntityLike & RunnableTask;
    const literals: Record<string, Literal> = {};
    for (const [name, literal] of Object.entries(inputs.literals)) {
      if (this[DECL].bound.includes(name)) {
        literals[name] = literal;
        continue;
      }
      const element = literal.value.case === "collection" ? literal.value.value.literals[index] : undefined;
      if (element === undefined) {
        throw AloftError.invalidArgument(`${entityLabel(this)}: input "${name}" has no element ${index}`);
      }
      literals[name] = element;
    }
    return inner.executeLiterals(create(LiteralMapSchema, { literals }), ctx);
  }
}

const OPTION_NAMES = ["concurrency", "minSuccesses", "minSuccessRatio", "bound"];

function listVar(name: string, element: VarDecl, optionalElements: boolean): VarDecl {
  const elementAlreadyOptional = element.optional;
  const wrapped = optionalElements && !elementAlreadyOptional;
  const elementType: AnyType | undefined =
    element.type === undefined ? undefined : wrapped ? t.optional(element.type) : element.type;
  const elementLiteral = wrapped ? optionalType(element.literalType) : element.literalType;
  return {
    literalType: elementType === undefined ? collectionType(elementLiteral) : t.list(elementType).literalType,
    type: elementType === undefined ? undefined : t.list(elementType),
    description: name,
    optional: false,
  };
}

/**
 * Maps a task over lists (an ArrayNode, as flytekit's `map_task` over a function task): every input
 * not `bound` becomes a list, zipped element by element, and the output becomes a list (of optionals
 * when failures are tolerated). Call the result in a workflow body like a task.
 *
 * ```ts
 * const squares = map(square, { concurrency: 10 })({ x: xs });
 * const scaled = map(scale, { bound: ["factor"] })({ x: xs, factor: 2 });
 * ```
 *
 * @throws AloftError `InvalidArgument` (with the call site) for tasks other than `task()` ones, tasks
 * with more than one output, unknown bound inputs and bad settings.
 */
export function map<I extends Shape, O extends Shape, S extends boolean, B extends keyof I & string = never>(
  task: FunctionTask<I, O, S>,
  options?: MapOptions<B> & { minSuccesses?: undefined; minSuccessRatio?: undefined },
): Task<MappedInputs<I, B>, MappedOutputs<O, false>, S>;
/** Maps a task over lists, tolerating failed elements (their outputs are `null`). */
export function map<I extends Shape, O extends Shape, S extends boolean, B extends keyof I & string = never>(
  task: FunctionTask<I, O, S>,
  options: MapOptions<B>,
): Task<MappedInputs<I, B>, MappedOutputs<O, true>, S>;
export function map(task: unknown, options: MapOptions<string> = {}): unknown {
  const site = captureCallSite();
  if (!isDeclared(task) || task.kind !== "task") throw definitionError(site, "map(): expected a task made by task()");
  const inner = task as TaskEntityLike;
  const innerDecl = inner[DECL];
  const label = `map(${entityLabel(inner)})`;
  if (innerDecl.kind !== "function" || innerDecl.mode !== "default") {
    throw definitionError(
      site,
      `${label}: only tasks made by task() can be mapped (not dynamic, container, map or reference tasks)`,
    );
  }
  if (typeof options !== "object" || options === null)
    throw definitionError(site, `${label}: options must be an object`);
  checkKnownOptions(options, OPTION_NAMES, label, site);
  const outputs = Object.entries(innerDecl.iface.outputs);
  if (outputs.length > 1) throw definitionError(site, `${label}: only tasks with at most one output can be mapped`);
  const bound = [...new Set(options.bound ?? [])].sort();
  for (const b of bound) {
    if (!(b in innerDecl.iface.inputs))
      throw definitionError(site, `${label}: bound input "${b}" is not an input of the task`);
  }
  const { concurrency, minSuccesses, minSuccessRatio } = options;
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 0)) {
    throw definitionError(site, `${label}: concurrency must be a non-negative integer`);
  }
  if (minSuccesses !== undefined && minSuccessRatio !== undefined) {
    throw definitionError(site, `${label}: give minSuccesses or minSuccessRatio, not both`);
  }
  if (minSuccesses !== undefined && (!Number.isSafeInteger(minSuccesses) || minSuccesses < 1)) {
    throw definitionError(site, `${label}: minSuccesses must be a positive integer`);
  }
  if (minSuccessRatio !== undefined && !(minSuccessRatio > 0 && minSuccessRatio <= 1)) {
    throw definitionError(site, `${label}: minSuccessRatio must be in (0, 1]`);
  }
  const tolerant = minSuccesses !== undefined || (minSuccessRatio !== undefined && minSuccessRatio !== 1);
  const inputs: Record<string, VarDecl> = {};
  for (const [name, v] of Object.entries(innerDecl.iface.inputs)) {
    inputs[name] = bound.includes(name) ? { ...v, description: name } : listVar(name, v, false);
  }
  const mappedOutputs: Record<string, VarDecl> = {};
  for (const [name, v] of outputs) mappedOutputs[name] = listVar(name, v, tolerant);
  const iface: InterfaceDecl = { inputs, outputs: mappedOutputs, single: innerDecl.iface.single };
  const decl: MapTaskDecl = {
    kind: "map",
    inner,
    iface,
    bound,
    concurrency,
    minSuccesses,
    minSuccessRatio: minSuccesses === undefined ? (minSuccessRatio ?? 1) : undefined,
  };
  const entity = makeCallable(new MapTaskImpl(decl, site), (self, inputs) =>
    callEntity(() => taskCallee(self), inputs, captureCallSite()),
  );
  registerEntity(entity);
  return entity;
}
