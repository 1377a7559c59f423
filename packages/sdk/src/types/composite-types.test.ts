import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import {
  AloftError,
  Code,
  binaryLiteral,
  collectionLiteral,
  genericLiteral,
  integerLiteral,
  integerType,
  noneLiteral,
  stringLiteral,
  unionLiteral,
  withTag,
} from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { type Infer, isType, t, type TypeContext, typeKind, type ValuesOf } from "./index.js";
import { decodeMsgpack } from "./msgpack.js";
import { hex, literalJson, makeTypeContext, typeJson, viaWire } from "./types.test-helper.js";

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

function binaryOf(literal: Literal): { value: Uint8Array; tag: string } {
  const s = literal.value.case === "scalar" ? literal.value.value.value : undefined;
  if (s?.case !== "binary") throw new Error("not a binary literal");
  return s.value;
}

const MSGPACK_ANNOTATION = { annotations: { "cache-key-metadata": { "serialization-format": "msgpack" } } };

describe("optional and union types", () => {
  it("declare Optional[T] as flytekit does: union[T, none] tagged with the transformer names", () => {
    expect(typeJson(t.optional(t.int()))).toEqual({
      unionType: {
        variants: [
          { simple: "INTEGER", structure: { tag: "int" } },
          { simple: "NONE", structure: { tag: "none" } },
        ],
      },
    });
    expect(t.optional(t.optional(t.int())).literalType).toEqual(t.optional(t.int()).literalType);
  });

  it("tag every variant kind with flytekit's transformer name", () => {
    const u = t.union(
      t.int(),
      t.float(),
      t.string(),
      t.boolean(),
      t.datetime(),
      t.date(),
      t.duration(),
      t.none(),
      t.list(t.int()),
      t.map(t.int()),
      t.enum(["a"]),
      t.json(),
      t.record({ x: t.int() }, { name: "P" }),
      t.optional(t.string()),
    );
    const tags =
      u.literalType.type.case === "unionType" ? u.literalType.type.value.variants.map((v) => v.structure?.tag) : [];
    expect(tags).toEqual([
      "int",
      "float",
      "str",
      "bool",
      "datetime",
      "date",
      "timedelta",
      "none",
      "Typed List",
      "Typed Dict",
      "DefaultEnumTransformer",
      "Typed Dict",
      "Object-Dataclass-Transformer",
      "Typed Union",
    ]);
  });

  it("write a union value with its variant as stored_type, and read it back", async () => {
    const type = t.optional(t.string());
    expect(literalJson(type.toLiteralSync("x"))).toEqual({
      scalar: {
        union: {
          value: { scalar: { primitive: { stringValue: "x" } } },
          type: { simple: "STRING", structure: { tag: "str" } },
        },
      },
    });
    expect(literalJson(type.toLiteralSync(undefined as never))).toEqual({
      scalar: { union: { value: { scalar: { noneType: {} } }, type: { simple: "NONE", structure: { tag: "none" } } } },
    });
    expect(await roundTrip(type, "x")).toBe("x");
    expect(await roundTrip(type, null)).toBeNull();
    const u = t.union(t.int(), t.string(), t.list(t.float()));
    expect(await roundTrip(u, 3)).toBe(3);
    expect(await roundTrip(u, "3")).toBe("3");
    expect(await roundTrip(u, [1, 2.5])).toEqual([1, 2.5]);
  });

  it("refuse a value more than one variant takes, as flytekit does", () => {
    const A = t.record({ x: t.int() }, { name: "A" });
    const B = t.record({ x: t.int() }, { name: "B" });
    const e = errorOf(() => t.union(A, B).toLiteralSync({ x: 1 }, { path: "inputs.ab" }));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe(
      "inputs.ab: object is ambiguous for union<record A | record B>: the variants record A and record B all take it " +
        "(flytekit refuses ambiguous union values too); make the variants distinguishable",
    );
    expect(errorOf(() => t.union(t.int(), t.float()).toLiteralSync(1)).rawMessage).toMatch(
      /^value: 1 is ambiguous for union<int \| float>/,
    );
    expect(t.union(t.int(), t.float()).toLiteralSync(1.5)).toBeDefined();
  });

  it("refuse a value no variant takes, with the deeper reasons", () => {
    const type = t.union(t.int(), t.list(t.int()));
    expect(errorOf(() => type.toLiteralSync([1, "x"] as never, { path: "inputs.v" })).rawMessage).toBe(
      'inputs.v: expected union<int | list<int>>, got array[2] (inputs.v[1]: expected integer, got "x")',
    );
  });

  it("read a union value by its stored tag, and refuse tags no variant has", async () => {
    const type = t.union(t.list(t.int()), t.list(t.string()));
    const written = unionLiteral(
      collectionLiteral([stringLiteral("a")]),
      type.literalType.type.case === "unionType" ? type.literalType.type.value.variants[1]! : integerType(),
    );
    expect(await type.fromLiteral(written, ctx)).toEqual(["a"]);
    const wrongTag = unionLiteral(integerLiteral(1), withTag(integerType(), "bool"));
    await expect(t.optional(t.int()).fromLiteral(wrongTag, ctx)).rejects.toThrow(
      'value: the union value was written as "bool", which no variant of optional<int> takes',
    );
  });

  it("read a union value where a plain type is declared by unwrapping it", async () => {
    expect(await t.int().fromLiteral(t.optional(t.int()).toLiteralSync(7), ctx)).toBe(7);
  });

  it("read a bare value for a union by trying every variant, refusing ambiguity as flytekit does", async () => {
    expect(await t.optional(t.int()).fromLiteral(integerLiteral(4), ctx)).toBe(4);
    expect(await t.optional(t.int()).fromLiteral(noneLiteral(), ctx)).toBeNull();
    await expect(t.union(t.int(), t.float()).fromLiteral(integerLiteral(4), ctx)).rejects.toThrow(
      "value: the value is ambiguous for union<int | float>: the variants int and float all read it",
    );
  });

  it("parse command-line text, trying strings last", () => {
    expect(t.union(t.string(), t.int()).parseText("5")).toBe(5);
    expect(t.union(t.string(), t.int()).parseText("five")).toBe("five");
    expect(t.optional(t.int()).parseText("")).toBeNull();
  });
});

