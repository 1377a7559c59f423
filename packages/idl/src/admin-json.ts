import {
  type DescField,
  type DescMessage,
  fromJson,
  fromJsonString,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  type Registry,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";
import { isReflectMessage, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { type Any, anyUnpack, Edition, hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { AloftError } from "./aloft-error.js";
import { flyteidlRegistry } from "./flyteidl-registry.js";
import { indexPath, keyPath } from "./value-path.js";

/** Which field names JSON uses: proto names (`launch_plan`) or lowerCamelCase (`launchPlan`). */
export type AdminJsonNames = "proto" | "json";

/** Options of {@link toAdminJson}. */
export interface ToAdminJsonOptions {
  /**
   * `proto` is what flyteadmin's gateway writes for `application/json`; `json` is grpc-gateway's
   * default marshaler (any other content type).
   * @default "proto"
   */
  names?: AdminJsonNames;
  /** Resolves `google.protobuf.Any` payloads. @default flyteidlRegistry */
  registry?: Registry;
}

/** Options of {@link toAdminJsonString}. */
export interface ToAdminJsonStringOptions extends ToAdminJsonOptions {
  /** Indentation, passed to `JSON.stringify`. @default 0 */
  prettySpaces?: number;
}

/** Options of {@link fromAdminJson} and {@link fromAdminJsonString}. */
export interface FromAdminJsonOptions {
  /**
   * Skip unknown fields and unknown enum names instead of failing. flyteadmin's `application/json`
   * unmarshaler fails on them; grpc-gateway's default one (other content types) skips them.
   * @default false
   */
  ignoreUnknownFields?: boolean;
  /** Resolves `google.protobuf.Any` payloads. @default flyteidlRegistry */
  registry?: Registry;
}

/**
 * Serialises a message as flyteadmin's REST gateway does: Go protojson with
 * `{UseProtoNames: true, EmitUnpopulated: true}`. On top of protobuf-es `toJson` with
 * `alwaysEmitImplicit` (zero scalars, `[]`, `{}`, enum zero names), this writes `null` for every
 * unset singular message field outside a oneof, at any depth (inside lists, maps and `Any`), while
 * unset oneof members (proto3 `optional` included) stay out. Fields come in declaration order and
 * map entries sorted by key, as Go writes them. int64 is a string, enums are names, bytes base64,
 * Timestamps RFC 3339, Durations `"1.5s"`.
 */
export function toAdminJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: ToAdminJsonOptions = {},
): JsonValue {
  const names = options.names ?? "proto";
  const registry = options.registry ?? flyteidlRegistry;
  const json = toJson(schema, message, { alwaysEmitImplicit: true, useProtoFieldName: names === "proto", registry });
  return addUnpopulated(reflect(schema, message), json, { names, registry });
}

/** {@link toAdminJson} as JSON text. */
export function toAdminJsonString<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: ToAdminJsonStringOptions = {},
): string {
  return JSON.stringify(toAdminJson(schema, message, options), null, options.prettySpaces ?? 0);
}

/**
 * Parses flyteadmin-style JSON: proto or lowerCamel names, `null` for any field (unset), enum
 * names or numbers, int64 as string or number. Throws AloftError InvalidArgument naming the first
 * unknown field by its path (`spec.foo`) unless `ignoreUnknownFields`, and for any value protobuf
 * JSON cannot hold.
 */
export function fromAdminJson<Desc extends DescMessage>(
  schema: Desc,
  json: JsonValue,
  options: FromAdminJsonOptions = {},
): MessageShape<Desc> {
  const registry = options.registry ?? flyteidlRegistry;
  const ignoreUnknownFields = options.ignoreUnknownFields ?? false;
  if (!ignoreUnknownFields) rejectUnknownFields(schema, json, registry);
  try {
    return fromJson(schema, json, { ignoreUnknownFields, registry });
  } catch (e) {
    throw invalidJson(schema, errorMessage(e), e);
  }
}

/** {@link fromAdminJson} for JSON text; malformed text and duplicate keys are InvalidArgument too. */
export function fromAdminJsonString<Desc extends DescMessage>(
  schema: Desc,
  text: string,
  options: FromAdminJsonOptions = {},
): MessageShape<Desc> {
  const registry = options.registry ?? flyteidlRegistry;
  const ignoreUnknownFields = options.ignoreUnknownFields ?? false;
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw invalidJson(schema, `malformed JSON: ${errorMessage(e)}`, e);
  }
  if (!ignoreUnknownFields) rejectUnknownFields(schema, json, registry);
  try {
    // Parsing the text again lets protobuf-es reject duplicate keys, which JSON.parse hides.
    return fromJsonString(schema, text, { ignoreUnknownFields, registry });
  } catch (e) {
    throw invalidJson(schema, errorMessage(e), e);
  }
}

