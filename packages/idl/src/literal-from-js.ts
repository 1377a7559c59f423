import { clone, create, fromJson, isMessage, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AloftError } from "./aloft-error.js";
import { Code } from "./code.js";
import { type Literal, type LiteralMap, LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import {
  type BlobType,
  BlobType_BlobDimensionality,
  type LiteralType,
  LiteralTypeSchema,
  SchemaTypeSchema,
  SimpleType,
  type StructuredDatasetType,
  StructuredDatasetType_DatasetColumnSchema,
  StructuredDatasetTypeSchema,
} from "./gen/flyteidl/core/types_pb.js";
import { literalTypeToString } from "./literal-type-format.js";
import type { BlobDimensionality } from "./literal-types.js";
import {
  binaryLiteral,
  blobLiteral,
  booleanLiteral,
  collectionLiteral,
  datetimeLiteral,
  durationLiteral,
  errorLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  isLiteral,
  literalMap,
  mapLiteral,
  noneLiteral,
  stringLiteral,
  structuredDatasetLiteral,
  toDuration,
  toInt64,
  unionLiteral,
} from "./literals.js";
import { describeValue, indexPath, invalidAt, keyPath, setEntry } from "./value-path.js";

/** Options of {@link literalFromJs}. */
export interface LiteralFromJsOptions {
  /** The name of the value in error messages (`inputs.x`). @default "value" */
  path?: string;
}

/** Options of {@link literalMapFromJs}. */
export interface LiteralMapFromJsOptions {
  /** The name of the map in error messages. @default "inputs" */
  path?: string;
}

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * Converts a plain JS value to the literal of `type`, the way flytekit encodes it. Accepted values:
 *
 * - INTEGER: a safe-integer `number`, a `bigint` in int64 range, or an integer-valued string (`"42"`);
 * - FLOAT: a `number`; STRING: a `string`; BOOLEAN: a `boolean`;
 * - DATETIME: a `Date`, a protobuf `Timestamp` (keeps nanoseconds) or an RFC 3339 string;
 * - DURATION: `{ seconds, nanos? }`, milliseconds, or a protobuf JSON duration string (`"1.5s"`);
 * - NONE: `null` or `undefined`;
 * - collections: arrays; maps: plain objects or `Map`s with string keys;
 * - STRUCT: a plain JSON object, written as `scalar.generic` (msgpack is the SDK's business);
 * - blobs, structured datasets and schemas: a URI string or `{ uri, format?, … }`;
 * - enums: one of the enum's strings; BINARY: `Uint8Array` or `{ value, tag }`; ERROR: `{ message, failedNodeId }`;
 * - unions: the value of exactly one variant (see below);
 * - any type: a `Literal` message, used as it is (the escape hatch for ambiguous unions).
 *
 * For a union every variant is tried with only the natural JS form of each kind (no strings for
 * numbers, dates or URIs, no milliseconds for durations). Like flytekit, zero or several matching
 * variants is an error; a whole `number` for `union[int, float]` is therefore ambiguous (pass a
 * `bigint`, or a `Literal` built with `unionLiteral`). The result is `Union{value, stored_type}`
 * with the variant as declared, tag included.
 *
 * Throws AloftError InvalidArgument naming the path into the value:
 * `inputs.x[2].y: expected integer, got "abc"`.
 */
export function literalFromJs(value: unknown, type: LiteralType, options: LiteralFromJsOptions = {}): Literal {
  return convert(value, type, options.path ?? "value", false);
}

/**
 * Converts named JS values (e.g. a task's inputs) to a `LiteralMap`, each with its declared type.
 * Only the given values are converted; a name without a type is InvalidArgument. Defaults and
 * required inputs are the caller's business.
 */
export function literalMapFromJs(
  values: Readonly<Record<string, unknown>>,
  types: Readonly<Record<string, LiteralType>>,
  options: LiteralMapFromJsOptions = {},
): LiteralMap {
  const root = options.path ?? "inputs";
  const literals: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined) {
      const known = Object.keys(types);
      throw invalidAt(keyPath(root, name), `no such variable (known: ${known.length ? known.join(", ") : "none"})`);
    }
    setEntry(literals, name, convert(value, type, keyPath(root, name), false));
  }
  return literalMap(literals);
}

