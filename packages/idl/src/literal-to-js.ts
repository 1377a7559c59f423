import { clone } from "@bufbuild/protobuf";
import { type Duration, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AloftError } from "./aloft-error.js";
import { Code } from "./code.js";
import type { Literal, LiteralMap, Primitive, Scalar } from "./gen/flyteidl/core/literals_pb.js";
import {
  type BlobType,
  BlobType_BlobDimensionality,
  type LiteralType,
  SimpleType,
  type StructuredDatasetType,
} from "./gen/flyteidl/core/types_pb.js";
import type { JsBlob, JsDuration, JsStructuredDataset, LiteralJsValue } from "./literal-js-value.js";
import { literalToString } from "./literal-to-string.js";
import { literalTypeToString } from "./literal-type-format.js";
import { indexPath, invalidAt, keyPath, setEntry } from "./value-path.js";

/** Options of {@link literalToJs}. */
export interface LiteralToJsOptions {
  /** The name of the value in error messages (`outputs.o0`). @default "value" */
  path?: string;
  /**
   * How DATETIME values come back: a `Date`, which keeps milliseconds and drops (truncates) the
   * remaining sub-millisecond digits, or the protobuf `Timestamp`, which keeps nanoseconds.
   * @default "date"
   */
  datetimes?: "date" | "timestamp";
  /** How DURATION values come back: `{ seconds, nanos }`, or milliseconds as a `number`. @default "parts" */
  durations?: "parts" | "ms";
}

/** Options of {@link literalMapToJs}. */
export interface LiteralMapToJsOptions extends Omit<LiteralToJsOptions, "path"> {
  /** The name of the map in error messages. @default "outputs" */
  path?: string;
}

type ReadOptions = Required<Omit<LiteralToJsOptions, "path">>;

const MSGPACK_TAG = "msgpack";
const MAX_SHOWN_LITERAL = 40;

/**
 * Converts a literal to a plain JS value ({@link LiteralJsValue} lists the forms). With `type`, the
 * literal must match it, with flytekit's leniencies: an INTEGER may arrive as a float (truncated,
 * as flytekit does for values typed in the console) and a FLOAT as an integer; enum values must be
 * among the enum's strings. Without `type`, the literal's own shape decides. A union value is read
 * with its `stored_type`.
 *
 * Throws AloftError:
 * - InvalidArgument naming the path when the literal does not match `type`;
 * - Unimplemented for a STRUCT stored as msgpack (`scalar.binary`, tag `msgpack`), which needs a
 *   msgpack decoder this package does not have (read without `type` to get the raw bytes);
 * - FailedPrecondition for an offloaded literal, which must be loaded from its URI first.
 */
export function literalToJs(literal: Literal, type?: LiteralType, options: LiteralToJsOptions = {}): LiteralJsValue {
  return read(literal, type, options.path ?? "value", {
    datetimes: options.datetimes ?? "date",
    durations: options.durations ?? "parts",
  });
}

/**
 * Converts every literal of a `LiteralMap` (e.g. a node's outputs), each with its type from
 * `types` when given there.
 */
export function literalMapToJs(
  map: LiteralMap,
  types: Readonly<Record<string, LiteralType>> = {},
  options: LiteralMapToJsOptions = {},
): Record<string, LiteralJsValue> {
  const root = options.path ?? "outputs";
  const opts: ReadOptions = { datetimes: options.datetimes ?? "date", durations: options.durations ?? "parts" };
  const out: Record<string, LiteralJsValue> = {};
  for (const [name, literal] of Object.entries(map.literals)) {
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    setEntry(out, name, read(literal, type, keyPath(root, name), opts));
  }
  return out;
}