interface WriteContext {
  names: AdminJsonNames;
  registry: Registry;
}

function addUnpopulated(msg: ReflectMessage, json: JsonValue, ctx: WriteContext): JsonValue {
  if (hasCustomJsonRepresentation(msg.desc)) {
    return msg.desc.typeName === "google.protobuf.Any" ? addUnpopulatedInAny(msg.message as Any, json, ctx) : json;
  }
  if (!isJsonObject(json)) return json;
  const proto2 = msg.desc.file.edition === Edition.EDITION_PROTO2;
  const out: JsonObject = {};
  for (const field of msg.desc.fields) {
    const key = ctx.names === "proto" ? field.name : field.jsonName;
    if (!msg.isSet(field)) {
      // Go's unpopulatedFieldRanger: oneof members (synthetic proto3-optional ones too) stay out;
      // singular messages and proto2 scalars become null; everything else protobuf-es already wrote.
      if (field.oneof !== undefined || field.proto.proto3Optional) continue;
      const isSingularMessage = field.fieldKind === "message";
      const isProto2Scalar = proto2 && (field.fieldKind === "scalar" || field.fieldKind === "enum");
      if (isSingularMessage || isProto2Scalar) {
        out[key] = null;
        continue;
      }
    }
    const value = json[key];
    if (value !== undefined) out[key] = fieldValue(msg, field, value, ctx);
  }
  // Extensions (`[pkg.name]` keys) come after the fields, as in Go.
  for (const [key, value] of Object.entries(json)) if (!(key in out)) out[key] = value;
  return out;
}

function fieldValue(msg: ReflectMessage, field: DescField, value: JsonValue, ctx: WriteContext): JsonValue {
  switch (field.fieldKind) {
    case "message":
      return addUnpopulated(msg.get(field), value, ctx);
    case "list": {
      if (field.listKind !== "message" || !Array.isArray(value)) return value;
      const list = msg.get(field);
      return value.map((item, i) => {
        const element = list.get(i);
        return isReflectMessage(element) ? addUnpopulated(element, item, ctx) : item;
      });
    }
    case "map": {
      if (!isJsonObject(value)) return value;
      const map = msg.get(field);
      const out: JsonObject = {};
      for (const key of Object.keys(value).sort((a, b) => compareMapKeys(field.mapKey, a, b))) {
        const entry = value[key] as JsonValue;
        const element = field.mapKind === "message" ? map.get(mapKeyFromJson(field.mapKey, key)) : undefined;
        out[key] = isReflectMessage(element) ? addUnpopulated(element, entry, ctx) : entry;
      }
      return out;
    }
    default:
      return value;
  }
}