/** `strict` (inside unions) accepts only the natural JS form of each kind, so fewer variants match. */
function convert(value: unknown, type: LiteralType, path: string, strict: boolean): Literal {
  if (isLiteral(value)) return value;
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleFromJs(value, t.value, type, path, strict);
    case "collectionType": {
      if (!Array.isArray(value)) throw expected(type, value, path);
      return collectionLiteral(value.map((v, i) => convert(v, t.value, indexPath(path, i), strict)));
    }
    case "mapValueType": {
      const entries = mapEntries(value);
      if (entries === undefined) throw expected(type, value, path);
      const literals: Record<string, Literal> = {};
      for (const [k, v] of entries) {
        if (typeof k !== "string") throw invalidAt(path, `map keys must be strings, got ${describeValue(k)}`);
        setEntry(literals, k, convert(v, t.value, keyPath(path, k), strict));
      }
      return mapLiteral(literals);
    }
    case "blob":
      return blobFromJs(value, t.value, type, path, strict);
    case "structuredDatasetType":
      return structuredDatasetFromJs(value, t.value, type, path, strict);
    case "schema": {
      const uri = uriOf(value, strict);
      if (uri === undefined) throw expected(type, value, path);
      // Like Go's MakeLiteralForSchema, the literal carries the declared columns.
      return create(LiteralSchema, {
        value: {
          case: "scalar",
          value: { value: { case: "schema", value: { uri, type: clone(SchemaTypeSchema, t.value) } } },
        },
      });
    }
    case "enumType": {
      if (typeof value !== "string") throw expected(type, value, path);
      if (!t.value.values.includes(value)) {
        throw invalidAt(path, `${describeValue(value)} is not one of the enum values ${t.value.values.join(", ")}`);
      }
      return stringLiteral(value);
    }
    case "unionType":
      return unionFromJs(value, t.value.variants, type, path);
    case undefined:
      throw invalidAt(path, "the literal type is unset");
  }
}

function simpleFromJs(value: unknown, simple: SimpleType, type: LiteralType, path: string, strict: boolean): Literal {
  switch (simple) {
    case SimpleType.INTEGER:
      return integerFromJs(value, type, path, strict);
    case SimpleType.FLOAT:
      if (typeof value !== "number") throw expected(type, value, path);
      return floatLiteral(value);
    case SimpleType.STRING:
      if (typeof value !== "string") throw expected(type, value, path);
      return stringLiteral(value);
    case SimpleType.BOOLEAN:
      if (typeof value !== "boolean") throw expected(type, value, path);
      return booleanLiteral(value);
    case SimpleType.DATETIME:
      return datetimeFromJs(value, type, path, strict);
    case SimpleType.DURATION:
      return durationFromJs(value, type, path, strict);
    case SimpleType.NONE:
      if (value !== null && value !== undefined) throw expected(type, value, path);
      return noneLiteral();
    case SimpleType.BINARY:
      if (value instanceof Uint8Array) return binaryLiteral(value, "");
      if (isPlainObject(value) && value.value instanceof Uint8Array && typeof value.tag === "string") {
        return binaryLiteral(value.value, value.tag);
      }
      throw expected(type, value, path);
    case SimpleType.ERROR:
      if (isPlainObject(value) && typeof value.message === "string" && typeof value.failedNodeId === "string") {
        return errorLiteral({ message: value.message, failedNodeId: value.failedNodeId });
      }
      throw expected(type, value, path);
    case SimpleType.STRUCT:
      if (!isPlainObject(value)) throw expected(type, value, path);
      return genericLiteral(jsonObjectFromJs(value, path));
    default:
      throw invalidAt(path, `unsupported simple type ${String(simple)}`);
  }
}

function integerFromJs(value: unknown, type: LiteralType, path: string, strict: boolean): Literal {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw expected(type, value, path);
    return integerLiteral(toInt64(value, path));
  }
  if (typeof value === "bigint") return integerLiteral(toInt64(value, path));
  if (!strict && typeof value === "string" && INTEGER_TEXT.test(value.trim())) {
    return integerLiteral(toInt64(BigInt(value.trim()), path));
  }
  throw expected(type, value, path);
}

function datetimeFromJs(value: unknown, type: LiteralType, path: string, strict: boolean): Literal {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidAt(path, "expected datetime, got an invalid Date");
    return datetimeLiteral(value);
  }
  if (isMessage(value, TimestampSchema)) return datetimeLiteral(value);
  if (!strict && typeof value === "string") {
    return datetimeLiteral(parseTimestamp(value, type, path));
  }
  throw expected(type, value, path);
}

function durationFromJs(value: unknown, type: LiteralType, path: string, strict: boolean): Literal {
  if (isMessage(value, DurationSchema)) return durationLiteral(value);
  if (isPlainObject(value) && (typeof value.seconds === "bigint" || typeof value.seconds === "number")) {
    const nanos = value.nanos ?? 0;
    if (typeof nanos !== "number") throw invalidAt(path, `expected nanos to be a number, got ${describeValue(nanos)}`);
    return durationLiteral(toDuration({ seconds: value.seconds, nanos }, path));
  }
  if (!strict && typeof value === "number") return durationLiteral(toDuration(value, path));
  if (!strict && typeof value === "string") return durationLiteral(parseDuration(value, type, path));
  throw expected(type, value, path);
}

function parseTimestamp(text: string, type: LiteralType, path: string): Timestamp {
  try {
    return fromJson(TimestampSchema, text);
  } catch {
    throw expected(type, text, path);
  }
}

