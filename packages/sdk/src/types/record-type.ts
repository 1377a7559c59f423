import type { JsonObject } from "@bufbuild/protobuf";
import { AloftError, binaryLiteral, structType, withAnnotation } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { asBaseType } from "./as-base-type.js";
import { BaseType, type TypeKind, MSGPACK_TAG, scalarOf } from "./base-type.js";
import { parseJsonText } from "./json-text.js";
import { withSchemaDescription } from "./json-schema-order.js";
import { encodeMsgpack, type PlainValue } from "./msgpack.js";
import type { Shape, TypeContext, ValuesOf } from "./type.js";
import { expectedAt, invalidAt, isPlainObject, keyPath, setEntry } from "@aloft/idl/internal";

/** The annotation flytekit puts on every STRUCT it writes as msgpack (`CACHE_KEY_METADATA`, `SERIALIZATION_FORMAT`). */
export const MSGPACK_ANNOTATION: JsonObject = { "cache-key-metadata": { "serialization-format": MSGPACK_TAG } };

/** Options of `t.record`. */
export interface RecordOptions {
  /** The record's name: the JSON Schema `title`, as a dataclass's class name is in flytekit. @default "Record" */
  name?: string;
}

/**
 * `t.record({ x: t.int(), … }, { name })`: a Python `@dataclass`, encoded as flytekit's
 * `DataclassTransformer` does:
 * - type: `simple: STRUCT`, `metadata` = the JSON Schema mashumaro's `build_json_schema` emits,
 *   `structure.dataclass_type` = the literal type of each field, and the msgpack annotation;
 * - value: `scalar.binary{tag: "msgpack"}` holding a map of the fields in declaration order, each encoded
 *   from its declared type (ints as msgpack ints, floats as float64 even when whole, dates as ISO text,
 *   files as `{path}`, datasets as `{uri, file_format}`).
 * Values written in the legacy form (`scalar.generic`, a protobuf Struct) are read too.
 * Union tag `Object-Dataclass-Transformer`.
 */
export class RecordType<S extends Shape> extends BaseType<ValuesOf<S>> {
  readonly kind: TypeKind = "record";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "Object-Dataclass-Transformer";
  readonly title: string;
  private readonly fieldTypes: ReadonlyMap<string, BaseType<unknown>>;

  constructor(
    readonly fields: S,
    options: RecordOptions = {},
  ) {
    super();
    this.title = options.name ?? "Record";
    if (this.title === "") throw AloftError.invalidArgument("t.record: the name must not be empty");
    this.fieldTypes = new Map(
      Object.entries(fields).map(([k, v]) => [k, asBaseType(v, `t.record field ${k}`) as BaseType<unknown>]),
    );
    this.name = `record ${this.title}`;
    const dataclassType: Record<string, LiteralType> = {};
    for (const [k, v] of this.fieldTypes) setEntry(dataclassType, k, v.literalType);
    this.literalType = withAnnotation(structType({ metadata: this.jsonSchema(), dataclassType }), MSGPACK_ANNOTATION);
  }

  override get needsUpload(): boolean {
    return [...this.fieldTypes.values()].some((f) => f.needsUpload);
  }

  validate(value: unknown, path: string): void {
    if (!isRecordObject(value)) throw expectedAt(path, `an object (${this.name})`, value);
    for (const key of Object.keys(value)) {
      if (!this.fieldTypes.has(key) && value[key] !== undefined) {
        throw invalidAt(
          keyPath(path, key),
          `${this.name} has no such field (fields: ${[...this.fieldTypes.keys()].join(", ")})`,
        );
      }
    }
    for (const [k, type] of this.fieldTypes) {
      const v = Object.hasOwn(value, k) ? value[k] : undefined;
      if (v === undefined && !type.optional) throw invalidAt(keyPath(path, k), `missing field of ${this.name}`);
      type.validate(v, keyPath(path, k));
    }
  }

  encode(value: ValuesOf<S>, path: string): Literal {
    return binaryLiteral(encodeMsgpack(this.toPlain(value, path)), MSGPACK_TAG);
  }

  override async upload(value: ValuesOf<S>, ctx: TypeContext, path: string): Promise<ValuesOf<S>> {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = { ...source };
    for (const [k, type] of this.fieldTypes) {
      if (type.needsUpload && source[k] !== undefined)
        setEntry(out, k, await type.upload(source[k], ctx, keyPath(path, k)));
    }
    return out as ValuesOf<S>;
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): ValuesOf<S> {
    const s = scalarOf(literal);
    // The legacy form (`FLYTE_USE_OLD_DC_FORMAT`, older flytekit, the console): a protobuf Struct.
    if (s?.case === "generic") return this.fromPlain(s.value, path, ctx);
    throw this.mismatch(literal, path);
  }

  toPlain(value: ValuesOf<S>, path: string): PlainValue {
    const source = value as Record<string, unknown>;
    const out = new Map<string, PlainValue>();
    for (const [k, type] of this.fieldTypes) {
      const v = Object.hasOwn(source, k) ? source[k] : undefined;
      out.set(k, type.toPlain(v === undefined ? null : v, keyPath(path, k)));
    }
    return out;
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): ValuesOf<S> {
    if (!isPlainObject(plain)) throw expectedAt(path, `an object (${this.name})`, plain);
    const out: Record<string, unknown> = {};
    for (const [k, type] of this.fieldTypes) {
      const v = Object.hasOwn(plain, k) ? plain[k] : undefined;
      if (v === undefined && !type.optional) throw invalidAt(keyPath(path, k), `missing field of ${this.name}`);
      setEntry(out, k, type.fromPlain(v === undefined ? null : v, keyPath(path, k), ctx));
    }
    // Unknown fields are ignored, as mashumaro does, so records can gain fields.
    return out as ValuesOf<S>;
  }

  jsonSchema(): JsonObject {
    const properties: JsonObject = {};
    for (const [k, type] of this.fieldTypes)
      setEntry(properties, k, withSchemaDescription(type.jsonSchema(), type.description));
    // mashumaro's `on_dataclass`: every field without a default is required; records have no defaults.
    const schema: JsonObject = { type: "object", title: this.title };
    if (this.fieldTypes.size > 0) schema.properties = properties;
    schema.additionalProperties = false;
    if (this.fieldTypes.size > 0) schema.required = [...this.fieldTypes.keys()];
    return schema;
  }

  parse(text: string, path: string): ValuesOf<S> {
    const value = this.fromPlain(parseJsonText(text, path, `a ${this.name}`), path, undefined);
    this.validate(value, path);
    return value;
  }
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Map) &&
    !(value instanceof Uint8Array)
  );
}
