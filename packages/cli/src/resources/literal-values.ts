import type { Literal, LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { durationText, timestampText } from "./proto-text.js";

/** Where flytectl points file and folder inputs of a fresh execution spec (coreutils.MakeDefaultLiteralForType). */
const PLACEHOLDER_URI = "/tmp/somepath";

/**
 * A literal as a plain value to print in YAML or JSON, as flytectl's `coreutils.ExtractFromLiteral`: numbers,
 * strings, booleans, RFC 3339 datetimes, `1.5s` durations, the URI of blobs, schemas and datasets, the value of
 * a union, lists and maps. Integers beyond 2^53 stay exact as strings.
 */
export function literalToPlain(literal: Literal): unknown {
  const value = literal.value;
  switch (value.case) {
    case "collection":
      return value.value.literals.map(literalToPlain);
    case "map":
      return literalMapToPlain(value.value);
    case "offloadedMetadata":
      return value.value.uri;
    case "scalar":
      return scalarToPlain(value.value.value);
    default:
      return null;
  }
}

/** {@link literalToPlain} for every entry of a map, keys sorted. */
export function literalMapToPlain(map: LiteralMap | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (map === undefined) return out;
  for (const key of Object.keys(map.literals).sort()) out[key] = literalToPlain(map.literals[key] as Literal);
  return out;
}

function scalarToPlain(scalar: ScalarValue): unknown {
  switch (scalar.case) {
    case "primitive": {
      const p = scalar.value.value;
      switch (p.case) {
        case "integer":
          return Number.isSafeInteger(Number(p.value)) ? Number(p.value) : p.value.toString();
        case "floatValue":
        case "stringValue":
        case "boolean":
          return p.value;
        case "datetime":
          return timestampText(p.value);
        case "duration":
          return durationText(p.value);
        default:
          return null;
      }
    }
    case "blob":
    case "schema":
    case "structuredDataset":
      return scalar.value.uri;
    case "union":
      return scalar.value.value === undefined ? null : literalToPlain(scalar.value.value);
    case "generic":
      return scalar.value;
    case "binary":
      return { tag: scalar.value.tag, value: Buffer.from(scalar.value.value).toString("base64") };
    case "error":
      return { message: scalar.value.message, failed_node_id: scalar.value.failedNodeId };
    default:
      return null;
  }
}

type ScalarValue = Extract<Literal["value"], { case: "scalar" }>["value"]["value"];

/**
 * The value flytectl writes for an input of `type` in a fresh execution spec (coreutils.MakeDefaultLiteralForType
 * read back with ExtractFromLiteral): zeros, `""`, `false`, now for datetimes, `1s` for durations, a placeholder
 * path for files, folders and datasets, one default element in lists, `{itemKey: …}` for maps, `{}` for structs,
 * the first value of an enum and the first variant of a union.
 */
export function defaultValueForType(type: LiteralType | undefined, now: Date = new Date()): unknown {
  const t = type?.type;
  switch (t?.case) {
    case "simple":
      return simpleDefault(t.value, now);
    case "blob":
    case "schema":
    case "structuredDatasetType":
      return PLACEHOLDER_URI;
    case "collectionType":
      return [defaultValueForType(t.value, now)];
    case "mapValueType":
      return { itemKey: defaultValueForType(t.value, now) };
    case "enumType":
      return t.value.values[0] ?? "";
    case "unionType":
      return defaultValueForType(t.value.variants[0], now);
    default:
      return null;
  }
}

function simpleDefault(simple: SimpleType, now: Date): unknown {
  switch (simple) {
    case SimpleType.INTEGER:
    case SimpleType.FLOAT:
      return 0;
    case SimpleType.STRING:
      return "";
    case SimpleType.BOOLEAN:
      return false;
    case SimpleType.DATETIME:
      return now.toISOString();
    case SimpleType.DURATION:
      return "1s";
    case SimpleType.STRUCT:
      return {};
    case SimpleType.BINARY:
      return "";
    default:
      return null;
  }
}
