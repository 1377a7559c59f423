/**
 * The JSON Go's `github.com/golang/protobuf/jsonpb` `Marshaler{}` (v1.5.4, what Flyte's `pbhash` uses) writes for a
 * message, as the value tree `encoding/json` reads back from it. Only that tree matters to objecthash, so
 * formatting is irrelevant but presence, names and value kinds must match Go exactly.
 *
 * Where protobuf-es `toJson` differs from Go's jsonpb, and why this module walks descriptors itself:
 * - `float` fields: Go prints the shortest decimal of the float32 (`0.1`), protobuf-es the float64 widening
 *   (`0.10000000149011612`); both are then read as float64, so the hashes differ.
 * - `google.protobuf.Value` holding NaN or ±Infinity: Go writes `"NaN"`/`"Infinity"`, protobuf-es throws.
 * - `google.protobuf.FieldMask` and `Empty`: Go's jsonpb has no special form for FieldMask (`{"paths":[…]}`),
 *   protobuf-es writes the camel-cased path string.
 * - `google.protobuf.Any` holding a well-known type: both write `{"@type", "value"}`; other messages inline.
 * Everything else agrees: lowerCamelCase names, enum names (numbers when unknown), 64-bit integers as decimal
 * strings, bytes as padded standard base64, implicit-presence zero values and empty lists/maps omitted, set oneof
 * members always written, Duration/Timestamp with 0, 3, 6 or 9 fraction digits.
 */
import { AloftError, flyteidlRegistry } from "@aloft/idl";
import { type DescField, type DescMessage, type MessageShape, type Registry, ScalarType } from "@bufbuild/protobuf";
import { reflect, type ReflectList, type ReflectMap, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import type { CommonJsonValue } from "./object-hash.js";

/** Options of {@link toGoJsonpb}. */
export interface GoJsonpbOptions {
  /** Resolves the message types packed in `google.protobuf.Any`. @default flyteidlRegistry */
  registry?: Registry;
}

/**
 * `message` as Go's jsonpb encodes it, decoded the way objecthash's `CommonJSONHash` decodes it (numbers as
 * float64).
 *
 * @throws AloftError InvalidArgument where Go's jsonpb fails too: out-of-range Duration/Timestamp, a
 *   `google.protobuf.Value` with no kind, an `Any` of an unknown type.
 */
export function toGoJsonpb<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: GoJsonpbOptions = {},
): CommonJsonValue {
  return messageToJson(reflect(schema, message), options.registry ?? flyteidlRegistry);
}

const WRAPPERS = new Set([
  "google.protobuf.BoolValue",
  "google.protobuf.BytesValue",
  "google.protobuf.StringValue",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.FloatValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.DoubleValue",
]);

function messageToJson(message: ReflectMessage, registry: Registry): CommonJsonValue {
  const typeName = message.desc.typeName;
  if (WRAPPERS.has(typeName)) return fieldValueToJson(firstField(message), message.get(firstField(message)), registry);
  switch (typeName) {
    case "google.protobuf.Any":
      return anyToJson(message, registry);
    case "google.protobuf.Duration":
      return durationToJson(message);
    case "google.protobuf.Timestamp":
      return timestampToJson(message);
    case "google.protobuf.Value":
      return valueToJson(message, registry);
    case "google.protobuf.Struct":
    case "google.protobuf.ListValue":
      return fieldValueToJson(firstField(message), message.get(firstField(message)), registry);
  }
  const json: { [key: string]: CommonJsonValue } = {};
  for (const field of message.fields) {
    if (!isPopulated(message, field)) continue;
    json[field.jsonName] = fieldValueToJson(field, message.get(field), registry);
  }
  return json;
}

/** Go's `protoreflect.Message.Has`: what jsonpb writes when `EmitDefaults` is off. */
function isPopulated(message: ReflectMessage, field: DescField): boolean {
  // A oneof member is written whenever it is the chosen case, even holding a zero value.
  if (field.oneof !== undefined) return message.oneofCase(field.oneof) === field;
  // protobuf-es agrees with Go here, including -0.0 counting as set for implicit-presence doubles.
  return message.isSet(field);
}

