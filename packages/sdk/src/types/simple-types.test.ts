import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AloftError, Code, floatLiteral, integerLiteral, stringLiteral } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type AnyType, t, type TypeContext } from "./index.js";
import { literalJson, makeTypeContext, typeJson, viaWire } from "./types.test-helper.js";

let ctx: TypeContext;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ ctx, cleanup } = await makeTypeContext());
});
afterAll(() => cleanup());

async function roundTrip<T>(
  type: { toLiteral(v: T, c: TypeContext): Promise<Literal>; fromLiteral(l: Literal, c: TypeContext): Promise<T> },
  value: T,
): Promise<T> {
  return type.fromLiteral(viaWire(await type.toLiteral(value, ctx)), ctx);
}

function errorOf(fn: () => unknown): AloftError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected an error");
}

async function rejectionOf(p: Promise<unknown>): Promise<AloftError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("simple types", () => {
  it("declare the literal types flytekit's simple transformers declare", () => {
    expect(typeJson(t.int())).toEqual({ simple: "INTEGER" });
    expect(typeJson(t.int64())).toEqual({ simple: "INTEGER" });
    expect(typeJson(t.float())).toEqual({ simple: "FLOAT" });
    expect(typeJson(t.string())).toEqual({ simple: "STRING" });
    expect(typeJson(t.boolean())).toEqual({ simple: "BOOLEAN" });
    expect(typeJson(t.datetime())).toEqual({ simple: "DATETIME" });
    expect(typeJson(t.date())).toEqual({ simple: "DATETIME" });
    expect(typeJson(t.duration())).toEqual({ simple: "DURATION" });
    expect(typeJson(t.none())).toEqual({ simple: "NONE" });
    expect(typeJson(t.enum(["red", "green"]))).toEqual({ enumType: { values: ["red", "green"] } });
  });

  it("write the literals flytekit writes", () => {
    expect(literalJson(t.int().toLiteralSync(42))).toEqual({ scalar: { primitive: { integer: "42" } } });
    expect(literalJson(t.int64().toLiteralSync(2n ** 62n))).toEqual({
      scalar: { primitive: { integer: "4611686018427387904" } },
    });
    expect(literalJson(t.float().toLiteralSync(1))).toEqual({ scalar: { primitive: { floatValue: 1 } } });
    expect(literalJson(t.string().toLiteralSync("hi"))).toEqual({ scalar: { primitive: { stringValue: "hi" } } });
    expect(literalJson(t.boolean().toLiteralSync(true))).toEqual({ scalar: { primitive: { boolean: true } } });
    expect(literalJson(t.datetime().toLiteralSync(new Date("2024-05-06T07:08:09.123Z")))).toEqual({
      scalar: { primitive: { datetime: "2024-05-06T07:08:09.123Z" } },
    });
    expect(literalJson(t.date().toLiteralSync(new Date("2024-05-06")))).toEqual({
      scalar: { primitive: { datetime: "2024-05-06T00:00:00Z" } },
    });
    expect(literalJson(t.duration().toLiteralSync(5400_000.5))).toEqual({
      scalar: { primitive: { duration: "5400.000500s" } },
    });
    expect(literalJson(t.none().toLiteralSync(null))).toEqual({ scalar: { noneType: {} } });
    expect(literalJson(t.enum(["red", "green"]).toLiteralSync("green"))).toEqual({
      scalar: { primitive: { stringValue: "green" } },
    });
  });

  it("read back every value they write, through protobuf bytes", async () => {
    expect(await roundTrip(t.int(), -7)).toBe(-7);
    expect(await roundTrip(t.int(), Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(await roundTrip(t.int64(), -(2n ** 63n))).toBe(-(2n ** 63n));
    expect(await roundTrip(t.float(), 0.1)).toBe(0.1);
    expect(await roundTrip(t.float(), Number.NaN)).toBeNaN();
    expect(await roundTrip(t.string(), "héllo")).toBe("héllo");
    expect(await roundTrip(t.boolean(), false)).toBe(false);
    expect((await roundTrip(t.datetime(), new Date("1999-12-31T23:59:59.999Z"))).toISOString()).toBe(
      "1999-12-31T23:59:59.999Z",
    );
    expect((await roundTrip(t.date(), new Date("2024-02-29"))).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(await roundTrip(t.duration(), 1.5)).toBe(1.5);
    expect(await roundTrip(t.duration(), -90_000)).toBe(-90_000);
    expect(await roundTrip(t.none(), null)).toBeNull();
    expect(await roundTrip(t.enum(["a", "b"]), "b")).toBe("b");
  });

  it("read integers sent as floats by truncating, and floats sent as integers, as flytekit does", async () => {
    expect(await t.int().fromLiteral(floatLiteral(3.9), ctx)).toBe(3);
    expect(await t.int64().fromLiteral(floatLiteral(-3.9), ctx)).toBe(-3n);
    expect(await t.float().fromLiteral(integerLiteral(3), ctx)).toBe(3);
  });

  it("refuse values of the wrong kind, naming the path", () => {
    const e = errorOf(() => t.int().toLiteralSync(1.5, { path: "inputs.x" }));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe("inputs.x: expected integer, got 1.5");
    expect(errorOf(() => t.int().toLiteralSync(2 ** 60)).rawMessage).toBe(
      "value: 1152921504606846976 is not a safe integer; declare the variable as t.int64() for larger values",
    );
    expect(errorOf(() => t.string().toLiteralSync(3 as never)).rawMessage).toBe("value: expected string, got 3");
    expect(errorOf(() => t.date().toLiteralSync(new Date("2024-01-01T10:00:00Z"))).rawMessage).toBe(
      'value: expected a date at midnight UTC, got 2024-01-01T10:00:00.000Z; use new Date("YYYY-MM-DD") for a date',
    );
    expect(errorOf(() => t.enum(["a", "b"]).toLiteralSync("c" as never)).rawMessage).toBe(
      'value: expected one of "a", "b", got "c"',
    );
  });

  it("refuse literals of the wrong kind, naming the path", async () => {
    const e = await rejectionOf(t.int().fromLiteral(stringLiteral("x"), ctx, { path: "outputs.o0" }));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe('outputs.o0: expected int, got string "x"');
    expect((await rejectionOf(t.enum(["a"]).fromLiteral(stringLiteral("z"), ctx))).rawMessage).toBe(
      'value: expected one of "a", got "z"',
    );
    expect((await rejectionOf(t.int().fromLiteral(integerLiteral(2n ** 60n), ctx))).rawMessage).toBe(
      "value: 1152921504606846976 is not a safe integer; declare the variable as t.int64() to read it",
    );
  });

  it("parse command-line text", () => {
    expect(t.int().parseText(" -12 ")).toBe(-12);
    expect(t.int64().parseText("9223372036854775807")).toBe(2n ** 63n - 1n);
    expect(t.float().parseText("1e3")).toBe(1000);
    expect(t.float().parseText("inf")).toBe(Number.POSITIVE_INFINITY);
    expect(t.boolean().parseText("True")).toBe(true);
    expect(t.string().parseText("  spaced ")).toBe("  spaced ");
    expect(t.datetime().parseText("2024-01-02T03:04:05.678901+02:00").toISOString()).toBe("2024-01-02T01:04:05.678Z");
    expect(t.datetime().parseText("2024-01-02 03:04:05").toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(t.date().parseText("2024-01-02").toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(t.duration().parseText("1500")).toBe(1500);
    expect(t.duration().parseText("1h30m")).toBe(5_400_000);
    expect(t.duration().parseText("90s")).toBe(90_000);
    expect(t.duration().parseText("1.5s 250ms")).toBe(1750);
    expect(t.none().parseText("null")).toBeNull();
    expect(errorOf(() => t.int().parseText("1.5")).rawMessage).toBe('value: expected integer, got "1.5"');
    expect(errorOf(() => t.duration().parseText("soon")).rawMessage).toBe(
      'value: expected a duration (milliseconds, or parts like 1h30m, 90s, 250ms), got "soon"',
    );
    expect(errorOf(() => t.datetime().parseText("2024-13-01")).rawMessage).toBe(
      'value: expected an ISO 8601 datetime, got "2024-13-01"',
    );
  });

  it("accept only values of their own kind", () => {
    const cases: [AnyType, unknown, boolean][] = [
      [t.int(), 1, true],
      [t.int(), 1.5, false],
      [t.int64(), 1, false],
      [t.int64(), 1n, true],
      [t.float(), 1, true],
      [t.none(), undefined, true],
      [t.datetime(), new Date(Number.NaN), false],
    ];
    for (const [type, value, accepted] of cases) expect(type.accepts(value)).toBe(accepted);
  });

  it("keep a description given with describe, leaving the original alone", () => {
    const base = t.int();
    const described = base.describe("how many");
    expect(described.description).toBe("how many");
    expect(base.description).toBeUndefined();
    expect(described.toLiteralSync(3)).toEqual(base.toLiteralSync(3));
  });
});
