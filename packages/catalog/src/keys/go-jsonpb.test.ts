import { Code } from "@aloft/idl";
import { create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import { BlobTypeSchema, BlobType_BlobDimensionality, LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { BinarySchema, PrimitiveSchema, ScalarSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  anyPack,
  AnySchema,
  DurationSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldMaskSchema,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
  FileDescriptorProtoSchema,
  TimestampSchema,
  ValueSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { objectHash, pbHash, pbHashString, toGoJsonpb } from "../index.js";

const { INT64, DOUBLE, FLOAT, STRING, BOOL, MESSAGE } = FieldDescriptorProto_Type;
const REPEATED = FieldDescriptorProto_Label.REPEATED;

/**
 * The messages of flytestdlib/pbhash/pbhash_test.go (Go structs with protobuf tags, proto3), declared here as a
 * descriptor so the test runs them through the same code path as generated messages.
 */
const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: "pbhash_test.proto",
    package: "pbhash",
    syntax: "proto3",
    dependency: ["google/protobuf/timestamp.proto", "google/protobuf/duration.proto"],
    messageType: [
      {
        name: "MockProtoMessage",
        field: [
          { name: "integer", number: 1, type: INT64, jsonName: "integer" },
          { name: "float_value", number: 2, type: DOUBLE, jsonName: "floatValue" },
          { name: "string_value", number: 3, type: STRING, jsonName: "stringValue" },
          { name: "boolean", number: 4, type: BOOL, jsonName: "boolean" },
          { name: "datetime", number: 5, type: MESSAGE, typeName: ".google.protobuf.Timestamp", jsonName: "datetime" },
          { name: "duration", number: 6, type: MESSAGE, typeName: ".google.protobuf.Duration", jsonName: "duration" },
          {
            name: "map_value",
            number: 7,
            type: MESSAGE,
            label: REPEATED,
            typeName: ".pbhash.MockProtoMessage.MapValueEntry",
            jsonName: "mapValue",
          },
          { name: "collections", number: 8, type: STRING, label: REPEATED, jsonName: "collections" },
        ],
        nestedType: [
          {
            name: "MapValueEntry",
            field: [
              { name: "key", number: 1, type: STRING, jsonName: "key" },
              { name: "value", number: 2, type: STRING, jsonName: "value" },
            ],
            options: { mapEntry: true },
          },
        ],
      },
      {
        name: "MockOlderProto",
        field: [
          { name: "integer", number: 1, type: INT64, jsonName: "integer" },
          { name: "float_value", number: 2, type: DOUBLE, jsonName: "floatValue" },
          { name: "string_value", number: 3, type: STRING, jsonName: "stringValue" },
          { name: "boolean", number: 4, type: BOOL, jsonName: "boolean" },
        ],
      },
      { name: "Ratio", field: [{ name: "ratio", number: 1, type: FLOAT, jsonName: "ratio" }] },
    ],
  }),
  (name) =>
    ({
      "google/protobuf/timestamp.proto": file_google_protobuf_timestamp,
      "google/protobuf/duration.proto": file_google_protobuf_duration,
    })[name],
);

function messageType(name: string): DescMessage {
  const desc = registry.getMessage(name);
  if (desc === undefined) throw new Error(`missing ${name}`);
  return desc;
}

const MockProtoMessage = messageType("pbhash.MockProtoMessage");
const MockOlderProto = messageType("pbhash.MockOlderProto");
const Ratio = messageType("pbhash.Ratio");

const partial = { integer: 18n, floatValue: 1.3, stringValue: "lets test this", boolean: true };
const full = {
  ...partial,
  // 2019-03-29T12:00:00Z
  datetime: create(TimestampSchema, { seconds: 1553860800n }),
  duration: create(DurationSchema, { nanos: 1_000_000 }),
  mapValue: { z: "last", a: "first" },
  collections: ["1", "2", "3"],
};

describe("pbHash", () => {
  it("reproduces flytestdlib's pbhash of a fully populated message", () => {
    const message = create(MockProtoMessage, full);
    expect(Buffer.from(pbHash(MockProtoMessage, message)).toString("hex")).toBe(
      "6295b22c23f5356d03564dc78fae2d2bbd07ffdb7ee5f4258fbcb20cada54844",
    );
    expect(pbHashString(MockProtoMessage, message)).toBe("YpWyLCP1NW0DVk3Hj64tK70H/9t+5fQlj7yyDK2lSEQ=");
  });

  it("omits unset fields, so an older message version hashes the same", () => {
    const expected = "GhPMTKvJfUPHK8U3vEmoi/wdVBx7IQSPqyjGXAZzquI=";
    expect(pbHashString(MockProtoMessage, create(MockProtoMessage, partial))).toBe(expected);
    expect(pbHashString(MockOlderProto, create(MockOlderProto, partial))).toBe(expected);
  });
});

