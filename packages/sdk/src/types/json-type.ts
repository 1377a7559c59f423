import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { binaryLiteral, structType, withAnnotation } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, MSGPACK_TAG, scalarOf } from "./base-type.js";
import { parseJsonText } from "./json-text.js";
import { encodeMsgpack, type PlainValue } from "./msgpack.js";
import { MSGPACK_ANNOTATION } from "./record-type.js";
import { describeValue, expectedAt, indexPath, invalidAt, isPlainObject, keyPath, setEntry } from "@aloft/idl/internal";

/**
 * `t.json()`: a JSON object, Python's untyped `dict`, encoded as flytekit's `DictTransformer` does:
 * `simple: STRUCT` with the msgpack annotation and no schema; the value is `scalar.binary` msgpack
 * (legacy `scalar.generic` values are read too). JS numbers do not say whether they are ints: safe
 * integers are written as msgpack ints and other numbers as float64. Union tag `Typed Dict`.
 */
export class JsonType extends BaseType<JsonObject> {
  readonly kind: TypeKind = "json";
  readonly name = "json";
  readonly literalType: LiteralType = withAnnotation(structType(), MSGPACK_ANNOTATION);
  readonly unionTag = "Typed Dict";

  validate(value: unknown, path: string): void {
    if (!isPlainObject(value)) throw expectedAt(path, "a JSON object", value);
    checkJson(value, path);
  }

  encode(value: JsonObject): Literal {
    return binaryLiteral(encodeMsgpack(value as PlainValue), MSGPACK_TAG);
  }

  decode(literal: Literal, path: string): JsonObject {
    const s = scalarOf(literal);
    if (s?.case === "generic") return structuredClone(s.value);
    throw this.mismatch(literal, path);
  }

  toPlain(value: JsonObject): PlainValue {
    return value as PlainValue;
  }

  fromPlain(plain: unknown, path: string): JsonObject {
    if (!isPlainObject(plain)) throw expectedAt(path, "a JSON object", plain);
    return toJson(plain, path) as JsonObject;
  }

  jsonSchema(): JsonObject {
    // mashumaro's schema of `Dict[str, Any]`: `Any` has no schema, so `additionalProperties` is left out.
    return { type: "object", propertyNames: { type: "string" } };
  }

  parse(text: string, path: string): JsonObject {
    return this.fromPlain(parseJsonText(text, path, "a JSON object"), path);
  }
}

function checkJson(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalidAt(path, `${value} is not a JSON number`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => checkJson(v, indexPath(path, i)));
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJson(v, keyPath(path, k));
    return;
  }
  throw invalidAt(path, `${describeValue(value)} is not a JSON value`);
}

/** A decoded msgpack value as JSON: bigints that fit become numbers; binary data is refused. */
function toJson(value: unknown, path: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "bigint") {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
    throw invalidAt(path, `${value} does not fit a JSON number; declare a t.record with a t.int64() field to read it`);
  }
  if (Array.isArray(value)) return value.map((v, i) => toJson(v, indexPath(path, i)));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setEntry(out, k, toJson(v, keyPath(path, k)));
    return out;
  }
  throw invalidAt(path, `${describeValue(value)} is not a JSON value`);
}