function parseDuration(text: string, type: LiteralType, path: string): Duration {
  try {
    return fromJson(DurationSchema, text);
  } catch {
    throw expected(type, text, path);
  }
}

function blobFromJs(value: unknown, blob: BlobType, type: LiteralType, path: string, strict: boolean): Literal {
  const uri = uriOf(value, strict);
  if (uri === undefined) throw expected(type, value, path);
  const declared: BlobDimensionality =
    blob.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "multipart" : "single";
  const given = isPlainObject(value) ? value : {};
  if (given.dimensionality !== undefined && given.dimensionality !== declared) {
    throw invalidAt(path, `expected a ${declared} blob, got dimensionality ${describeValue(given.dimensionality)}`);
  }
  const format = formatOf(given.format, blob.format, path);
  return blobLiteral({ uri, format, dimensionality: declared });
}

function structuredDatasetFromJs(
  value: unknown,
  declared: StructuredDatasetType,
  type: LiteralType,
  path: string,
  strict: boolean,
): Literal {
  const uri = uriOf(value, strict);
  if (uri === undefined) throw expected(type, value, path);
  const given = isPlainObject(value) ? value : {};
  const sdType = clone(StructuredDatasetTypeSchema, declared);
  sdType.format = formatOf(given.format, declared.format, path);
  if (given.columns !== undefined) {
    if (!Array.isArray(given.columns))
      throw invalidAt(path, `expected columns to be an array, got ${describeValue(given.columns)}`);
    sdType.columns = given.columns.map((c: unknown, i: number) => {
      if (!isPlainObject(c) || typeof c.name !== "string" || !isMessage(c.type, LiteralTypeSchema)) {
        throw invalidAt(`${path}.columns[${i}]`, `expected { name, type }, got ${describeValue(c)}`);
      }
      return create(StructuredDatasetType_DatasetColumnSchema, { name: c.name, literalType: c.type });
    });
  }
  return structuredDatasetLiteral({ uri, type: sdType });
}

/** The format a blob or dataset literal gets: the value's, unless it contradicts the declared one. */
function formatOf(given: unknown, declared: string, path: string): string {
  if (given === undefined || given === "") return declared;
  if (typeof given !== "string") throw invalidAt(path, `expected format to be a string, got ${describeValue(given)}`);
  if (declared !== "" && given !== declared) {
    throw invalidAt(
      path,
      `format ${JSON.stringify(given)} does not match the declared format ${JSON.stringify(declared)}`,
    );
  }
  return given;
}

function uriOf(value: unknown, strict: boolean): string | undefined {
  if (!strict && typeof value === "string") return value;
  if (isPlainObject(value) && typeof value.uri === "string") return value.uri;
  return undefined;
}

function unionFromJs(value: unknown, variants: readonly LiteralType[], type: LiteralType, path: string): Literal {
  const matches: { variant: LiteralType; literal: Literal }[] = [];
  const failures: AloftError[] = [];
  for (const variant of variants) {
    try {
      matches.push({ variant, literal: convert(value, variant, path, true) });
    } catch (e) {
      if (!(e instanceof AloftError) || e.code !== Code.InvalidArgument) throw e;
      failures.push(e);
    }
  }
  const [only, ...others] = matches;
  if (only === undefined) {
    // Failures below the union's own path explain more than "expected union<…>" does.
    const deeper = failures.map((e) => e.rawMessage).filter((m) => !m.startsWith(`${path}: `));
    const detail = deeper.length ? ` (${deeper.join("; ")})` : "";
    throw invalidAt(path, `expected ${literalTypeToString(type)}, got ${describeValue(value)}${detail}`);
  }
  if (others.length > 0) {
    const names = matches.map((m) => m.variant.structure?.tag || literalTypeToString(m.variant));
    throw invalidAt(
      path,
      `${describeValue(value)} is ambiguous for ${literalTypeToString(type)}: it matches the variants ${names.join(" and ")}; ` +
        "pass a Literal built with unionLiteral to choose one",
    );
  }
  return unionLiteral(only.literal, clone(LiteralTypeSchema, only.variant));
}

function jsonObjectFromJs(value: Record<string, unknown>, path: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    setEntry(out, k, jsonValueFromJs(v, keyPath(path, k)));
  }
  return out;
}

function jsonValueFromJs(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalidAt(path, `expected a finite JSON number, got ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => jsonValueFromJs(v, indexPath(path, i)));
  if (isPlainObject(value)) return jsonObjectFromJs(value, path);
  throw invalidAt(path, `expected a JSON value, got ${describeValue(value)}`);
}

function mapEntries(value: unknown): Iterable<[unknown, unknown]> | undefined {
  if (value instanceof Map) return value.entries();
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function expected(type: LiteralType, value: unknown, path: string): AloftError {
  return invalidAt(path, `expected ${literalTypeToString(type)}, got ${describeValue(value)}`);
}
