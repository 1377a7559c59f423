import type { JsonObject } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { DatasetColumn, BlobDimensionality } from "./literal-types.js";

/** A DURATION value: whole seconds plus nanoseconds of the same sign, as protobuf stores it. */
export interface JsDuration {
  seconds: bigint;
  nanos: number;
}

/** A blob (file or folder) value. */
export interface JsBlob {
  uri: string;
  format: string;
  dimensionality: BlobDimensionality;
}

/** A structured dataset value: where it is, its format and its declared columns. */
export interface JsStructuredDataset {
  uri: string;
  format: string;
  columns: DatasetColumn[];
}

/** A legacy `schema` value. */
export interface JsSchema {
  uri: string;
}

/** A `scalar.binary` value: raw bytes and the tag naming their encoding. */
export interface JsBinary {
  value: Uint8Array;
  tag: string;
}

/** An ERROR value: a failure passed as data. */
export interface JsError {
  message: string;
  failedNodeId: string;
}

/**
 * The plain JS value of a literal, as {@link literalToJs} returns it:
 *
 * | literal | JS |
 * |---|---|
 * | integer | `number` when a safe integer, else `bigint` |
 * | float | `number` |
 * | string, enum | `string` |
 * | boolean | `boolean` |
 * | datetime | `Date` (milliseconds), or `Timestamp` with `datetimes: "timestamp"` |
 * | duration | {@link JsDuration}, or milliseconds with `durations: "ms"` |
 * | none | `null` |
 * | collection | array |
 * | map | plain object |
 * | struct (`scalar.generic`) | JSON object |
 * | blob | {@link JsBlob} |
 * | structured dataset | {@link JsStructuredDataset} |
 * | schema | {@link JsSchema} |
 * | binary | {@link JsBinary} |
 * | error | {@link JsError} |
 */
export type LiteralJsValue =
  | null
  | number
  | bigint
  | string
  | boolean
  | Date
  | Timestamp
  | JsDuration
  | JsBlob
  | JsStructuredDataset
  | JsSchema
  | JsBinary
  | JsError
  | JsonObject
  | LiteralJsValue[]
  | { [key: string]: LiteralJsValue };
