import { literalMapFromJs } from "@aloft/idl";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { CliError } from "../cli-error.js";

/**
 * Converts the inputs of an execution spec to literals with the declared types (`literalMapFromJs`), after
 * flytectl's leniencies for hand-edited YAML (coreutils.MakeLiteralForType formats scalars as text first): a
 * number or boolean where a string is declared is taken as its text, an empty value as `""`, a numeric string
 * as a float and `true`/`false` as booleans.
 *
 * @throws CliError (usage) naming `where` and the input for a name without a type or a value of the wrong type.
 */
export function inputLiterals(
  values: Readonly<Record<string, unknown>>,
  types: Readonly<Record<string, LiteralType>>,
  where: string,
): LiteralMap {
  const coerced: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    coerced[name] = type === undefined ? value : coerce(value, type);
  }
  try {
    return literalMapFromJs(coerced, types);
  } catch (error) {
    const reason = (error as { rawMessage?: string }).rawMessage ?? (error as Error).message;
    throw CliError.usage(`${where}: ${reason}`, { cause: error });
  }
}

function coerce(value: unknown, type: LiteralType): unknown {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return coerceSimple(value, t.value);
    case "collectionType":
      return Array.isArray(value) ? value.map((v) => coerce(v, t.value)) : value;
    case "mapValueType":
      return value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v, t.value)]))
        : value;
    default:
      return value;
  }
}

function coerceSimple(value: unknown, simple: SimpleType): unknown {
  switch (simple) {
    case SimpleType.STRING:
      if (value === null || value === undefined) return "";
      return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
    case SimpleType.FLOAT:
      return typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
    case SimpleType.BOOLEAN:
      return value === "true" ? true : value === "false" ? false : value;
    default:
      return value;
  }
}