function read(literal: Literal, type: LiteralType | undefined, path: string, opts: ReadOptions): LiteralJsValue {
  const v = literal.value;
  if (v.case === "offloadedMetadata") {
    throw new AloftError(Code.FailedPrecondition, `${path}: the literal is offloaded to ${v.value.uri}; load it first`);
  }
  if (v.case === undefined) throw invalidAt(path, "the literal is unset");
  if (v.case === "scalar" && v.value.value.case === "union") {
    const union = v.value.value.value;
    if (union.value === undefined) throw invalidAt(path, "the union literal has no value");
    const declared = type?.type.case === "unionType" ? undefined : type;
    return read(union.value, union.type ?? declared, path, opts);
  }
  if (type === undefined) return readUntyped(literal, path, opts);
  const t = type.type;
  switch (t.case) {
    // A union value without its union wrapper: its own shape tells what it is.
    case undefined:
    case "unionType":
      return readUntyped(literal, path, opts);
    case "simple":
      return readSimple(literal, t.value, type, path, opts);
    case "collectionType": {
      if (v.case !== "collection") throw mismatch(type, literal, path);
      return v.value.literals.map((l, i) => read(l, t.value, indexPath(path, i), opts));
    }
    case "mapValueType": {
      if (v.case !== "map") throw mismatch(type, literal, path);
      return readMap(v.value.literals, t.value, path, opts);
    }
    case "blob": {
      const s = scalarOf(literal);
      if (s?.case !== "blob") throw mismatch(type, literal, path);
      return blobToJs(s.value.uri, s.value.metadata?.type ?? t.value);
    }
    case "structuredDatasetType": {
      const s = scalarOf(literal);
      if (s?.case !== "structuredDataset") throw mismatch(type, literal, path);
      return structuredDatasetToJs(s.value.uri, s.value.metadata?.structuredDatasetType ?? t.value);
    }
    case "schema": {
      const s = scalarOf(literal);
      if (s?.case !== "schema") throw mismatch(type, literal, path);
      return { uri: s.value.uri };
    }
    case "enumType": {
      const p = primitiveOf(literal);
      if (p?.case !== "stringValue") throw mismatch(type, literal, path);
      if (!t.value.values.includes(p.value)) {
        throw invalidAt(path, `${JSON.stringify(p.value)} is not one of the enum values ${t.value.values.join(", ")}`);
      }
      return p.value;
    }
  }
}

function readSimple(
  literal: Literal,
  simple: SimpleType,
  type: LiteralType,
  path: string,
  opts: ReadOptions,
): LiteralJsValue {
  const s = scalarOf(literal);
  const p = s?.case === "primitive" ? s.value.value : undefined;
  switch (simple) {
    case SimpleType.INTEGER:
      if (p?.case === "integer") return integerToJs(p.value);
      if (p?.case === "floatValue" && Number.isFinite(p.value)) return integerToJs(BigInt(Math.trunc(p.value)));
      break;
    case SimpleType.FLOAT:
      if (p?.case === "floatValue") return p.value;
      if (p?.case === "integer") return Number(p.value);
      break;
    case SimpleType.STRING:
      if (p?.case === "stringValue") return p.value;
      break;
    case SimpleType.BOOLEAN:
      if (p?.case === "boolean") return p.value;
      break;
    case SimpleType.DATETIME:
      if (p?.case === "datetime") return datetimeToJs(p.value, opts);
      break;
    case SimpleType.DURATION:
      if (p?.case === "duration") return durationToJs(p.value, opts);
      break;
    case SimpleType.NONE:
      if (s?.case === "noneType") return null;
      break;
    case SimpleType.BINARY:
      if (s?.case === "binary") return { value: s.value.value, tag: s.value.tag };
      break;
    case SimpleType.ERROR:
      if (s?.case === "error") return { message: s.value.message, failedNodeId: s.value.failedNodeId };
      break;
    case SimpleType.STRUCT:
      if (s?.case === "generic") return structuredClone(s.value);
      if (s?.case === "binary") {
        const what = s.value.tag === MSGPACK_TAG ? "msgpack-encoded" : `binary with tag ${JSON.stringify(s.value.tag)}`;
        throw new AloftError(
          Code.Unimplemented,
          `${path}: the STRUCT value is ${what} (scalar.binary); it needs msgpack decoding, which @aloft/idl does not do`,
        );
      }
      break;
  }
  throw mismatch(type, literal, path);
}

