/**
 * Sets request fields from path variables and query parameters exactly as grpc-gateway v2's runtime does
 * (`PopulateFieldFromPath`, `PopulateQueryParameters`, `runtime.Enum`): field names by proto name or JSON name,
 * nested singular messages with `a.b=`, repeated fields by repeating the key, maps with `m[key]=value`, enums by
 * name or number, well-known wrapper, Timestamp, Duration, FieldMask, Struct and Value messages from their text
 * forms, unknown names silently ignored. Errors are {@link GoParseError}s with grpc-gateway's messages.
 */
import {
  create,
  type DescEnum,
  type DescField,
  type DescMessage,
  fromJsonString,
  type Message,
  ScalarType,
} from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import {
  BoolValueSchema,
  BytesValueSchema,
  DoubleValueSchema,
  DurationSchema,
  FieldMaskSchema,
  FloatValueSchema,
  Int32ValueSchema,
  Int64ValueSchema,
  StringValueSchema,
  StructSchema,
  TimestampSchema,
  UInt32ValueSchema,
  UInt64ValueSchema,
  ValueSchema,
} from "@bufbuild/protobuf/wkt";
import { parseGoDuration } from "../../config/go-duration.js";
import {
  GoParseError,
  parseGoBool,
  parseGoBytes,
  parseGoFloat,
  parseGoInt,
  parseGoTimestamp,
  parseGoUint,
} from "./go-strconv.js";
import type { QueryValues } from "./go-url.js";

const MAP_KEY = /^(.*)\[(.*)\]$/;

/**
 * Sets one path variable (`fieldPath` like `id.project`) on `message`, as the generated gateway handlers do:
 * a top-level string is taken as is, a top-level enum goes through `runtime.Enum`, anything nested through
 * `PopulateFieldFromPath`. Throws {@link GoParseError} with the conversion error.
 */
export function populatePathParameter(message: Message, desc: DescMessage, fieldPath: string, value: string): void {
  const segments = fieldPath.split(".");
  const target = reflect(desc, message);
  if (segments.length === 1) {
    const field = findField(desc, segments[0]!);
    if (field?.fieldKind === "enum") {
      target.set(field, runtimeEnum(field.enum, value));
      return;
    }
  }
  populateFieldValueFromPath(target, segments, [value]);
}

/**
 * Applies query parameters to `message` (grpc-gateway's `DefaultQueryParser.Parse`), skipping keys whose field
 * path starts with one of `filter` (the route's path variables, which the path already set).
 */
export function populateQueryParameters(
  message: Message,
  desc: DescMessage,
  values: QueryValues,
  filter: readonly (readonly string[])[],
): void {
  const target = reflect(desc, message);
  for (const [rawKey, rawValues] of values) {
    let key = rawKey;
    let list = rawValues;
    const mapKey = MAP_KEY.exec(rawKey);
    if (mapKey) {
      key = mapKey[1]!;
      list = [mapKey[2]!, ...rawValues];
    }
    const fieldPath = normalizeFieldPath(desc, key.split("."));
    if (filter.some((prefix) => startsWith(fieldPath, prefix))) continue;
    populateFieldValueFromPath(target, fieldPath, list);
  }
}

/**
 * The path-variable filter for a route: each variable's field path in proto names and in JSON names, as
 * protoc-gen-grpc-gateway generates it.
 */
