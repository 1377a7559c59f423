import { create, fromJson, type JsonValue, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { type Literal, LiteralMapSchema, LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import { StructuredDatasetTypeSchema } from "./gen/flyteidl/core/types_pb.js";
import {
  AloftError,
  binaryLiteral,
  blobLiteral,
  booleanLiteral,
  Code,
  collectionLiteral,
  datetimeLiteral,
  durationLiteral,
  errorLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  isLiteral,
  literalMap,
  literalsEqual,
  mapLiteral,
  noneLiteral,
  optionalType,
  stringLiteral,
  stringType,
  structuredDatasetLiteral,
  unionLiteral,
  withTag,
} from "./index.js";

/** A Literal from its protobuf JSON (proto names). */
const literalFromProtoJson = (json: JsonValue): Literal => fromJson(LiteralSchema, json);

function expectLiteral(actual: Literal, json: JsonValue): void {
  expect(literalsEqual(actual, literalFromProtoJson(json))).toBe(true);
}

function expectInvalid(run: () => unknown, message: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(AloftError);
    expect((e as AloftError).code).toBe(Code.InvalidArgument);
    expect((e as AloftError).rawMessage).toBe(message);
    return;
  }
  expect.fail(`expected InvalidArgument: ${message}`);
}

describe("primitive literal builders", () => {
  it("build integers from numbers and bigints across the int64 range", () => {
    expectLiteral(integerLiteral(42), { scalar: { primitive: { integer: "42" } } });
    expectLiteral(integerLiteral(-(2n ** 63n)), { scalar: { primitive: { integer: "-9223372036854775808" } } });
    expectLiteral(integerLiteral(2n ** 63n - 1n), { scalar: { primitive: { integer: "9223372036854775807" } } });
  });

  it("reject integers a number cannot hold exactly and bigints beyond int64", () => {
    expectInvalid(
      () => integerLiteral(2 ** 60),
      "integer literal: 1152921504606846976 is not a safe integer; pass a bigint for integers beyond ±2^53",
    );
    expectInvalid(() => integerLiteral(1.5), "integer literal: 1.5 is not a safe integer");
    expectInvalid(() => integerLiteral(2n ** 63n), "integer literal: 9223372036854775808 is outside the int64 range");
  });

  it("build floats, strings and booleans", () => {
    expectLiteral(floatLiteral(1.5), { scalar: { primitive: { float_value: 1.5 } } });
    expectLiteral(stringLiteral("hi"), { scalar: { primitive: { string_value: "hi" } } });
    expectLiteral(booleanLiteral(false), { scalar: { primitive: { boolean: false } } });
  });

  it("build datetimes from a Date or, keeping nanoseconds, a Timestamp", () => {
    expectLiteral(datetimeLiteral(new Date("2024-05-01T12:00:00.250Z")), {
      scalar: { primitive: { datetime: "2024-05-01T12:00:00.250Z" } },
    });
    const ts = create(TimestampSchema, { seconds: 1714564800n, nanos: 123456789 });
    expectLiteral(datetimeLiteral(ts), { scalar: { primitive: { datetime: "2024-05-01T12:00:00.123456789Z" } } });
    expectInvalid(() => datetimeLiteral(new Date("nope")), "datetime literal: invalid Date");
  });

  it("build durations from parts or milliseconds, keeping protobuf's sign rule", () => {
    expectLiteral(durationLiteral({ seconds: 90n, nanos: 5 }), {
      scalar: { primitive: { duration: "90.000000005s" } },
    });
    expectLiteral(durationLiteral(1500), { scalar: { primitive: { duration: "1.5s" } } });
    expectLiteral(durationLiteral(-1500), { scalar: { primitive: { duration: "-1.5s" } } });
    expectLiteral(durationLiteral(0.001), { scalar: { primitive: { duration: "0.000001s" } } });
    // Ten years and a quarter millisecond: beyond 2^53 nanoseconds, still exact.
    expectLiteral(durationLiteral(315_360_000_000.25), { scalar: { primitive: { duration: "315360000.000250s" } } });
    expectInvalid(
      () => durationLiteral({ seconds: 1, nanos: -1 }),
      "duration literal: seconds 1 and nanos -1 have different signs",
    );
    expectInvalid(
      () => durationLiteral({ seconds: 0, nanos: 1e9 }),
      "duration literal: nanos 1000000000 is not an integer between -999999999 and 999999999",
    );
    expectInvalid(() => durationLiteral(Infinity), "duration literal: Infinity milliseconds is not finite");
  });
});

describe("other literal builders", () => {
  it("build none, collections and maps", () => {
    expectLiteral(noneLiteral(), { scalar: { none_type: {} } });
    expectLiteral(collectionLiteral([integerLiteral(1), noneLiteral()]), {
      collection: { literals: [{ scalar: { primitive: { integer: "1" } } }, { scalar: { none_type: {} } }] },
    });
    expectLiteral(mapLiteral({ a: stringLiteral("x") }), {
      map: { literals: { a: { scalar: { primitive: { string_value: "x" } } } } },
    });
    const map = literalMap({ o0: integerLiteral(1) });
    expect(map.$typeName).toBe("flyteidl.core.LiteralMap");
    expect(toBinary(LiteralMapSchema, map)).toEqual(
      toBinary(
        LiteralMapSchema,
        fromJson(LiteralMapSchema, { literals: { o0: { scalar: { primitive: { integer: "1" } } } } }),
      ),
    );
  });

  it("keep a map key named __proto__ as an ordinary key", () => {
    const map = literalMap(Object.fromEntries([["__proto__", integerLiteral(1)]]));
    expect(Object.keys(map.literals)).toEqual(["__proto__"]);
  });

  it("build blobs with their blob type", () => {
    expectLiteral(blobLiteral({ uri: "s3://b/k" }), {
      scalar: { blob: { uri: "s3://b/k", metadata: { type: { format: "", dimensionality: "SINGLE" } } } },
    });
    expectLiteral(blobLiteral({ uri: "s3://b/dir", format: "csv", dimensionality: "multipart" }), {
      scalar: { blob: { uri: "s3://b/dir", metadata: { type: { format: "csv", dimensionality: "MULTIPART" } } } },
    });
  });

  it("build structured datasets that always carry metadata", () => {
    expectLiteral(structuredDatasetLiteral({ uri: "s3://b/df" }), {
      scalar: { structured_dataset: { uri: "s3://b/df", metadata: { structured_dataset_type: {} } } },
    });
    const type = create(StructuredDatasetTypeSchema, { format: "parquet" });
    expectLiteral(structuredDatasetLiteral({ uri: "s3://b/df", type }), {
      scalar: {
        structured_dataset: { uri: "s3://b/df", metadata: { structured_dataset_type: { format: "parquet" } } },
      },
    });
  });

  it("build unions, generics, binaries and errors", () => {
    const variant = withTag(stringType(), "str");
    expectLiteral(unionLiteral(stringLiteral("a"), variant), {
      scalar: {
        union: {
          value: { scalar: { primitive: { string_value: "a" } } },
          type: { simple: "STRING", structure: { tag: "str" } },
        },
      },
    });
    expectLiteral(genericLiteral({ a: 1, b: [true, null] }), { scalar: { generic: { a: 1, b: [true, null] } } });
    expectLiteral(binaryLiteral(new Uint8Array([0x81, 0xa1, 0x61, 0x01]), "msgpack"), {
      scalar: { binary: { value: "gaFhAQ==", tag: "msgpack" } },
    });
    expectLiteral(errorLiteral({ message: "boom", failedNodeId: "n1" }), {
      scalar: { error: { message: "boom", failed_node_id: "n1" } },
    });
  });
});

describe("literalsEqual and isLiteral", () => {
  it("compare literals by value, maps regardless of key order", () => {
    const a = mapLiteral({ x: integerLiteral(1), y: integerLiteral(2) });
    const b = mapLiteral({ y: integerLiteral(2), x: integerLiteral(1) });
    expect(literalsEqual(a, b)).toBe(true);
    expect(literalsEqual(integerLiteral(1), floatLiteral(1))).toBe(false);
  });

  it("recognise Literal messages only", () => {
    expect(isLiteral(noneLiteral())).toBe(true);
    expect(isLiteral(optionalType(stringType()))).toBe(false);
    expect(isLiteral({ value: { case: "scalar" } })).toBe(false);
  });
});