describe("list and map types", () => {
  it("declare collection and map literal types", () => {
    expect(typeJson(t.list(t.map(t.float())))).toEqual({ collectionType: { mapValueType: { simple: "FLOAT" } } });
  });

  it("round-trip maps of lists and lists of optionals", async () => {
    const value: Record<string, number[]> = { a: [1, 2], "odd key": [], b: [3] };
    const back = await roundTrip(t.map(t.list(t.int())), value);
    expect(Object.entries(back)).toEqual([
      ["a", [1, 2]],
      ["odd key", []],
      ["b", [3]],
    ]);
    expect(await roundTrip(t.list(t.optional(t.float())), [1.5, null, 2])).toEqual([1.5, null, 2]);
  });

  it("name the element that is wrong", () => {
    expect(
      errorOf(() => t.list(t.map(t.int())).toLiteralSync([{ a: 1 }, { "b c": 1.5 }], { path: "inputs.xs" })).rawMessage,
    ).toBe('inputs.xs[1]["b c"]: expected integer, got 1.5');
  });

  it("parse JSON text", () => {
    expect(t.list(t.int()).parseText("[1, 2]")).toEqual([1, 2]);
    expect(t.map(t.boolean()).parseText('{"a": true}')).toEqual({ a: true });
    expect(errorOf(() => t.list(t.int()).parseText("[1,")).rawMessage).toMatch(
      /^value: expected a list as JSON, got "\[1," \(/,
    );
  });
});

describe("record types", () => {
  const Point = t.record({ x: t.int(), y: t.float() }, { name: "Point" });

  it("declare flytekit's dataclass literal type: STRUCT, mashumaro JSON schema, dataclass_type, msgpack annotation", () => {
    expect(typeJson(Point)).toEqual({
      simple: "STRUCT",
      metadata: {
        type: "object",
        title: "Point",
        properties: { x: { type: "integer" }, y: { type: "number" } },
        additionalProperties: false,
        required: ["x", "y"],
      },
      structure: { dataclassType: { x: { simple: "INTEGER" }, y: { simple: "FLOAT" } } },
      annotation: MSGPACK_ANNOTATION,
    });
  });

  it("emit the JSON schema flytekit's own test expects for nested dataclasses (test_type_engine.py)", () => {
    const Inner = t.record({ a: t.int(), b: t.optional(t.string()), c: t.list(t.int()) }, { name: "InnerStruct" });
    const Outer = t.record({ s: Inner, m: t.map(t.string()) }, { name: "TestStruct" });
    expect(Outer.literalType.metadata).toEqual({
      type: "object",
      title: "TestStruct",
      properties: {
        s: {
          type: "object",
          title: "InnerStruct",
          properties: {
            a: { type: "integer" },
            b: { anyOf: [{ type: "string" }, { type: "null" }] },
            c: { type: "array", items: { type: "integer" } },
          },
          additionalProperties: false,
          required: ["a", "b", "c"],
        },
        m: { type: "object", additionalProperties: { type: "string" }, propertyNames: { type: "string" } },
      },
      additionalProperties: false,
      required: ["s", "m"],
    });
    const fields = Outer.literalType.structure?.dataclassType ?? {};
    expect(fields.s).toEqual(Inner.literalType);
    expect(fields.m).toEqual(t.map(t.string()).literalType);
  });

  it("write fields as msgpack from the schema: ints as ints, floats as float64 even when whole", () => {
    const literal = Point.toLiteralSync({ x: 1, y: 1 });
    const binary = binaryOf(literal);
    expect(binary.tag).toBe("msgpack");
    // {"x": 1, "y": 1.0} as Python's msgpack.dumps writes it: fixmap 2, fixstr x, fixint 1, fixstr y, float64 1.0
    expect(hex(binary.value)).toBe("82a17801a179cb3ff0000000000000");
  });

  it("write dates, durations, enums, optionals and nested records as mashumaro does", () => {
    const Event = t.record(
      {
        at: t.datetime(),
        on: t.date(),
        took: t.duration(),
        color: t.enum(["red", "blue"]),
        note: t.optional(t.string()),
        where: Point,
        tags: t.map(t.int64()),
      },
      { name: "Event" },
    );
    const literal = Event.toLiteralSync({
      at: new Date("2024-01-02T03:04:05.006Z"),
      on: new Date("2024-01-02"),
      took: 1500,
      color: "blue",
      where: { x: -1, y: 2.5 },
      tags: { big: 2n ** 40n },
    });
    expect(decodeMsgpack(binaryOf(literal).value, "v")).toEqual({
      at: "2024-01-02T03:04:05.006000+00:00",
      on: "2024-01-02",
      took: 1.5,
      color: "blue",
      note: null,
      where: { x: -1, y: 2.5 },
      tags: { big: 2n ** 40n },
    });
  });

  it("round-trip nested records with optionals, lists and maps", async () => {
    const Line = t.record(
      { from: Point, to: Point, label: t.optional(t.string()), weights: t.map(t.list(t.float())) },
      { name: "Line" },
    );
    const value = { from: { x: 0, y: 0 }, to: { x: 3, y: 4 }, label: null, weights: { a: [1, 0.5] } };
    expect(await roundTrip(Line, value)).toEqual(value);
  });

  it("read the legacy protobuf Struct form, turning whole doubles back into ints", async () => {
    expect(await Point.fromLiteral(genericLiteral({ x: 3, y: 4 }), ctx)).toEqual({ x: 3, y: 4 });
    await expect(Point.fromLiteral(genericLiteral({ x: 3.5, y: 4 }), ctx, { path: "inputs.p" })).rejects.toThrow(
      "inputs.p.x: expected integer, got 3.5",
    );
  });

  it("read a field handed over by propeller as msgpack binary (attribute paths into records)", async () => {
    // propeller resolves `p.x` of a msgpack record to a msgpack-encoded scalar.binary of the field.
    expect(await t.int().fromLiteral(binaryLiteral(Uint8Array.of(0x05), "msgpack"), ctx)).toBe(5);
    expect(await t.float().fromLiteral(binaryLiteral(Uint8Array.of(0x05), "msgpack"), ctx)).toBe(5);
  });

  it("refuse missing, extra and wrong fields with their path", () => {
    expect(errorOf(() => Point.toLiteralSync({ x: 1 } as never, { path: "inputs.points[2]" })).rawMessage).toBe(
      "inputs.points[2].y: missing field of record Point",
    );
    expect(errorOf(() => Point.toLiteralSync({ x: 1, y: 2, z: 3 } as never)).rawMessage).toBe(
      "value.z: record Point has no such field (fields: x, y)",
    );
    expect(
      errorOf(() =>
        t.list(Point).toLiteralSync(
          [
            { x: 1, y: 1 },
            { x: 1, y: 1 },
            { x: 1.5, y: 1 },
          ],
          { path: "inputs.points" },
        ),
      ).rawMessage,
    ).toBe("inputs.points[2].x: expected integer, got 1.5");
  });

  it("let optional fields be left out and read them back as null", async () => {
    const R = t.record({ a: t.int(), b: t.optional(t.int()) }, { name: "R" });
    expect(await roundTrip(R, { a: 1 })).toEqual({ a: 1, b: null });
  });

  it("put field descriptions into the JSON schema", () => {
    const R = t.record({ a: t.int().describe("the a") }, { name: "R" });
    expect(R.literalType.metadata).toEqual({
      type: "object",
      title: "R",
      properties: { a: { type: "integer", description: "the a" } },
      additionalProperties: false,
      required: ["a"],
    });
  });

  it("parse JSON text in mashumaro's JSON form", () => {
    expect(Point.parseText('{"x": 1, "y": 2}')).toEqual({ x: 1, y: 2 });
  });
});

describe("json type", () => {
  it("declares an untyped dict as flytekit does: STRUCT with the msgpack annotation and no schema", () => {
    expect(typeJson(t.json())).toEqual({ simple: "STRUCT", annotation: MSGPACK_ANNOTATION });
    expect(t.json().literalType.type).toEqual(
      create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.STRUCT } }).type,
    );
  });

  it("round-trips JSON objects through msgpack and reads the legacy Struct form", async () => {
    const value = { a: 1, b: [true, null, "s", 2.5], c: { d: {} } };
    expect(await roundTrip(t.json(), value)).toEqual(value);
    expect(hex(binaryOf(t.json().toLiteralSync({ n: 1, f: 0.5 })).value)).toBe("82a16e01a166cb3fe0000000000000");
    expect(await t.json().fromLiteral(genericLiteral({ a: 1 }), ctx)).toEqual({ a: 1 });
  });

  it("refuses values that are not JSON", () => {
    expect(errorOf(() => t.json().toLiteralSync({ a: [new Date(0)] } as never)).rawMessage).toBe(
      "value.a[0]: Date(1970-01-01T00:00:00.000Z) is not a JSON value",
    );
  });
});

