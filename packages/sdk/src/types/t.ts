import type { JsonObject } from "@bufbuild/protobuf";
import { asBaseType } from "./as-base-type.js";
import { type DataframeOptions, DataframeType } from "./dataframe-type.js";
import type { DatasetRow } from "./dataset-formats.js";
import { type DirectoryTypeOptions, DirectoryType } from "./directory-type.js";
import { type FileTypeOptions, FileType } from "./file-type.js";
import type { FlyteDirectory } from "./flyte-directory.js";
import type { FlyteFile } from "./flyte-file.js";
import type { StructuredDataset } from "./structured-dataset.js";
import { BooleanType } from "./boolean-type.js";
import { DateType, DatetimeType } from "./datetime-type.js";
import { DurationType } from "./duration-type.js";
import { EnumType } from "./enum-type.js";
import { FloatType } from "./float-type.js";
import { Int64Type, IntType } from "./int-type.js";
import { JsonType } from "./json-type.js";
import { ListType } from "./list-type.js";
import { MapType } from "./map-type.js";
import { NoneType } from "./none-type.js";
import { StringType } from "./string-type.js";
import { type RecordOptions, RecordType } from "./record-type.js";
import type { AnyType, Infer, Shape, Type, ValuesOf } from "./type.js";
import { OptionalType, UnionType } from "./union-type.js";

/** `t.optional(x)`: `T | null`, and a variable of this type may be left out. */
export interface OptionalTypeOf<T> extends Type<T | null> {
  readonly optional: true;
  /** The type inside the optional. */
  readonly inner: Type<T>;
  describe(description: string): OptionalTypeOf<T>;
}

/** `t.union(…)`: one of several types. */
export interface UnionTypeOf<T> extends Type<T> {
  readonly variants: readonly AnyType[];
  describe(description: string): UnionTypeOf<T>;
}

/** `t.list(x)`. */
export interface ListTypeOf<T> extends Type<T[]> {
  readonly element: Type<T>;
  describe(description: string): ListTypeOf<T>;
}

/** `t.map(x)`: string keys. */
export interface MapTypeOf<T> extends Type<Record<string, T>> {
  readonly valueType: Type<T>;
  describe(description: string): MapTypeOf<T>;
}

/** `t.record({…})`: a dataclass-like record with named, typed fields. */
export interface RecordTypeOf<S extends Shape> extends Type<ValuesOf<S>> {
  readonly fields: S;
  /** The record's name (the JSON Schema title). */
  readonly title: string;
  describe(description: string): RecordTypeOf<S>;
}

/** `t.enum([...])`. */
export interface EnumTypeOf<V extends string> extends Type<V> {
  readonly values: readonly V[];
  describe(description: string): EnumTypeOf<V>;
}

/** `t.file()`: a `FlyteFile`. */
export interface FileTypeOf extends Type<FlyteFile> {
  /** The declared format, `""` for any. */
  readonly format: string;
  describe(description: string): FileTypeOf;
}

/** `t.directory()`: a `FlyteDirectory`. */
export interface DirectoryTypeOf extends Type<FlyteDirectory> {
  readonly format: string;
  describe(description: string): DirectoryTypeOf;
}

/** `t.dataframe()`: a `StructuredDataset` of rows. */
export interface DataframeTypeOf<Row> extends Type<StructuredDataset<Row>> {
  readonly format: string;
  describe(description: string): DataframeTypeOf<Row>;
}

/** The row type of `t.dataframe({ columns })`: the declared columns, or any columns when none are declared. */
export type DataframeRow<C extends Shape> = [keyof C] extends [never] ? DatasetRow : ValuesOf<C>;

function optional<T>(type: Type<T>): OptionalTypeOf<T> {
  const base = asBaseType(type, "t.optional");
  // Optional[Optional[X]] is Optional[X] in Python too.
  if (base instanceof OptionalType) return base as unknown as OptionalTypeOf<T>;
  return new OptionalType(base) as unknown as OptionalTypeOf<T>;
}

/**
 * The SDK's types. Each `t.*` returns a {@link Type} whose TypeScript value type is inferred and whose
 * literals are encoded exactly as flytekit encodes the matching Python type:
 *
 * ```ts
 * const Point = t.record({ x: t.int(), y: t.float(), label: t.optional(t.string()) }, { name: "Point" });
 * type PointValue = Infer<typeof Point>; // { x: number; y: number; label?: string | null }
 * ```
 */
export const t = {
  /** Python `int` as a JS `number`; only safe integers. Use {@link t.int64} beyond ±2^53. */
  int: (): Type<number> => new IntType(),
  /** Python `int` as a JS `bigint`, over the whole int64 range. */
  int64: (): Type<bigint> => new Int64Type(),
  /** Python `float` (double). Note: whole numbers stay floats; use {@link t.int} for integers. */
  float: (): Type<number> => new FloatType(),
  /** Python `str`. */
  string: (): Type<string> => new StringType(),
  /** Python `bool`. */
  boolean: (): Type<boolean> => new BooleanType(),
  /** Python `datetime.datetime` as a `Date` (millisecond precision). */
  datetime: (): Type<Date> => new DatetimeType(),
  /** Python `datetime.date` as a `Date` at midnight UTC. */
  date: (): Type<Date> => new DateType(),
  /** Python `datetime.timedelta` as a number of **milliseconds**. */
  duration: (): Type<number> => new DurationType(),
  /** Python `None` as `null`. */
  none: (): Type<null> => new NoneType(),
  /** Python `Optional[X]`: `T | null`; such inputs may be left out. */
  optional,
  /** Python `Union[A, B, …]`. Values more than one variant takes are refused, as flytekit does. */
  union: <const V extends readonly AnyType[]>(...variants: V): UnionTypeOf<Infer<V[number]>> =>
    new UnionType(variants.map((v, i) => asBaseType(v, `t.union variant ${i}`))) as unknown as UnionTypeOf<
      Infer<V[number]>
    >,
  /** Python `List[X]`. */
  list: <T>(element: Type<T>): ListTypeOf<T> => new ListType(asBaseType(element, "t.list")) as unknown as ListTypeOf<T>,
  /** Python `Dict[str, X]`, as a plain object. */
  map: <T>(valueType: Type<T>): MapTypeOf<T> => new MapType(asBaseType(valueType, "t.map")) as unknown as MapTypeOf<T>,
  /** A Python `@dataclass`: named fields, encoded as msgpack with a JSON Schema. */
  record: <const S extends Shape>(fields: S, options?: RecordOptions): RecordTypeOf<S> =>
    new RecordType(fields, options) as unknown as RecordTypeOf<S>,
  /** A Python string `Enum`: one of the given strings. */
  enum: <const V extends string>(values: readonly V[]): EnumTypeOf<V> =>
    new EnumType(values) as unknown as EnumTypeOf<V>,
  /** An untyped JSON object: Python's bare `dict`. */
  json: (): Type<JsonObject> => new JsonType(),
  /** A file (`FlyteFile`, optionally of a format: flytekit's `FlyteFile["csv"]`). */
  file: (options?: FileTypeOptions): FileTypeOf => new FileType(options),
  /** A folder of files (`FlyteDirectory`). */
  directory: (options?: DirectoryTypeOptions): DirectoryTypeOf => new DirectoryType(options),
  /** A dataframe stored as parquet (default), CSV or JSONL, with optionally declared columns. */
  dataframe: <const C extends Shape = Record<never, never>>(
    options?: DataframeOptions<C>,
  ): DataframeTypeOf<DataframeRow<C>> => new DataframeType<DataframeRow<C>>(options),
} as const;