function firstField(message: ReflectMessage): DescField {
  const field = message.desc.fields[0];
  if (field === undefined) throw AloftError.internal(`${message.desc.typeName} has no fields`);
  return field;
}

function fieldValueToJson(field: DescField, value: unknown, registry: Registry): CommonJsonValue {
  switch (field.fieldKind) {
    case "list": {
      const items: CommonJsonValue[] = [];
      for (const item of value as ReflectList) items.push(singularToJson(field, item, registry));
      return items;
    }
    case "map": {
      const entries: { [key: string]: CommonJsonValue } = {};
      // Go prints map keys with fmt.Sprint: decimal integers, `true`/`false`, strings as they are.
      for (const [key, item] of value as ReflectMap) entries[String(key)] = singularToJson(field, item, registry);
      return entries;
    }
    default:
      return singularToJson(field, value, registry);
  }
}

/** One value of `field` (a list element or map value for repeated fields), Go's `marshalSingularValue`. */
function singularToJson(field: DescField, value: unknown, registry: Registry): CommonJsonValue {
  const kind =
    field.fieldKind === "list" ? field.listKind : field.fieldKind === "map" ? field.mapKind : field.fieldKind;
  if (kind === "message") return messageToJson(value as ReflectMessage, registry);
  if (kind === "enum") {
    const desc = field.enum;
    if (desc === undefined) throw AloftError.internal(`${field.toString()} has no enum descriptor`);
    if (desc.typeName === "google.protobuf.NullValue") return null;
    return desc.value[value as number]?.name ?? (value as number);
  }
  const scalar = field.scalar;
  if (scalar === undefined) throw AloftError.internal(`${field.toString()} has no scalar type`);
  return scalarToJson(scalar, value);
}

function scalarToJson(scalar: ScalarType, value: unknown): CommonJsonValue {
  switch (scalar) {
    case ScalarType.DOUBLE:
      return floatToJson(value as number);
    case ScalarType.FLOAT:
      return floatToJson(float32Shortest(value as number));
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return String(value as bigint | string);
    case ScalarType.BYTES:
      return Buffer.from(value as Uint8Array).toString("base64");
    case ScalarType.BOOL:
      return value as boolean;
    case ScalarType.STRING:
      return value as string;
    default:
      return value as number;
  }
}

function floatToJson(value: number): CommonJsonValue {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
}

/**
 * The float64 Go's JSON decoder reads back from a float32 that `encoding/json` printed with the fewest digits that
 * round-trip as float32: the closest decimal of that length, which `toPrecision` gives.
 */
function float32Shortest(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

function valueToJson(message: ReflectMessage, registry: Registry): CommonJsonValue {
  const oneof = message.desc.oneofs[0];
  const chosen = oneof === undefined ? undefined : message.oneofCase(oneof);
  if (chosen === undefined) throw AloftError.invalidArgument("cannot encode google.protobuf.Value: nil Value");
  return fieldValueToJson(chosen, message.get(chosen), registry);
}

const SECOND_NANOS = 1_000_000_000n;
const MAX_DURATION_SECONDS = 315_576_000_000n;

/** Decimal seconds with 0, 3, 6 or 9 fraction digits (`1.500s`, `0.000001s`), as Go's jsonpb trims them. */
function trimNanos(whole: string, nanos: bigint): string {
  let text = `${whole}.${nanos.toString().padStart(9, "0")}`;
  for (const suffix of ["000", "000"]) if (text.endsWith(suffix)) text = text.slice(0, -suffix.length);
  return text.endsWith(".000") ? text.slice(0, -4) : text;
}

function durationToJson(message: ReflectMessage): CommonJsonValue {
  const [secondsField, nanosField] = message.desc.fields;
  if (secondsField === undefined || nanosField === undefined) throw AloftError.internal("malformed Duration");
  let seconds = BigInt(message.get(secondsField) as bigint | string);
  let nanos = BigInt(message.get(nanosField) as number);
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    throw AloftError.invalidArgument(`seconds out of range ${seconds}`);
  }
  if (nanos <= -SECOND_NANOS || nanos >= SECOND_NANOS) {
    throw AloftError.invalidArgument(`ns out of range (${-SECOND_NANOS}, ${SECOND_NANOS})`);
  }
  if ((seconds > 0n && nanos < 0n) || (seconds < 0n && nanos > 0n)) {
    throw AloftError.invalidArgument("signs of seconds and nanos do not match");
  }
  let sign = "";
  if (seconds < 0n || nanos < 0n) {
    sign = "-";
    seconds = -seconds;
    nanos = -nanos;
  }
  return `${sign}${trimNanos(seconds.toString(), nanos)}s`;
}