describe("toGoJsonpb", () => {
  it("writes camel-cased names, 64-bit integers as strings and Go's time formats", () => {
    expect(toGoJsonpb(MockProtoMessage, create(MockProtoMessage, full))).toEqual({
      integer: "18",
      floatValue: 1.3,
      stringValue: "lets test this",
      boolean: true,
      datetime: "2019-03-29T12:00:00Z",
      duration: "0.001s",
      mapValue: { a: "first", z: "last" },
      collections: ["1", "2", "3"],
    });
  });

  it("writes a float field as the shortest decimal of the float32, as Go's encoding/json does", () => {
    const message = create(Ratio, { ratio: Math.fround(0.1) });
    expect(toGoJsonpb(Ratio, message)).toEqual({ ratio: 0.1 });
    expect(objectHash(toGoJsonpb(Ratio, message))).toEqual(objectHash({ ratio: 0.1 }));
  });

  it("writes a oneof member holding a zero value and omits zero implicit-presence fields", () => {
    expect(toGoJsonpb(PrimitiveSchema, create(PrimitiveSchema, { value: { case: "integer", value: 0n } }))).toEqual({
      integer: "0",
    });
    expect(toGoJsonpb(BlobTypeSchema, create(BlobTypeSchema, { format: "" }))).toEqual({});
    expect(
      toGoJsonpb(
        BlobTypeSchema,
        create(BlobTypeSchema, { format: "csv", dimensionality: BlobType_BlobDimensionality.MULTIPART }),
      ),
    ).toEqual({ format: "csv", dimensionality: "MULTIPART" });
  });

  it("writes a negative-zero double, which Go counts as set", () => {
    const json = toGoJsonpb(MockOlderProto, create(MockOlderProto, { floatValue: -0 }));
    expect(Object.is((json as { floatValue?: number }).floatValue, -0)).toBe(true);
    expect(toGoJsonpb(MockOlderProto, create(MockOlderProto, { floatValue: 0 }))).toEqual({});
  });

  it("writes enum names, and the number of an enum value it does not know", () => {
    expect(toGoJsonpb(LiteralTypeSchema, create(LiteralTypeSchema, { type: { case: "simple", value: 0 } }))).toEqual({
      simple: "NONE",
    });
    expect(
      toGoJsonpb(IdentifierSchema, create(IdentifierSchema, { resourceType: 99 as ResourceType, name: "x" })),
    ).toEqual({ resourceType: 99, name: "x" });
  });

  it("writes bytes as padded standard base64", () => {
    const binary = create(BinarySchema, { value: new Uint8Array([0xfb, 0xff]), tag: "msgpack" });
    expect(toGoJsonpb(BinarySchema, binary)).toEqual({ value: "+/8=", tag: "msgpack" });
  });

  it("writes Struct values as JSON, NaN and infinities as Go's jsonpb strings", () => {
    const scalar = create(ScalarSchema, {
      value: { case: "generic", value: { a: 1, b: [true, null], c: { d: "x" }, e: Number.NaN, f: -Infinity } },
    });
    expect(toGoJsonpb(ScalarSchema, scalar)).toEqual({
      generic: { a: 1, b: [true, null], c: { d: "x" }, e: "NaN", f: "-Infinity" },
    });
  });

  it.each([
    { value: { seconds: 3n }, expected: "3s" },
    { value: { seconds: 1n, nanos: 500_000_000 }, expected: "1.500s" },
    { value: { nanos: 1_000 }, expected: "0.000001s" },
    { value: { nanos: 1 }, expected: "0.000000001s" },
    { value: { seconds: -1n, nanos: -500_000_000 }, expected: "-1.500s" },
    { value: {}, expected: "0s" },
  ])("formats a Duration as $expected", ({ value, expected }) => {
    expect(toGoJsonpb(DurationSchema, create(DurationSchema, value))).toBe(expected);
  });

  it.each([
    { value: { seconds: 0n }, expected: "1970-01-01T00:00:00Z" },
    { value: { seconds: 1553860800n, nanos: 1_500_000 }, expected: "2019-03-29T12:00:00.001500Z" },
    { value: { seconds: -1n, nanos: 999_999_999 }, expected: "1969-12-31T23:59:59.999999999Z" },
    { value: { seconds: -62135596800n }, expected: "0001-01-01T00:00:00Z" },
    { value: { seconds: 253402300799n }, expected: "9999-12-31T23:59:59Z" },
    { value: { seconds: 951782400n }, expected: "2000-02-29T00:00:00Z" },
  ])("formats a Timestamp as $expected", ({ value, expected }) => {
    expect(toGoJsonpb(TimestampSchema, create(TimestampSchema, value))).toBe(expected);
  });

  it("rejects what Go's jsonpb rejects", () => {
    const badDuration = create(DurationSchema, { seconds: 1n, nanos: -1 });
    expect(() => toGoJsonpb(DurationSchema, badDuration)).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument }),
    );
    expect(() => toGoJsonpb(ValueSchema, create(ValueSchema))).toThrow(/nil Value/);
    expect(() => toGoJsonpb(TimestampSchema, create(TimestampSchema, { nanos: -1 }))).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument }),
    );
  });

  it("writes FieldMask as an ordinary message, unlike protobuf's canonical JSON", () => {
    expect(toGoJsonpb(FieldMaskSchema, create(FieldMaskSchema, { paths: ["a_b.c"] }))).toEqual({ paths: ["a_b.c"] });
  });

  it("inlines a packed message under @type, and nests a packed well-known type under value", () => {
    const id = create(IdentifierSchema, { resourceType: ResourceType.TASK, project: "p", name: "t" });
    expect(toGoJsonpb(AnySchema, anyPack(IdentifierSchema, id))).toEqual({
      "@type": "type.googleapis.com/flyteidl.core.Identifier",
      resourceType: "TASK",
      project: "p",
      name: "t",
    });
    const duration = create(DurationSchema, { seconds: 2n });
    expect(toGoJsonpb(AnySchema, anyPack(DurationSchema, duration))).toEqual({
      "@type": "type.googleapis.com/google.protobuf.Duration",
      value: "2s",
    });
  });
});
