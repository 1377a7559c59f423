import { literalToString } from "@aloft/idl";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { parseSignalValue } from "./parse-signal-value.js";

const simple = (value: SimpleType) => create(LiteralTypeSchema, { type: { case: "simple", value } });
const listOf = (value: SimpleType) =>
  create(LiteralTypeSchema, { type: { case: "collectionType", value: simple(value) } });

function parsed(text: string, type = simple(SimpleType.STRING)): string {
  return literalToString(parseSignalValue(text, type, "s"));
}

function caught(body: () => unknown): CliError {
  try {
    body();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected a CliError");
}

describe("parseSignalValue", () => {
  it("reads each simple type from its command-line form", () => {
    expect(parsed("yes", simple(SimpleType.BOOLEAN))).toBe("true");
    expect(parsed("0", simple(SimpleType.BOOLEAN))).toBe("false");
    expect(parsed("-42", simple(SimpleType.INTEGER))).toBe("-42");
    expect(parsed("2.5", simple(SimpleType.FLOAT))).toBe("2.5");
    expect(parsed("two words", simple(SimpleType.STRING))).toBe('"two words"');
    expect(parsed("2024-05-01T12:00:00Z", simple(SimpleType.DATETIME))).toBe("2024-05-01T12:00:00Z");
    expect(parsed("1h30m", simple(SimpleType.DURATION))).toBe("5400s");
    expect(parsed('{"a": 1}', simple(SimpleType.STRUCT))).toBe('{"a": 1}');
    expect(parsed("[1, 2]", listOf(SimpleType.INTEGER))).toBe("[1, 2]");
  });

  it("refuses a value that is not of the type, saying what the type takes", () => {
    const attempt = () => parseSignalValue("maybe", simple(SimpleType.BOOLEAN), "ok");
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow('invalid value for signal ok (boolean): "maybe"');
    const error = caught(() => parseSignalValue("1.5", simple(SimpleType.INTEGER), "n"));
    expect([error.message, error.hint, error.exitCode]).toEqual([
      'invalid value for signal n (integer): "1.5"',
      "signal n takes an integer",
      2,
    ]);
    expect(() => parseSignalValue("soon", simple(SimpleType.DURATION), "d")).toThrow(
      'invalid value for signal d (duration): time: invalid duration "soon"',
    );
  });
});