describe("type kinds", () => {
  it("tell what each type is, for code that walks types", () => {
    expect(
      [t.int(), t.optional(t.int()).describe("d"), t.union(t.int(), t.string()), t.list(t.int()), t.record({})].map(
        typeKind,
      ),
    ).toEqual(["int", "optional", "union", "list", "record"]);
    expect(isType(t.json())).toBe(true);
    expect(isType({ literalType: {} })).toBe(false);
    const described = t.optional(t.string()).describe("maybe");
    expect(described.optional).toBe(true);
    expect(described.inner.literalType).toEqual(t.string().literalType);
  });
});

describe("inferred TypeScript types", () => {
  it("map t.* types to the JS values they take", () => {
    expectTypeOf<Infer<ReturnType<typeof t.int>>>().toEqualTypeOf<number>();
    expectTypeOf<Infer<ReturnType<typeof t.int64>>>().toEqualTypeOf<bigint>();
    expectTypeOf<Infer<ReturnType<typeof t.datetime>>>().toEqualTypeOf<Date>();
    expectTypeOf(t.optional(t.string()).__value).toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Infer<ReturnType<typeof t.optional<string>>>>().toEqualTypeOf<string | null>();
    const types = { u: t.union(t.int(), t.string()), e: t.enum(["a", "b"]), l: t.list(t.map(t.boolean())) };
    expectTypeOf<Infer<(typeof types)["u"]>>().toEqualTypeOf<number | string>();
    expectTypeOf<Infer<(typeof types)["e"]>>().toEqualTypeOf<"a" | "b">();
    expectTypeOf<Infer<(typeof types)["l"]>>().toEqualTypeOf<Record<string, boolean>[]>();
    expect(types.e.values).toEqual(["a", "b"]);
  });

  it("make optional-typed keys optional in records and shapes", () => {
    const types = { R: t.record({ a: t.int(), b: t.optional(t.string().describe("b")) }) };
    type R = Infer<(typeof types)["R"]>;
    expectTypeOf<R["a"]>().toEqualTypeOf<number>();
    expectTypeOf<{ a: number }>().toMatchTypeOf<R>();
    expectTypeOf<R>().toMatchTypeOf<{ a: number; b?: string | null }>();
    const shape = { n: t.int(), o: t.optional(t.float()) };
    expectTypeOf<ValuesOf<typeof shape>>().toEqualTypeOf<{ n: number } & { o?: number | null }>();
    expectTypeOf(types.R.fields.b.optional).toEqualTypeOf<true>();
    expect(shape.o.optional).toBe(true);
    // @ts-expect-error a required key may not be left out
    const missing: R = { b: "x" };
    void missing;
  });
});