export function pathParameterFilter(desc: DescMessage, variables: readonly string[]): string[][] {
  const filter: string[][] = [];
  for (const variable of variables) {
    const protoPath = variable.split(".");
    filter.push(protoPath);
    const jsonPath: string[] = [];
    let current: DescMessage | undefined = desc;
    for (const name of protoPath) {
      const field: DescField | undefined = current === undefined ? undefined : findField(current, name);
      jsonPath.push(field?.jsonName ?? name);
      current = field?.fieldKind === "message" ? field.message : undefined;
    }
    if (jsonPath.join(".") !== variable) filter.push(jsonPath);
  }
  return filter;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** The path in proto names when every segment resolves (through singular messages), else the path unchanged. */
function normalizeFieldPath(desc: DescMessage, path: readonly string[]): readonly string[] {
  const normalized: string[] = [];
  let current = desc;
  for (let i = 0; i < path.length; i++) {
    const field = findField(current, path[i]!);
    if (field === undefined) return path;
    normalized.push(field.name);
    if (i === path.length - 1) break;
    if (field.fieldKind !== "message") return path;
    current = field.message;
  }
  return normalized;
}

function populateFieldValueFromPath(target: ReflectMessage, path: readonly string[], values: readonly string[]): void {
  if (path.length < 1) throw new GoParseError("no field path");
  if (values.length < 1) throw new GoParseError("no value provided");
  let current = target;
  let field: DescField | undefined;
  for (let i = 0; i < path.length; i++) {
    field = findField(current.desc, path[i]!);
    // An unknown name may just be an extra query parameter: ignored, as grpc-gateway does.
    if (field === undefined) return;
    if (field.oneof !== undefined) {
      const selected = current.oneofCase(field.oneof);
      if (selected !== undefined && (field.fieldKind !== "message" || selected !== field)) {
        throw new GoParseError(`field already set for oneof ${JSON.stringify(field.oneof.name)}`);
      }
    }
    if (i === path.length - 1) break;
    if (field.fieldKind !== "message")
      throw new GoParseError(`invalid path: ${JSON.stringify(path[i])} is not a message`);
    const child = current.get(field);
    if (!current.isSet(field)) current.set(field, child);
    current = child;
  }
  const leaf = field!;
  switch (leaf.fieldKind) {
    case "list": {
      const list = current.get(leaf);
      for (const value of values) {
        list.add(wrapped(parseValue(leaf, value, `parsing list ${JSON.stringify(leaf.name)}`)));
      }
      return;
    }
    case "map": {
      if (values.length !== 2) {
        throw new GoParseError(
          `more than one value provided for key ${JSON.stringify(values[0])} in map ${JSON.stringify(fullName(leaf))}`,
        );
      }
      const key = parseScalar(leaf.mapKey, values[0]!, `parsing map key ${JSON.stringify(leaf.name)}`);
      const valueContext = `parsing map value ${JSON.stringify(leaf.name)}`;
      const value =
        leaf.mapKind === "scalar"
          ? parseScalar(leaf.scalar, values[1]!, valueContext)
          : leaf.mapKind === "enum"
            ? parseEnum(leaf.enum, values[1]!, valueContext)
            : parseMessage(leaf.message, values[1]!, valueContext);
      current.get(leaf).set(key as string | number | bigint | boolean, wrapped(value));
      return;
    }
    default: {
      if (values.length > 1) {
        throw new GoParseError(`too many values for field ${JSON.stringify(leaf.name)}: ${values.join(", ")}`);
      }
      current.set(leaf, wrapped(parseValue(leaf, values[0]!, `parsing field ${JSON.stringify(leaf.name)}`)));
    }
  }
}

type ParsedValue = string | number | bigint | boolean | Uint8Array | { desc: DescMessage; message: Message };

function wrapped(value: ParsedValue): unknown {
  return typeof value === "object" && !(value instanceof Uint8Array) ? reflect(value.desc, value.message) : value;
}

function parseValue(field: DescField, text: string, context: string): ParsedValue {
  switch (field.fieldKind) {
    case "scalar":
      return parseScalar(field.scalar, text, context);
    case "enum":
      return parseEnum(field.enum, text, context);
    case "message":
      return parseMessage(field.message, text, context);
    case "list":
      if (field.listKind === "scalar") return parseScalar(field.scalar, text, context);
      if (field.listKind === "enum") return parseEnum(field.enum, text, context);
      return parseMessage(field.message, text, context);
    default:
      throw new GoParseError(`${context}: unsupported field kind`);
  }
}

function parseScalar(type: ScalarType, text: string, context: string): string | number | bigint | boolean | Uint8Array {
  try {
    switch (type) {
      case ScalarType.BOOL:
        return parseGoBool(text);
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return Number(parseGoInt(text, 32));
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return parseGoInt(text, 64);
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return Number(parseGoUint(text, 32));
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return parseGoUint(text, 64);
      case ScalarType.FLOAT:
        return parseGoFloat(text, 32);
      case ScalarType.DOUBLE:
        return parseGoFloat(text, 64);
      case ScalarType.STRING:
        return text;
      case ScalarType.BYTES:
        return parseGoBytes(text);
    }
  } catch (e) {
    throw new GoParseError(`${context}: ${(e as Error).message}`);
  }
}

function parseEnum(desc: DescEnum, text: string, context: string): number {
  const byName = desc.values.find((v) => v.name === text);
  if (byName) return byName.number;
  if (/^[+-]?[0-9]+$/.test(text)) {
    const number = Number(text);
    if (desc.values.some((v) => v.number === number)) return number;
  }
  throw new GoParseError(`${context}: ${JSON.stringify(text)} is not a valid value`);
}

/** grpc-gateway's `runtime.Enum` for top-level enum path variables: a value name, or a defined number. */
function runtimeEnum(desc: DescEnum, text: string): number {
  const byName = desc.values.find((v) => v.name === text);
  if (byName) return byName.number;
  if (/^[+-]?[0-9]+$/.test(text)) {
    const number = Number(text);
    if (number >= -(2 ** 31) && number < 2 ** 31 && desc.values.some((v) => v.number === number)) return number;
  }
  throw new GoParseError(`${text} is not valid`);
}

function parseMessage(desc: DescMessage, text: string, context: string): { desc: DescMessage; message: Message } {
  const wrap = (message: Message): { desc: DescMessage; message: Message } => ({ desc, message });
  try {
    switch (desc.typeName) {
      case "google.protobuf.Timestamp":
        return wrap(create(TimestampSchema, parseGoTimestamp(text)));
      case "google.protobuf.Duration": {
        const parsed = parseGoDuration(text);
        if (!parsed.ok) throw new GoParseError(parsed.error);
        const seconds = parsed.nanos / 1_000_000_000n;
        return wrap(create(DurationSchema, { seconds, nanos: Number(parsed.nanos - seconds * 1_000_000_000n) }));
      }
      case "google.protobuf.DoubleValue":
        return wrap(create(DoubleValueSchema, { value: parseGoFloat(text, 64) }));
      case "google.protobuf.FloatValue":
        return wrap(create(FloatValueSchema, { value: parseGoFloat(text, 32) }));
      case "google.protobuf.Int64Value":
        return wrap(create(Int64ValueSchema, { value: parseGoInt(text, 64) }));
      case "google.protobuf.Int32Value":
        return wrap(create(Int32ValueSchema, { value: Number(parseGoInt(text, 32)) }));
      case "google.protobuf.UInt64Value":
        return wrap(create(UInt64ValueSchema, { value: parseGoUint(text, 64) }));
      case "google.protobuf.UInt32Value":
        return wrap(create(UInt32ValueSchema, { value: Number(parseGoUint(text, 32)) }));
      case "google.protobuf.BoolValue":
        return wrap(create(BoolValueSchema, { value: parseGoBool(text) }));
      case "google.protobuf.StringValue":
        return wrap(create(StringValueSchema, { value: text }));
      case "google.protobuf.BytesValue":
        return wrap(create(BytesValueSchema, { value: parseGoBytes(text) }));
      case "google.protobuf.FieldMask":
        return wrap(create(FieldMaskSchema, { paths: text.split(",") }));
      case "google.protobuf.Value":
        return wrap(fromJsonString(ValueSchema, text));
      case "google.protobuf.Struct":
        return wrap(fromJsonString(StructSchema, text));
      default:
        throw new GoParseError(`unsupported message type: ${JSON.stringify(desc.typeName)}`);
    }
  } catch (e) {
    throw new GoParseError(`${context}: ${(e as Error).message}`);
  }
}

function findField(desc: DescMessage, name: string): DescField | undefined {
  return desc.fields.find((f) => f.name === name) ?? desc.fields.find((f) => f.jsonName === name);
}

function fullName(field: DescField): string {
  return `${field.parent.typeName}.${field.name}`;
}
