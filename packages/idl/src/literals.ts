import { create, equals, isMessage, type JsonObject, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type Duration,
  DurationSchema,
  type Timestamp,
  TimestampSchema,
  timestampFromDate,
} from "@bufbuild/protobuf/wkt";
import { AloftError } from "./aloft-error.js";
import {
  type Literal,
  type LiteralMap,
  LiteralMapSchema,
  LiteralSchema,
  type PrimitiveSchema,
  type ScalarSchema,
} from "./gen/flyteidl/core/literals_pb.js";
import {
  BlobType_BlobDimensionality,
  type LiteralType,
  type StructuredDatasetType,
  StructuredDatasetTypeSchema,
} from "./gen/flyteidl/core/types_pb.js";
import type { BlobDimensionality } from "./literal-types.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NANOS_PER_SECOND = 1_000_000_000;

/** A duration as protobuf stores it: whole seconds plus nanoseconds of the same sign. */
export interface DurationParts {
  seconds: bigint | number;
  /** @default 0 */
  nanos?: number;
}

/** Options of {@link blobLiteral}. */
export interface BlobLiteralOptions {
  /** Where the file or folder is, e.g. `s3://bucket/key`. */
  uri: string;
  /** @default "" */
  format?: string;
  /** @default "single" */
  dimensionality?: BlobDimensionality;
}

/** Options of {@link structuredDatasetLiteral}. */
export interface StructuredDatasetLiteralOptions {
  /** Where the dataset is (for parquet, a folder holding a file named `00000`). */
  uri: string;
  /** The dataset's type, stored in `metadata.structured_dataset_type`. @default an empty (generic) type */
  type?: StructuredDatasetType;
}

/** Options of {@link errorLiteral}. */
export interface ErrorLiteralOptions {
  message: string;
  /** The id of the node whose failure this is. */
  failedNodeId: string;
}

function scalarLiteral(value: MessageInitShape<typeof ScalarSchema>["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

function primitiveLiteral(value: MessageInitShape<typeof PrimitiveSchema>["value"]): Literal {
  return scalarLiteral({ case: "primitive", value: { value } });
}

/**
 * `scalar.primitive.integer` (int64). Throws InvalidArgument for a number that is not a safe
 * integer (pass a bigint beyond ±2^53) and for a bigint outside the int64 range.
 */
export function integerLiteral(value: number | bigint): Literal {
  return primitiveLiteral({ case: "integer", value: toInt64(value, "integer literal") });
}

/** Checks and converts an integer for an int64 field; `what` starts the error message. @internal */
export function toInt64(value: number | bigint, what: string): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      // An integral number prints exactly as a bigint (2 ** 60 is 1152921504606846976, not …7000).
      const shown = Number.isInteger(value) ? BigInt(value).toString() : String(value);
      const hint = Number.isInteger(value) ? "; pass a bigint for integers beyond ±2^53" : "";
      throw AloftError.invalidArgument(`${what}: ${shown} is not a safe integer${hint}`);
    }
    return BigInt(value);
  }
  if (value < INT64_MIN || value > INT64_MAX) {
    throw AloftError.invalidArgument(`${what}: ${value} is outside the int64 range`);
  }
  return value;
}

/** `scalar.primitive.float_value` (double). */
export function floatLiteral(value: number): Literal {
  return primitiveLiteral({ case: "floatValue", value });
}

/** `scalar.primitive.string_value`; also the encoding of enum values. */
export function stringLiteral(value: string): Literal {
  return primitiveLiteral({ case: "stringValue", value });
}

/** `scalar.primitive.boolean`. */
export function booleanLiteral(value: boolean): Literal {
  return primitiveLiteral({ case: "boolean", value });
}

/**
 * `scalar.primitive.datetime`. A `Date` has millisecond precision; pass a protobuf `Timestamp`
 * to keep nanoseconds. Throws InvalidArgument for an invalid `Date`.
 */
export function datetimeLiteral(value: Date | Timestamp): Literal {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw AloftError.invalidArgument("datetime literal: invalid Date");
    return primitiveLiteral({ case: "datetime", value: timestampFromDate(value) });
  }
  return primitiveLiteral({ case: "datetime", value: create(TimestampSchema, value) });
}

/**
 * `scalar.primitive.duration`, from `{ seconds, nanos }` or from milliseconds (fractions of a
 * millisecond become nanoseconds). Throws InvalidArgument for parts protobuf would reject
 * (nanos beyond ±999,999,999 or of the other sign than seconds) and for non-finite milliseconds.
 */
