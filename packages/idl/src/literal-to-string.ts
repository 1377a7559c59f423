import { type JsonValue, toJson } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { Literal } from "./gen/flyteidl/core/literals_pb.js";

/**
 * A compact, one-line rendering of a literal for tables, logs and messages: `42`, `1.5`, `2.0`
 * (floats keep a decimal point), `"text"`, `true`, `2024-05-01T12:00:00Z`, `1.500s`, `null`,
 * `[1, 2]`, `{"a": 1}` (maps and structs alike), a blob's or dataset's URI (`s3://…`),
 * `<binary msgpack, 12 bytes>`, `<error from n1: boom>`, `<offloaded s3://…, 2048 bytes>`.
 * A union shows its value. Never throws.
 */
export function literalToString(literal: Literal): string {
  const v = literal.value;
  switch (v.case) {
    case "collection":
      return `[${v.value.literals.map(literalToString).join(", ")}]`;
    case "map":
      return `{${Object.entries(v.value.literals)
        .map(([k, l]) => `${JSON.stringify(k)}: ${literalToString(l)}`)
        .join(", ")}}`;
    case "offloadedMetadata":
      return `<offloaded ${v.value.uri}, ${v.value.sizeBytes} bytes>`;
    case undefined:
      return "<unset>";
    case "scalar":
      break;
  }
  const s = v.value.value;
  switch (s.case) {
    case "primitive": {
      const p = s.value.value;
      switch (p.case) {
        case "integer":
          return p.value.toString();
        case "floatValue":
          return floatToString(p.value);
        case "stringValue":
          return JSON.stringify(p.value);
        case "boolean":
          return String(p.value);
        case "datetime":
          return wktToString(() => toJson(TimestampSchema, p.value));
        case "duration":
          return wktToString(() => toJson(DurationSchema, p.value));
        case undefined:
          return "<unset>";
      }
      break;
    }
    case "blob":
    case "structuredDataset":
    case "schema":
      return s.value.uri;
    case "binary":
      return `<binary${s.value.tag ? ` ${s.value.tag}` : ""}, ${s.value.value.length} bytes>`;
    case "noneType":
      return "null";
    case "error":
      return `<error from ${s.value.failedNodeId || "unknown node"}: ${s.value.message}>`;
    case "generic":
      return jsonToString(s.value);
    case "union":
      return s.value.value ? literalToString(s.value.value) : "<unset>";
    case undefined:
      return "<unset>";
  }
}

function floatToString(value: number): string {
  const text = String(value);
  return Number.isInteger(value) && !text.includes("e") ? `${text}.0` : text;
}

/** Timestamps outside protobuf's range cannot be printed as RFC 3339; show them as invalid, not throw. */
function wktToString(render: () => JsonValue): string {
  try {
    return String(render());
  } catch {
    return "<invalid>";
  }
}

function jsonToString(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(jsonToString).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${jsonToString(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}
