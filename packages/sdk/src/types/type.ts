import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { BlobStore } from "@aloft/storage";

/** Marks SDK type objects; a registry symbol so two copies of the SDK recognise each other's types. */
export const TYPE_BRAND: unique symbol = Symbol.for("aloft.sdk.type") as never;

/**
 * What a conversion needs for values that live in the blob store (files, directories, datasets).
 * Plain values (numbers, strings, records…) never touch it.
 */
export interface TypeContext {
  /** The blob store holding inputs and outputs (local directory or S3). */
  store: BlobStore;
  /** Where new data written during this conversion goes: Flyte's raw output prefix for the attempt. */
  rawOutputPrefix: string;
  /** A local scratch directory for downloads. */
  workDir: string;
}

/** Options of the conversions of a {@link Type}. */
export interface ConvertOptions {
  /** The name of the value in error messages, e.g. `inputs.points`. @default "value" */
  path?: string;
}

/**
 * A Flyte type with its TypeScript value type `T`: the `LiteralType` it declares in interfaces and the
 * conversions between JS values and `Literal`s, encoded exactly as flytekit encodes them.
 * Create them with `t.*`; never implement this interface by hand.
 */
export interface Type<T> {
  readonly [TYPE_BRAND]: true;
  /** A short name for messages and help: `int`, `list<float>`, `record Point`, `file[csv]`. */
  readonly name: string;
  /** The type as it appears in task and workflow interfaces. */
  readonly literalType: LiteralType;
  /** Documentation for the variable using this type (becomes `Variable.description`). */
  readonly description: string | undefined;
  /** True for `t.optional(...)`: such an input may be left out (it is then `null`). */
  readonly optional: boolean;
  /** JS value → literal. May upload (files, directories, datasets). Throws `AloftError(InvalidArgument)` naming the problem. */
  toLiteral(value: T, ctx: TypeContext, options?: ConvertOptions): Promise<Literal>;
  /**
   * JS value → literal without I/O, for constants bound when a workflow is defined. Throws
   * `AloftError(InvalidArgument)` for values that would need an upload (a local file, say).
   */
  toLiteralSync(value: T, options?: ConvertOptions): Literal;
  /** Literal → JS value. Files and directories are not downloaded until asked. */
  fromLiteral(literal: Literal, ctx: TypeContext, options?: ConvertOptions): Promise<T>;
  /** Whether `value` is a valid value of this type (used by unions and runtime checks of untyped callers). */
  accepts(value: unknown): value is T;
  /** Parses a command-line value (`aloft run --x <text>`): numbers, ISO dates, `1h30m`, JSON, paths or URIs. */
  parseText(text: string): T;
  /** The same type with a description. */
  describe(description: string): Type<T>;
  /** Phantom field carrying `T` for inference; never set. */
  readonly __value?: T;
}

/** Any SDK type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyType = Type<any>;

/** The TypeScript value type of an SDK type. */
export type Infer<X> = X extends Type<infer T> ? T : never;

/** Named variables of a task or workflow interface. */
export type Shape = Readonly<Record<string, AnyType>>;

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;

/**
 * The JS values of a shape: `{ a: t.int(), b: t.optional(t.string()) }` gives
 * `{ a: number; b?: string | null }` (optional-typed keys may be omitted).
 */
export type ValuesOf<S extends Shape> = { -readonly [K in RequiredKeys<S>]: Infer<S[K]> } & {
  -readonly [K in OptionalKeys<S>]?: Infer<S[K]>;
};