export function durationLiteral(value: DurationParts | number): Literal {
  return primitiveLiteral({ case: "duration", value: toDuration(value, "duration literal") });
}

/** Checks and converts a duration; `what` starts the error message. @internal */
export function toDuration(value: DurationParts | number, what: string): Duration {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw AloftError.invalidArgument(`${what}: ${value} milliseconds is not finite`);
    // Whole milliseconds go through bigint so long durations keep every nanosecond digit.
    const wholeMs = Math.trunc(value);
    const totalNanos = BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((value - wholeMs) * 1_000_000));
    const seconds = totalNanos / BigInt(NANOS_PER_SECOND);
    return create(DurationSchema, { seconds, nanos: Number(totalNanos - seconds * BigInt(NANOS_PER_SECOND)) });
  }
  const seconds = toInt64(value.seconds, `${what} seconds`);
  const nanos = value.nanos ?? 0;
  if (!Number.isInteger(nanos) || Math.abs(nanos) >= NANOS_PER_SECOND) {
    throw AloftError.invalidArgument(`${what}: nanos ${nanos} is not an integer between -999999999 and 999999999`);
  }
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
    throw AloftError.invalidArgument(`${what}: seconds ${seconds} and nanos ${nanos} have different signs`);
  }
  return create(DurationSchema, { seconds, nanos });
}

/** `scalar.none_type`: the value of `None`/`null`. */
export function noneLiteral(): Literal {
  return scalarLiteral({ case: "noneType", value: {} });
}

/** `collection`: a list of literals. */
export function collectionLiteral(literals: readonly Literal[]): Literal {
  return create(LiteralSchema, { value: { case: "collection", value: { literals: [...literals] } } });
}

/** `map`: a string-keyed map of literals. */
export function mapLiteral(literals: Readonly<Record<string, Literal>>): Literal {
  return create(LiteralSchema, { value: { case: "map", value: literalMap(literals) } });
}

/** A `LiteralMap`, the message that holds a node's inputs or outputs. */
export function literalMap(literals: Readonly<Record<string, Literal>>): LiteralMap {
  const map = create(LiteralMapSchema);
  // Assigned rather than passed to create, which copies keys by assignment and so loses `__proto__`.
  map.literals = Object.fromEntries(Object.entries(literals));
  return map;
}

/** `scalar.blob`: a file or folder in blob storage, with its blob type in `metadata.type`. */
export function blobLiteral(options: BlobLiteralOptions): Literal {
  const dimensionality =
    options.dimensionality === "multipart" ? BlobType_BlobDimensionality.MULTIPART : BlobType_BlobDimensionality.SINGLE;
  return scalarLiteral({
    case: "blob",
    value: { uri: options.uri, metadata: { type: { format: options.format ?? "", dimensionality } } },
  });
}

/** `scalar.structured_dataset`: a dataframe stored at `uri`, with its type in the metadata. */
export function structuredDatasetLiteral(options: StructuredDatasetLiteralOptions): Literal {
  return scalarLiteral({
    case: "structuredDataset",
    value: {
      uri: options.uri,
      metadata: { structuredDatasetType: options.type ?? create(StructuredDatasetTypeSchema) },
    },
  });
}

/**
 * `scalar.union`: `value` together with the union variant it was written as. Give `storedType`
 * the variant exactly as declared (with its `structure.tag`): readers pick the variant by it.
 */
export function unionLiteral(value: Literal, storedType: LiteralType): Literal {
  return scalarLiteral({ case: "union", value: { value, type: storedType } });
}

/** `scalar.generic`: a JSON object as a protobuf `Struct` (numbers become doubles). */
export function genericLiteral(json: JsonObject): Literal {
  return scalarLiteral({ case: "generic", value: json });
}

/** `scalar.binary`: bytes with a tag naming their encoding (flytekit writes `msgpack` for STRUCTs). */
export function binaryLiteral(bytes: Uint8Array, tag: string): Literal {
  return scalarLiteral({ case: "binary", value: { value: bytes, tag } });
}

/** `scalar.error`: a failure passed as data (the input of an `on_failure` node). */
export function errorLiteral(options: ErrorLiteralOptions): Literal {
  return scalarLiteral({
    case: "error",
    value: { message: options.message, failedNodeId: options.failedNodeId },
  });
}

/** Whether two literals are the same protobuf value (maps compare by key, not by order). */
export function literalsEqual(a: Literal, b: Literal): boolean {
  return equals(LiteralSchema, a, b);
}

/** Whether `value` is a flyteidl `Literal` message. */
export function isLiteral(value: unknown): value is Literal {
  return isMessage(value, LiteralSchema);
}
