import { create, fromJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LiteralSchema } from "./gen/flyteidl/core/literals_pb.js";
import {
  binaryLiteral,
  blobLiteral,
  booleanLiteral,
  collectionLiteral,
  datetimeLiteral,
  durationLiteral,
  errorLiteral,
  floatLiteral,
  genericLiteral,
  integerLiteral,
  literalToString,
  mapLiteral,
  noneLiteral,
  stringLiteral,
  stringType,
  structuredDatasetLiteral,
  unionLiteral,
} from "./index.js";

describe("literalToString", () => {
  it("prints primitives compactly, floats with a decimal point", () => {
    expect(literalToString(integerLiteral(2n ** 62n))).toBe("4611686018427387904");
    expect(literalToString(floatLiteral(2))).toBe("2.0");
    expect(literalToString(floatLiteral(0.25))).toBe("0.25");
    expect(literalToString(floatLiteral(1e21))).toBe("1e+21");
    expect(literalToString(stringLiteral('say "hi"'))).toBe('"say \\"hi\\""');
    expect(literalToString(booleanLiteral(true))).toBe("true");
    expect(literalToString(datetimeLiteral(new Date("2024-05-01T12:00:00Z")))).toBe("2024-05-01T12:00:00Z");
    expect(literalToString(durationLiteral(1500))).toBe("1.500s");
    expect(literalToString(noneLiteral())).toBe("null");
  });

  it("prints lists, maps and structs as JSON-like text", () => {
    expect(literalToString(collectionLiteral([integerLiteral(1), integerLiteral(2)]))).toBe("[1, 2]");
    expect(literalToString(mapLiteral({ a: integerLiteral(1), b: collectionLiteral([]) }))).toBe('{"a": 1, "b": []}');
    expect(literalToString(genericLiteral({ a: 1, b: { c: [true, null] } }))).toBe(
      '{"a": 1, "b": {"c": [true, null]}}',
    );
  });

  it("prints blobs and datasets as their URI and a union as its value", () => {
    expect(literalToString(blobLiteral({ uri: "s3://bucket/a.csv" }))).toBe("s3://bucket/a.csv");
    expect(literalToString(structuredDatasetLiteral({ uri: "s3://bucket/df" }))).toBe("s3://bucket/df");
    expect(literalToString(unionLiteral(stringLiteral("x"), stringType()))).toBe('"x"');
  });

  it("describes binaries, errors, offloaded and unset literals", () => {
    expect(literalToString(binaryLiteral(new Uint8Array(12), "msgpack"))).toBe("<binary msgpack, 12 bytes>");
    expect(literalToString(errorLiteral({ message: "boom", failedNodeId: "n1" }))).toBe("<error from n1: boom>");
    const offloaded = fromJson(LiteralSchema, { offloaded_metadata: { uri: "s3://b/o", size_bytes: "2048" } });
    expect(literalToString(offloaded)).toBe("<offloaded s3://b/o, 2048 bytes>");
    expect(literalToString(create(LiteralSchema))).toBe("<unset>");
  });
});
