import type { AnyType, Infer, Shape, Type } from "../types/type.js";
import type { NodeHandle, NodeOutputs, NodeRef } from "../workflow/node-result.js";
import type { Ref } from "../workflow/ref.js";
import type { EntityBase } from "./entity.js";
import type { RunnableTask } from "./task-result.js";

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] };

/** The empty interface: no inputs or no outputs. */
export type NoShape = Record<never, never>;

/**
 * What a workflow body may pass for a value of type `T`: the value itself, a ref to one, or (for lists
 * and maps) a list or map mixing refs and values (a collection or map binding, as in flytekit).
 */
export type Bindable<T> =
  | T
  | Ref<T>
  | (T extends readonly (infer E)[] ? readonly Bindable<E>[] : never)
  | (T extends object
      ? T extends readonly unknown[]
        ? never
        : string extends keyof T
          ? { readonly [key: string]: Bindable<T[string]> }
          : never
      : never);

/**
 * The inputs a call takes for the interface `S`: every required input (refs or values), optional
 * inputs (optional types, and the keys `Opt` that have defaults) may be left out.
 */
export type BindingsOf<S extends Shape, Opt extends PropertyKey = never> = Simplify<
  { readonly [K in Exclude<RequiredKeys<S>, Opt>]: Bindable<Infer<S[K]>> } & {
    readonly [K in OptionalKeys<S> | (Opt & keyof S)]?: Bindable<Infer<S[K]>>;
  }
>;

/** The argument list of a call: the inputs object, which may be left out when nothing is required. */
export type CallArgs<S extends Shape, Opt extends PropertyKey = never> =
  NoShape extends BindingsOf<S, Opt> ? [inputs?: BindingsOf<S, Opt>] : [inputs: BindingsOf<S, Opt>];

/** Refs to the inputs of a workflow, as its body receives them. */
export type RefsOf<S extends Shape> = Simplify<{ readonly [K in keyof S]: Ref<Infer<S[K]>> }>;

/** What calling an entity with outputs `O` returns in a body (`S`: declared with a single `output:`). */
export type CallResult<O extends Shape, S extends boolean> = S extends true
  ? NodeRef<Infer<O[keyof O]>>
  : [keyof O] extends [never]
    ? NodeHandle
    : NodeOutputs<O>;

type OutputValues<O extends Shape> = Simplify<
  { [K in RequiredKeys<O>]: Infer<O[K]> } & { [K in OptionalKeys<O>]?: Infer<O[K]> }
>;

/** What a task body returns for outputs `O`: the value (single output), an object of values, or nothing. */
export type OutputValue<O extends Shape, S extends boolean> = S extends true
  ? Infer<O[keyof O]>
  : [keyof O] extends [never]
    ? void
    : OutputValues<O>;

/** What a workflow body returns for outputs `O`: refs or values, shaped like {@link OutputValue}. */
export type BodyOutput<O extends Shape, S extends boolean> = S extends true
  ? Bindable<Infer<O[keyof O]>>
  : [keyof O] extends [never]
    ? void | NodeHandle
    : BindingsOf<O>;

/** The interface of a single output: one variable named `o0`, as flytekit names unnamed outputs. */
export type SingleOutput<X extends AnyType> = { readonly o0: X };

/** The outputs part of task and workflow options: named `outputs`, one `output`, or none. */
export type OutputsOption<O extends Shape, S extends boolean> = S extends true
  ? { output: O[keyof O]; outputs?: never }
  : { outputs?: O; output?: never };

/** A task (`task()`, `dynamic()`, `containerTask()`, `map()`, `referenceTask()`): call it in a body to add a node. */
export interface Task<
  I extends Shape = Shape,
  O extends Shape = Shape,
  S extends boolean = boolean,
> extends EntityBase {
  (...args: CallArgs<I>): CallResult<O, S>;
  readonly kind: "task";
  /** The input types. */
  readonly inputs: I;
  /** The output types (`{ o0: … }` for a single `output:`). */
  readonly outputs: O;
  /** The flyteidl task type (`ts-task`, `raw-container`, …). */
  readonly taskType: string;
}

/** A task whose TypeScript code can run here (made by `task()` or `dynamic()`). */
export interface FunctionTask<I extends Shape = Shape, O extends Shape = Shape, S extends boolean = boolean>
  extends Task<I, O, S>, RunnableTask {
  /** Whether the body builds a workflow at run time (`dynamic()`). */
  readonly dynamic: boolean;
}

/** A workflow: call it in another body to add a sub-workflow node. Inputs `D` have defaults. */
export interface Workflow<
  I extends Shape = Shape,
  O extends Shape = Shape,
  S extends boolean = boolean,
  D extends PropertyKey = never,
> extends EntityBase {
  (...args: CallArgs<I, D>): CallResult<O, S>;
  readonly kind: "workflow";
  readonly inputs: I;
  readonly outputs: O;
}

/** A launch plan: call it in a body to start it as a child execution (a launch-plan node). */
export interface LaunchPlan<
  I extends Shape = Shape,
  O extends Shape = Shape,
  S extends boolean = boolean,
  D extends PropertyKey = never,
> extends EntityBase {
  (...args: CallArgs<I, D>): CallResult<O, S>;
  readonly kind: "launch-plan";
  readonly inputs: I;
  readonly outputs: O;
}

/** The list form of a type: what a mapped input or output becomes. */
export type ListOf<X extends AnyType, Nullable extends boolean> = Type<
  Nullable extends true ? (Infer<X> | null)[] : Infer<X>[]
>;

/** The inputs of a map over a task with inputs `I`, inputs `B` passed whole. */
export type MappedInputs<I extends Shape, B extends PropertyKey> = {
  readonly [K in keyof I]: K extends B ? I[K] : ListOf<I[K], false>;
};

/** The outputs of a map over a task with outputs `O` (element `null` for failed elements when `N`). */
export type MappedOutputs<O extends Shape, N extends boolean> = { readonly [K in keyof O]: ListOf<O[K], N> };