function readUntyped(literal: Literal, path: string, opts: ReadOptions): LiteralJsValue {
  const v = literal.value;
  if (v.case === "collection") return v.value.literals.map((l, i) => read(l, undefined, indexPath(path, i), opts));
  if (v.case === "map") return readMap(v.value.literals, undefined, path, opts);
  const s = scalarOf(literal);
  switch (s?.case) {
    case "primitive": {
      const p = s.value.value;
      switch (p.case) {
        case "integer":
          return integerToJs(p.value);
        case "floatValue":
        case "stringValue":
        case "boolean":
          return p.value;
        case "datetime":
          return datetimeToJs(p.value, opts);
        case "duration":
          return durationToJs(p.value, opts);
        case undefined:
          throw invalidAt(path, "the primitive literal is unset");
      }
      break;
    }
    case "blob":
      return blobToJs(s.value.uri, s.value.metadata?.type);
    case "structuredDataset":
      return structuredDatasetToJs(s.value.uri, s.value.metadata?.structuredDatasetType);
    case "schema":
      return { uri: s.value.uri };
    case "binary":
      return { value: s.value.value, tag: s.value.tag };
    case "noneType":
      return null;
    case "error":
      return { message: s.value.message, failedNodeId: s.value.failedNodeId };
    case "generic":
      return structuredClone(s.value);
    case "union":
      return read(literal, undefined, path, opts);
  }
  throw invalidAt(path, "the scalar literal is unset");
}

function readMap(
  literals: Readonly<Record<string, Literal>>,
  valueType: LiteralType | undefined,
  path: string,
  opts: ReadOptions,
): Record<string, LiteralJsValue> {
  const out: Record<string, LiteralJsValue> = {};
  for (const [k, l] of Object.entries(literals)) setEntry(out, k, read(l, valueType, keyPath(path, k), opts));
  return out;
}

function scalarOf(literal: Literal): Scalar["value"] | undefined {
  return literal.value.case === "scalar" ? literal.value.value.value : undefined;
}

function primitiveOf(literal: Literal): Primitive["value"] | undefined {
  const s = scalarOf(literal);
  return s?.case === "primitive" ? s.value.value : undefined;
}

function integerToJs(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function datetimeToJs(ts: Timestamp, opts: ReadOptions): Date | Timestamp {
  if (opts.datetimes === "timestamp") return clone(TimestampSchema, ts);
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}

function durationToJs(d: Duration, opts: ReadOptions): JsDuration | number {
  if (opts.durations === "ms") return Number(d.seconds) * 1000 + d.nanos / 1_000_000;
  return { seconds: d.seconds, nanos: d.nanos };
}

function blobToJs(uri: string, type: BlobType | undefined): JsBlob {
  return {
    uri,
    format: type?.format ?? "",
    dimensionality: type?.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "multipart" : "single",
  };
}

function structuredDatasetToJs(uri: string, type: StructuredDatasetType | undefined): JsStructuredDataset {
  return {
    uri,
    format: type?.format ?? "",
    columns: (type?.columns ?? []).flatMap((c) => (c.literalType ? [{ name: c.name, type: c.literalType }] : [])),
  };
}

function mismatch(type: LiteralType, literal: Literal, path: string): AloftError {
  const text = literalToString(literal);
  const shown = text.length > MAX_SHOWN_LITERAL ? `${text.slice(0, MAX_SHOWN_LITERAL)}…` : text;
  return invalidAt(path, `expected ${literalTypeToString(type)}, got ${literalKind(literal)} ${shown}`);
}

/** The kind of a literal in words: `integer`, `string`, `collection`, `blob`, … */
function literalKind(literal: Literal): string {
  const v = literal.value;
  if (v.case !== "scalar") return v.case === "offloadedMetadata" ? "offloaded literal" : (v.case ?? "unset literal");
  const s = v.value.value;
  if (s.case === "primitive") {
    const p = s.value.value.case;
    return p === "floatValue" ? "float" : p === "stringValue" ? "string" : (p ?? "unset primitive");
  }
  const names: Record<NonNullable<Scalar["value"]["case"]>, string> = {
    primitive: "primitive",
    blob: "blob",
    binary: "binary",
    schema: "schema",
    noneType: "none",
    error: "error",
    generic: "struct",
    structuredDataset: "structured dataset",
    union: "union",
  };
  return s.case === undefined ? "unset scalar" : names[s.case];
}
