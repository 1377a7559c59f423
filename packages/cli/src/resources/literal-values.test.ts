import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  blobLiteral,
  blobType,
  booleanType,
  collectionLiteral,
  collectionType,
  datetimeLiteral,
  datetimeType,
  durationLiteral,
  durationType,
  enumType,
  floatType,
  integerLiteral,
  integerType,
  literalMap,
  mapLiteral,
  mapType,
  noneLiteral,
  optionalType,
  stringLiteral,
  stringType,
  structType,
  unionLiteral,
} from "@aloft/idl";
import { LiteralTypeSchema, SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { describe, expect, it } from "vitest";
import { defaultValueForType, literalMapToPlain, literalToPlain } from "./literal-values.js";

describe("literalToPlain", () => {
  it("reads literals as flytectl's ExtractFromLiteral, in forms YAML and JSON can hold", () => {
    const map = literalMap({
      n: integerLiteral(42),
      big: integerLiteral(2n ** 60n),
      when: datetimeLiteral(timestampFromMs(Date.UTC(2024, 4, 1, 12))),
      took: durationLiteral({ seconds: 90n, nanos: 500_000_000 }),
      file: blobLiteral({ uri: "s3://b/f.csv", format: "csv" }),
      xs: collectionLiteral([stringLiteral("a"), stringLiteral("b")]),
      m: mapLiteral({ k: integerLiteral(1) }),
      maybe: unionLiteral(integerLiteral(7), integerType()),
      nothing: noneLiteral(),
    });
    expect(literalMapToPlain(map)).toEqual({
      big: "1152921504606846976",
      file: "s3://b/f.csv",
      m: { k: 1 },
      maybe: 7,
      n: 42,
      nothing: null,
      took: "90.500s",
      when: "2024-05-01T12:00:00Z",
      xs: ["a", "b"],
    });
    expect(literalToPlain(stringLiteral("x"))).toBe("x");
  });
});

describe("defaultValueForType", () => {
  it("gives flytectl's starting values for an execution spec", () => {
    const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(
      [
        integerType(),
        floatType(),
        stringType(),
        booleanType(),
        datetimeType(),
        durationType(),
        blobType(),
        collectionType(integerType()),
        mapType(stringType()),
        structType(),
        enumType(["red", "green"]),
        optionalType(integerType()),
        create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.NONE } }),
      ].map((type) => defaultValueForType(type, now)),
    ).toEqual([
      0,
      0,
      "",
      false,
      "2024-01-02T03:04:05.000Z",
      "1s",
      "/tmp/somepath",
      [0],
      { itemKey: "" },
      {},
      "red",
      0,
      null,
    ]);
  });
});