function addUnpopulatedInAny(any: Any, json: JsonValue, ctx: WriteContext): JsonValue {
  if (!isJsonObject(json)) return json;
  const inner = anyUnpack(any, ctx.registry);
  const desc = inner && ctx.registry.getMessage(inner.$typeName);
  // Well-known types inside Any are written as {"@type", "value"} and have nothing to add.
  if (!inner || !desc || hasCustomJsonRepresentation(desc)) return json;
  const { "@type": typeUrl, ...fields } = json;
  const body = addUnpopulated(reflect(desc, inner), fields, ctx);
  return isJsonObject(body) && typeUrl !== undefined ? { "@type": typeUrl, ...body } : body;
}

/** Go sorts map entries by key: numerically for integer keys, false before true, strings by code point. */
function compareMapKeys(keyType: ScalarType, a: string, b: string): number {
  switch (keyType) {
    case ScalarType.STRING:
      return compareCodePoints(a, b);
    case ScalarType.BOOL:
      return a === b ? 0 : a === "false" ? -1 : 1;
    default: {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** UTF-8 byte order, which differs from JS's UTF-16 order for characters above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

function mapKeyFromJson(keyType: ScalarType, key: string): string | number | bigint | boolean {
  switch (keyType) {
    case ScalarType.STRING:
      return key;
    case ScalarType.BOOL:
      return key === "true";
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BigInt(key);
    default:
      return Number(key);
  }
}

function rejectUnknownFields(schema: DescMessage, json: JsonValue, registry: Registry): void {
  const unknown = findUnknownField(schema, json, "", registry);
  if (unknown !== undefined) throw invalidJson(schema, `unknown field ${JSON.stringify(unknown)}`);
}

/** The path of the first field `json` has that `desc` does not declare, looking into nested messages. */
function findUnknownField(desc: DescMessage, json: JsonValue, path: string, registry: Registry): string | undefined {
  if (!isJsonObject(json)) return undefined;
  if (hasCustomJsonRepresentation(desc)) {
    if (desc.typeName !== "google.protobuf.Any" || typeof json["@type"] !== "string") return undefined;
    const url = json["@type"];
    const inner = registry.getMessage(url.slice(url.lastIndexOf("/") + 1));
    if (inner === undefined || hasCustomJsonRepresentation(inner)) return undefined;
    const { "@type": _type, ...fields } = json;
    return findUnknownField(inner, fields, path, registry);
  }
  const fields = fieldsByJsonKey(desc);
  for (const [key, value] of Object.entries(json)) {
    const at = path ? keyPath(path, key) : key;
    const field = fields.get(key);
    if (field === undefined) {
      // `[pkg.ext]` keys are extensions, which protobuf-es resolves through the registry.
      if (key.startsWith("[")) continue;
      return at;
    }
    const found = findUnknownInValue(field, value, at, registry);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findUnknownInValue(field: DescField, value: JsonValue, at: string, registry: Registry): string | undefined {
  switch (field.fieldKind) {
    case "message":
      return findUnknownField(field.message, value, at, registry);
    case "list":
      if (field.listKind !== "message" || !Array.isArray(value)) return undefined;
      for (const [i, item] of value.entries()) {
        const found = findUnknownField(field.message, item, indexPath(at, i), registry);
        if (found !== undefined) return found;
      }
      return undefined;
    case "map":
      if (field.mapKind !== "message" || !isJsonObject(value)) return undefined;
      for (const [k, item] of Object.entries(value)) {
        const found = findUnknownField(field.message, item as JsonValue, keyPath(at, k), registry);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

const fieldIndexes = new WeakMap<DescMessage, Map<string, DescField>>();

function fieldsByJsonKey(desc: DescMessage): Map<string, DescField> {
  let index = fieldIndexes.get(desc);
  if (index === undefined) {
    index = new Map();
    for (const field of desc.fields) {
      index.set(field.name, field);
      index.set(field.jsonName, field);
    }
    fieldIndexes.set(desc, index);
  }
  return index;
}

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalidJson(schema: DescMessage, detail: string, cause?: unknown): AloftError {
  return AloftError.invalidArgument(`invalid JSON for ${schema.typeName}: ${detail}`, { cause });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
