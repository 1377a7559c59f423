import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { type Literal, LiteralMapSchema, LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import {
  AloftError,
  blobType,
  Code,
  collectionType,
  datetimeType,
  durationType,
  enumType,
  floatLiteral,
  floatType,
  integerType,
  literalFromJs,
  literalMapFromJs,
  literalsEqual,
  mapType,
  noneType,
  optionalType,
  stringType,
  structType,
  structuredDatasetType,
  unionLiteral,
  unionType,
  withTag,
} from "./index.js";
import { LiteralTypeSchema } from "./gen/flyteidl/core/types_pb.js";

const literalJson = (literal: Literal): JsonValue => toJson(LiteralSchema, literal, { useProtoFieldName: true });

function invalid(run: () => unknown): AloftError {
  try {
    run();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  return expect.fail("expected an AloftError");
}

function expectInvalid(run: () => unknown, message: string): void {
  const e = invalid(run);
  expect(e.code).toBe(Code.InvalidArgument);
  expect(e.rawMessage).toBe(message);
}

describe("literalFromJs input forms", () => {
  it("accept integers as bigints and integer-valued strings", () => {
    expect(literalJson(literalFromJs(2n ** 62n, integerType()))).toEqual({
      scalar: { primitive: { integer: "4611686018427387904" } },
    });
    expect(literalJson(literalFromJs(" -7 ", integerType()))).toEqual({ scalar: { primitive: { integer: "-7" } } });
    expectInvalid(() => literalFromJs("4.2", integerType()), 'value: expected integer, got "4.2"');
    expectInvalid(
      () => literalFromJs("99999999999999999999", integerType(), { path: "inputs.n" }),
      "inputs.n: 99999999999999999999 is outside the int64 range",
    );
    expectInvalid(
      () => literalFromJs(2 ** 53, integerType()),
      "value: 9007199254740992 is not a safe integer; pass a bigint for integers beyond ±2^53",
    );
  });

  it("accept datetimes as RFC 3339 strings and Timestamps, keeping nanoseconds", () => {
    expect(literalJson(literalFromJs("2024-05-01T12:00:00.123456789Z", datetimeType()))).toEqual({
      scalar: { primitive: { datetime: "2024-05-01T12:00:00.123456789Z" } },
    });
    const ts = create(TimestampSchema, { seconds: 1n, nanos: 7 });
    expect(literalJson(literalFromJs(ts, datetimeType()))).toEqual({
      scalar: { primitive: { datetime: "1970-01-01T00:00:01.000000007Z" } },
    });
    expectInvalid(() => literalFromJs("yesterday", datetimeType()), 'value: expected datetime, got "yesterday"');
    expectInvalid(() => literalFromJs(new Date(NaN), datetimeType()), "value: expected datetime, got an invalid Date");
  });

  it("accept durations as parts, milliseconds, protobuf JSON strings and Duration messages", () => {
    // Like Go's protojson, protobuf-es writes 0, 3, 6 or 9 fractional digits.
    const expected = { scalar: { primitive: { duration: "1.500s" } } };
    expect(literalJson(literalFromJs({ seconds: 1, nanos: 500_000_000 }, durationType()))).toEqual(expected);
    expect(literalJson(literalFromJs(1500, durationType()))).toEqual(expected);
    expect(literalJson(literalFromJs("1.5s", durationType()))).toEqual(expected);
    expect(literalJson(literalFromJs(create(DurationSchema, { seconds: 1n, nanos: 5e8 }), durationType()))).toEqual(
      expected,
    );
    expectInvalid(
      () => literalFromJs({ seconds: -1, nanos: 5 }, durationType(), { path: "timeout" }),
      "timeout: seconds -1 and nanos 5 have different signs",
    );
  });

  it("accept maps as plain objects or Maps with string keys", () => {
    const type = mapType(integerType());
    const fromObject = literalFromJs({ a: 1 }, type);
    expect(literalsEqual(literalFromJs(new Map([["a", 1]]), type), fromObject)).toBe(true);
    expectInvalid(() => literalFromJs(new Map([[1, 1]]), type), "value: map keys must be strings, got 1");
    const odd = literalFromJs(JSON.parse('{"__proto__": 1}') as unknown, type);
    expect(odd.value.case === "map" && Object.keys(odd.value.value.literals)).toEqual(["__proto__"]);
  });

  it("accept blobs and datasets as URIs, taking format and dimensionality from the type", () => {
    expect(literalJson(literalFromJs("s3://b/d", blobType({ format: "csv", dimensionality: "multipart" })))).toEqual({
      scalar: { blob: { uri: "s3://b/d", metadata: { type: { format: "csv", dimensionality: "MULTIPART" } } } },
    });
    expect(literalJson(literalFromJs({ uri: "s3://b/f", format: "csv" }, blobType()))).toEqual({
      scalar: { blob: { uri: "s3://b/f", metadata: { type: { format: "csv" } } } },
    });
    expect(literalJson(literalFromJs("s3://b/df", structuredDatasetType({ format: "parquet" })))).toEqual({
      scalar: {
        structured_dataset: { uri: "s3://b/df", metadata: { structured_dataset_type: { format: "parquet" } } },
      },
    });
    expectInvalid(
      () => literalFromJs({ uri: "s3://b/f", format: "json" }, blobType({ format: "csv" })),
      'value: format "json" does not match the declared format "csv"',
    );
    expectInvalid(
      () => literalFromJs({ uri: "s3://b/f", dimensionality: "multipart" }, blobType()),
      'value: expected a single blob, got dimensionality "multipart"',
    );
  });

  it("pass a Literal through unchanged", () => {
    const literal = floatLiteral(3);
    expect(literalFromJs(literal, unionType([integerType(), floatType()]))).toBe(literal);
  });
});

describe("literalFromJs errors", () => {
  it("name the path into the value", () => {
    const types = { x: collectionType(mapType(integerType())) };
    expectInvalid(
      () => literalMapFromJs({ x: [{ y: 1 }, { y: 2 }, { y: "abc" }] }, types),
      'inputs.x[2].y: expected integer, got "abc"',
    );
    expectInvalid(
      () => literalFromJs({ "a b": [1, 2.5] }, mapType(collectionType(integerType()))),
      'value["a b"][1]: expected integer, got 2.5',
    );
  });

  it("reject values of the wrong kind", () => {
    expectInvalid(() => literalFromJs(1, stringType()), "value: expected string, got 1");
    expectInvalid(() => literalFromJs("1", floatType()), 'value: expected float, got "1"');
    expectInvalid(() => literalFromJs(0, noneType()), "value: expected none, got 0");
    expectInvalid(() => literalFromJs({}, collectionType(integerType())), "value: expected list<integer>, got object");
    expectInvalid(() => literalFromJs([], structType()), "value: expected struct, got array[0]");
  });

  it("reject enum values outside the enum", () => {
    expectInvalid(
      () => literalFromJs("blue", enumType(["red", "green"]), { path: "inputs.colour" }),
      'inputs.colour: "blue" is not one of the enum values red, green',
    );
  });

  it("reject struct members that JSON cannot hold", () => {
    expectInvalid(
      () => literalFromJs({ a: { b: [1, 2n] } }, structType()),
      "value.a.b[1]: expected a JSON value, got 2n",
    );
    expectInvalid(() => literalFromJs({ a: NaN }, structType()), "value.a: expected a finite JSON number, got NaN");
    expectInvalid(() => literalFromJs({ a: undefined }, structType()), "value.a: expected a JSON value, got undefined");
  });

  it("reject a name with no declared type", () => {
    expectInvalid(
      () => literalMapFromJs({ a: 1, b: 2 }, { a: integerType() }),
      "inputs.b: no such variable (known: a)",
    );
  });

  it("reject an unset type", () => {
    expectInvalid(() => literalFromJs(1, create(LiteralTypeSchema)), "value: the literal type is unset");
  });
});

describe("literalFromJs unions", () => {
  it("write the matching variant as declared, tag included", () => {
    const type = unionType([withTag(integerType(), "int"), withTag(stringType(), "str")]);
    expect(literalJson(literalFromJs("a", type))).toEqual({
      scalar: {
        union: {
          value: { scalar: { primitive: { string_value: "a" } } },
          type: { simple: "STRING", structure: { tag: "str" } },
        },
      },
    });
  });

  it("match variants by the natural JS form only", () => {
    // "42" would be an integer outside a union; inside one it is only a string.
    const type = unionType([integerType(), stringType()]);
    const literal = literalFromJs("42", type);
    expect(
      literal.value.case === "scalar" &&
        literal.value.value.value.case === "union" &&
        literal.value.value.value.value.type?.structure?.tag,
    ).toBe("str");
    expectInvalid(
      () => literalFromJs("42", optionalType(integerType())),
      'value: expected union<integer (int) | none>, got "42"',
    );
  });

  it("refuse a value that matches several variants, as flytekit does", () => {
    expectInvalid(
      () => literalFromJs(3, unionType([integerType(), floatType()])),
      "value: 3 is ambiguous for union<integer (int) | float>: it matches the variants int and float; " +
        "pass a Literal built with unionLiteral to choose one",
    );
    // A bigint is only an integer, and an explicit Literal settles any case.
    expect(literalJson(literalFromJs(3n, unionType([integerType(), floatType()])))).toEqual({
      scalar: {
        union: {
          value: { scalar: { primitive: { integer: "3" } } },
          type: { simple: "INTEGER", structure: { tag: "int" } },
        },
      },
    });
    const chosen = unionLiteral(floatLiteral(3), withTag(floatType(), "float"));
    expect(literalFromJs(chosen, unionType([integerType(), floatType()]))).toBe(chosen);
  });

  it("explain a nested mismatch when no variant matches", () => {
    expectInvalid(
      () => literalFromJs([1, "a"], optionalType(collectionType(integerType())), { path: "inputs.xs" }),
      'inputs.xs: expected union<list<integer> (Typed List) | none>, got array[2] (inputs.xs[1]: expected integer, got "a")',
    );
  });

  it("convert nested values inside a LiteralMap", () => {
    const map = literalMapFromJs(
      { a: null, b: [1.5] },
      { a: optionalType(stringType()), b: collectionType(floatType()) },
    );
    expect(toJson(LiteralMapSchema, map, { useProtoFieldName: true })).toEqual(
      toJson(
        LiteralMapSchema,
        fromJson(LiteralMapSchema, {
          literals: {
            a: {
              scalar: {
                union: { value: { scalar: { none_type: {} } }, type: { simple: "NONE", structure: { tag: "none" } } },
              },
            },
            b: { collection: { literals: [{ scalar: { primitive: { float_value: 1.5 } } }] } },
          },
        }),
        { useProtoFieldName: true },
      ),
    );
  });
});
