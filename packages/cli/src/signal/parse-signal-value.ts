/**
 * A signal's value from the command line, read by the type the gate node declared: true/false for booleans,
 * integers, floats, text as it is, RFC 3339 times, Go durations (`1h30m`, `1.5s`), JSON for structs, lists and
 * maps, a URI for blobs.
 */
import { literalFromJs, literalTypeToString } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { parseGoDuration } from "@aloft/admin";
import { CliError } from "../cli-error.js";

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * The literal of `text` as a value of `type`.
 *
 * @throws CliError (usage) saying what the type takes when `text` is not such a value.
 */
export function parseSignalValue(text: string, type: LiteralType, signalId: string): Literal {
  const typeName = literalTypeToString(type);
  const bad = (why: string) =>
    CliError.usage(`invalid value for signal ${signalId} (${typeName}): ${why}`, {
      hint: `signal ${signalId} takes ${expected(type)}`,
    });
  let value: unknown;
  try {
    value = jsValue(text, type);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw bad((error as Error).message);
  }
  if (value === INVALID) throw bad(JSON.stringify(text));
  try {
    return literalFromJs(value, type, { path: signalId });
  } catch (error) {
    const raw = (error as { rawMessage?: unknown }).rawMessage;
    throw bad((typeof raw === "string" ? raw : (error as Error).message).replace(/^[^:]*: /, ""));
  }
}

const INVALID = Symbol("invalid");

function jsValue(text: string, type: LiteralType): unknown {
  const t = type.type;
  if (t.case === "simple") {
    switch (t.value) {
      case SimpleType.BOOLEAN:
        return booleanOf(text);
      case SimpleType.INTEGER:
        return /^[+-]?\d+$/.test(text.trim()) ? text.trim() : INVALID;
      case SimpleType.FLOAT: {
        const n = Number(text);
        return text.trim() === "" || !Number.isFinite(n) ? INVALID : n;
      }
      case SimpleType.STRING:
        return text;
      case SimpleType.DATETIME:
        return Number.isNaN(Date.parse(text)) ? INVALID : text.trim();
      case SimpleType.DURATION:
        return durationOf(text);
      case SimpleType.NONE:
        return text.trim() === "" || text.trim() === "null" ? null : INVALID;
      default:
        // STRUCT (and the rest): JSON.
        return JSON.parse(text) as unknown;
    }
  }
  if (t.case === "enumType" || t.case === "blob" || t.case === "schema" || t.case === "structuredDatasetType") {
    return text;
  }
  // Collections, maps and unions: JSON (a bare word for a union with a string variant).
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (t.case === "unionType") return text;
    throw error;
  }
}

function booleanOf(text: string): boolean | typeof INVALID {
  const value = text.trim().toLowerCase();
  if (["true", "yes", "1"].includes(value)) return true;
  if (["false", "no", "0"].includes(value)) return false;
  return INVALID;
}

function durationOf(text: string): { seconds: bigint; nanos: number } {
  const parsed = parseGoDuration(text.trim());
  if (!parsed.ok) throw new Error(parsed.error);
  return {
    seconds: parsed.nanos / NANOS_PER_SECOND,
    nanos: Number(parsed.nanos % NANOS_PER_SECOND),
  };
}

function expected(type: LiteralType): string {
  const t = type.type;
  if (t.case === "simple") {
    switch (t.value) {
      case SimpleType.BOOLEAN:
        return "true or false";
      case SimpleType.INTEGER:
        return "an integer";
      case SimpleType.FLOAT:
        return "a number";
      case SimpleType.STRING:
        return "any text";
      case SimpleType.DATETIME:
        return "an RFC 3339 time, e.g. 2024-05-01T12:00:00Z";
      case SimpleType.DURATION:
        return "a duration, e.g. 1h30m or 2.5s";
      case SimpleType.STRUCT:
        return "a JSON object";
      default:
        break;
    }
  }
  if (t.case === "blob") return "a URI";
  return `a JSON value of type ${literalTypeToString(type)}`;
}
