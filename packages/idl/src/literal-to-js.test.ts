import { create, fromJson } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import {
  AloftError,
  binaryLiteral,
  blobType,
  Code,
  collectionLiteral,
  collectionType,
  datetimeLiteral,
  datetimeType,
  durationLiteral,
  durationType,
  enumType,
  floatLiteral,
  floatType,
  integerLiteral,
  integerType,
  literalMap,
  literalMapToJs,
  literalToJs,
  mapLiteral,
  mapType,
  optionalType,
  stringLiteral,
  stringType,
  structType,
  unionLiteral,
  unionType,
  withTag,
} from "./index.js";

function caught(run: () => unknown): AloftError {
  try {
    run();
  } catch (e) {
    if (e instanceof AloftError) return e;
    throw e;
  }
  return expect.fail("expected an AloftError");
}

describe("literalToJs numbers", () => {
  it("give a number for safe integers and a bigint beyond", () => {
    expect(literalToJs(integerLiteral(7), integerType())).toBe(7);
    expect(literalToJs(integerLiteral(2n ** 60n), integerType())).toBe(2n ** 60n);
    expect(literalToJs(integerLiteral(-(2n ** 63n)))).toBe(-(2n ** 63n));
  });

  it("accept a float for an integer, truncating it as flytekit does, and an integer for a float", () => {
    expect(literalToJs(floatLiteral(3.9), integerType())).toBe(3);
    expect(literalToJs(floatLiteral(-3.9), integerType())).toBe(-3);
    expect(literalToJs(integerLiteral(4), floatType())).toBe(4);
  });
});

describe("literalToJs datetimes and durations", () => {
  const ts = create(TimestampSchema, { seconds: 1714564800n, nanos: 123_999_999 });

  it("give a Date that truncates to the millisecond, or the Timestamp itself", () => {
    expect(literalToJs(datetimeLiteral(ts), datetimeType())).toEqual(new Date("2024-05-01T12:00:00.123Z"));
    const exact = literalToJs(datetimeLiteral(ts), datetimeType(), { datetimes: "timestamp" });
    expect(exact).toEqual(ts);
    expect(exact).not.toBe(ts);
  });

  it("give durations as parts or milliseconds", () => {
    expect(literalToJs(durationLiteral(1500.5), durationType())).toEqual({ seconds: 1n, nanos: 500_500_000 });
    expect(literalToJs(durationLiteral(1500.5), durationType(), { durations: "ms" })).toBe(1500.5);
  });
});

describe("literalToJs unions", () => {
  it("read a union value with its stored type", () => {
    const type = unionType([datetimeType(), stringType()]);
    const literal = unionLiteral(datetimeLiteral(new Date(0)), withTag(datetimeType(), "datetime"));
    expect(literalToJs(literal, type)).toEqual(new Date(0));
  });

  it("read a bare value declared as a union by its own shape", () => {
    expect(literalToJs(integerLiteral(1), optionalType(integerType()))).toBe(1);
  });
});

describe("literalToJs errors", () => {
  it("name the path and show the literal that does not match the type", () => {
    const literal = mapLiteral({ xs: collectionLiteral([stringLiteral("abc")]) });
    const e = caught(() => literalToJs(literal, collectionType(integerType()), { path: "outputs.o0" }));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe('outputs.o0: expected list<integer>, got map {"xs": ["abc"]}');
    const inner = caught(() => literalToJs(literal, mapType(collectionType(integerType()))));
    expect(inner.rawMessage).toBe('value.xs[0]: expected integer, got string "abc"');
    const inMap = caught(() => literalMapToJs(literalMap({ o0: literal }), { o0: structType() }));
    expect(inMap.rawMessage).toBe('outputs.o0: expected struct, got map {"xs": ["abc"]}');
  });

  it("reject enum values outside the enum", () => {
    const e = caught(() => literalToJs(stringLiteral("blue"), enumType(["red"])));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toBe('value: "blue" is not one of the enum values red');
  });

  it("refuse msgpack STRUCTs with Unimplemented, and give their raw bytes without a type", () => {
    const literal = binaryLiteral(new Uint8Array([0x80]), "msgpack");
    const e = caught(() => literalToJs(literal, structType(), { path: "inputs.dc" }));
    expect(e.code).toBe(Code.Unimplemented);
    expect(e.rawMessage).toBe(
      "inputs.dc: the STRUCT value is msgpack-encoded (scalar.binary); it needs msgpack decoding, which @aloft/idl does not do",
    );
    expect(literalToJs(literal)).toEqual({ value: new Uint8Array([0x80]), tag: "msgpack" });
  });

  it("refuse an offloaded literal with FailedPrecondition", () => {
    const literal = fromJson(LiteralSchema, { offloaded_metadata: { uri: "s3://b/o", size_bytes: "10" } });
    const e = caught(() => literalToJs(literal, blobType()));
    expect(e.code).toBe(Code.FailedPrecondition);
    expect(e.rawMessage).toBe("value: the literal is offloaded to s3://b/o; load it first");
  });
});

describe("literalMapToJs", () => {
  it("convert each entry with its declared type, others by shape", () => {
    const map = literalMap({ a: floatLiteral(2), b: stringLiteral("x") });
    expect(literalMapToJs(map, { a: integerType() })).toEqual({ a: 2, b: "x" });
  });
});
