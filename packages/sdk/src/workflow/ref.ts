import type { JsonObject } from "@bufbuild/protobuf";
import { literalTypeToString } from "@aloft/idl";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { captureCallSite } from "../entities/call-site.js";
import { definitionError } from "./definition-error.js";
import { type AttrStep, REF_STATE, type RefState } from "./model.js";

/** The part of every ref: a placeholder for a value of type `T` produced while a workflow runs. */
export interface RefBase<T> {
  /** @internal */
  readonly [REF_STATE]: RefState;
  /** Phantom member carrying `T` (covariantly); never set. */
  readonly __ref?: () => T;
}

type AnyFunction = (...args: never[]) => unknown;
// `t.json()` values: untyped STRUCTs, into which Flyte's compiler refuses attribute paths.
type IsJsonObject<T> = [T] extends [JsonObject] ? ([JsonObject] extends [T] ? true : false) : false;
type MethodKeys<T> = { [K in keyof T]-?: T[K] extends AnyFunction ? K : never }[keyof T];

/**
 * What a ref offers besides being passed around: `.at(i)` on lists, `.key(k)` on maps and one ref per
 * field on records (resolved by propeller through `attr_path`). Objects with methods (files,
 * directories, datasets) and dates offer nothing.
 */
export type RefAccess<T> = [T] extends [readonly (infer E)[]]
  ? { at(index: number): Ref<E> }
  : [T] extends [object]
    ? [T] extends [Date | Uint8Array | AnyFunction]
      ? unknown
      : string extends keyof T
        ? IsJsonObject<T> extends true
          ? unknown
          : { key(key: string): Ref<T[string]> }
        : [MethodKeys<T>] extends [never]
          ? { readonly [K in keyof T & string]-?: Ref<T[K]> }
          : unknown
    : unknown;

/**
 * A value a workflow will have when it runs: a workflow input or a node output (flytekit's Promise).
 * Pass it to other calls; it cannot be inspected while the workflow is defined.
 */
export type Ref<T> = RefBase<T> & RefAccess<T>;

/** Whether `value` is a ref (of any copy of the SDK). */
export function isRef(value: unknown): value is RefBase<unknown> {
  return typeof value === "object" && value !== null && REF_STATE in value;
}

/** The state behind a ref. @internal */
export function refState(ref: RefBase<unknown>): RefState {
  return ref[REF_STATE];
}

/** `n0.greeting`, `n1.o0[2]`, `input name`: how messages name a ref. @internal */
export function describeRef(state: RefState): string {
  const path = state.attrPath.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
  return state.node === undefined ? `workflow input ${state.var}${path}` : `${state.node.id}.${state.var}${path}`;
}

/** `a string ref from n0.greeting`: a ref's type and origin for messages. @internal */
export function describeRefWithType(state: RefState): string {
  return `a ${literalTypeToString(state.literalType)} ref from ${describeRef(state)}`;
}

/**
 * Creates the ref object for `state`: the state under {@link REF_STATE}, accessors matching its type
 * (`at` for collections, `key` for maps, a getter per field for records with a schema) and guards
 * against being used as a plain value (`${ref}`, `ref + 1`).
 * @internal
 */
export function makeRef<T>(state: RefState, target: object = {}): Ref<T> {
  Object.defineProperty(target, REF_STATE, { value: state, enumerable: false });
  Object.defineProperty(target, Symbol.toPrimitive, { value: () => refMisuse(state), enumerable: false });
  Object.defineProperty(target, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => `Ref(${describeRef(state)}: ${literalTypeToString(state.literalType)})`,
    enumerable: false,
  });
  const lt = state.literalType;
  if (lt.type.case === "collectionType") {
    const element = lt.type.value;
    defineMethod(target, "at", (index: unknown) => {
      if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
        throw definitionError(captureCallSite(), `at(): expected a non-negative integer index, got ${String(index)}`);
      }
      return makeRef(child(state, index, element));
    });
  } else if (lt.type.case === "mapValueType") {
    const value = lt.type.value;
    defineMethod(target, "key", (key: unknown) => {
      if (typeof key !== "string") {
        throw definitionError(captureCallSite(), `key(): expected a string key, got ${String(key)}`);
      }
      return makeRef(child(state, key, value));
    });
  } else {
    const fields = lt.structure?.dataclassType ?? {};
    for (const [field, fieldType] of Object.entries(fields)) {
      // A field can be read many times; one ref object per read keeps them independent.
      Object.defineProperty(target, field, {
        get: () => makeRef(child(state, field, fieldType)),
        enumerable: true,
        configurable: true,
      });
    }
  }
  return target as Ref<T>;
}

function child(state: RefState, step: AttrStep, literalType: LiteralType): RefState {
  return { ...state, attrPath: [...state.attrPath, step], literalType };
}

function defineMethod(target: object, name: string, fn: (arg: unknown) => unknown): void {
  Object.defineProperty(target, name, { value: fn, enumerable: false, configurable: true });
}

function refMisuse(state: RefState): never {
  throw definitionError(
    captureCallSite(),
    `${describeRef(state)} is a placeholder for a value the workflow produces when it runs; it cannot be used as a ` +
      "string or number while the workflow is defined. Pass it to a task instead, or compare it with eq/gt/… in a conditional",
  );
}