const DAY_SECONDS = 86_400n;

function timestampToJson(message: ReflectMessage): CommonJsonValue {
  const [secondsField, nanosField] = message.desc.fields;
  if (secondsField === undefined || nanosField === undefined) throw AloftError.internal("malformed Timestamp");
  const seconds = BigInt(message.get(secondsField) as bigint | string);
  const nanos = BigInt(message.get(nanosField) as number);
  if (nanos < 0n || nanos >= SECOND_NANOS) throw AloftError.invalidArgument(`ns out of range [0, ${SECOND_NANOS})`);
  // Split into whole days and the time of day, so years outside Date's range still format as Go's time.Format does.
  let days = seconds / DAY_SECONDS;
  let secondOfDay = seconds % DAY_SECONDS;
  if (secondOfDay < 0n) {
    secondOfDay += DAY_SECONDS;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(days);
  const hh = secondOfDay / 3600n;
  const mm = (secondOfDay % 3600n) / 60n;
  const ss = secondOfDay % 60n;
  const yearText = year < 0n ? `-${(-year).toString().padStart(4, "0")}` : year.toString().padStart(4, "0");
  const clock = [month, day].map((n) => n.toString().padStart(2, "0"));
  const time = [hh, mm, ss].map((n) => n.toString().padStart(2, "0")).join(":");
  return `${trimNanos(`${yearText}-${clock.join("-")}T${time}`, nanos)}Z`;
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`). */
function civilFromDays(daysSinceEpoch: bigint): { year: bigint; month: bigint; day: bigint } {
  const z = daysSinceEpoch + 719_468n;
  const era = (z >= 0n ? z : z - 146_096n) / 146_097n;
  const dayOfEra = z - era * 146_097n;
  const yearOfEra = (dayOfEra - dayOfEra / 1460n + dayOfEra / 36_524n - dayOfEra / 146_096n) / 365n;
  const dayOfYear = dayOfEra - (365n * yearOfEra + yearOfEra / 4n - yearOfEra / 100n);
  const mp = (5n * dayOfYear + 2n) / 153n;
  const day = dayOfYear - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yearOfEra + era * 400n + (month <= 2n ? 1n : 0n);
  return { year, month, day };
}

function anyToJson(message: ReflectMessage, registry: Registry): CommonJsonValue {
  const any = message.message as Any;
  const packed = anyUnpack(any, registry);
  if (packed === undefined)
    throw AloftError.invalidArgument(`cannot resolve Any type url ${JSON.stringify(any.typeUrl)}`);
  const desc = registry.getMessage(packed.$typeName);
  if (desc === undefined) throw AloftError.invalidArgument(`unknown message type ${packed.$typeName}`);
  const inner = messageToJson(reflect(desc, packed), registry);
  if (isGoWellKnownType(desc.typeName)) return { "@type": any.typeUrl, value: inner };
  return { "@type": any.typeUrl, ...(inner as { [key: string]: CommonJsonValue }) };
}

/** The types Go's jsonpb counts as well-known (its `wellKnownType`); FieldMask is not one of them. */
function isGoWellKnownType(typeName: string): boolean {
  return (
    WRAPPERS.has(typeName) ||
    [
      "google.protobuf.Empty",
      "google.protobuf.Any",
      "google.protobuf.Duration",
      "google.protobuf.Timestamp",
      "google.protobuf.NullValue",
      "google.protobuf.Struct",
      "google.protobuf.Value",
      "google.protobuf.ListValue",
    ].includes(typeName)
  );
}
