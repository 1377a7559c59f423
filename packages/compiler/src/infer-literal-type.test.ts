import { fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { describe, expect, it } from "vitest";
import { inferLiteralType } from "./index.js";

const infer = (literal: object): unknown => {
  const type = inferLiteralType(fromJson(LiteralSchema, literal as JsonObject));
  return type === undefined ? undefined : toJson(LiteralTypeSchema, type);
};
const int = (v: number) => ({ scalar: { primitive: { integer: String(v) } } });
const str = (v: string) => ({ scalar: { primitive: { stringValue: v } } });
const list = (...literals: object[]) => ({ collection: { literals } });
const unionOf = (value: object, type: object) => ({ scalar: { union: { value, type } } });

// [description, literal, inferred type as protobuf JSON (undefined: cannot be told)] — propeller.md §1.5
// and Flyte's validators/utils_test.go.
const cases: [string, object, unknown][] = [
  ["an integer", int(1), { simple: "INTEGER" }],
  ["a float", { scalar: { primitive: { floatValue: 1.5 } } }, { simple: "FLOAT" }],
  ["a string", str("x"), { simple: "STRING" }],
  ["a boolean", { scalar: { primitive: { boolean: true } } }, { simple: "BOOLEAN" }],
  ["a datetime", { scalar: { primitive: { datetime: "2024-01-01T00:00:00Z" } } }, { simple: "DATETIME" }],
  ["a duration", { scalar: { primitive: { duration: "3s" } } }, { simple: "DURATION" }],
  ["an empty primitive", { scalar: { primitive: {} } }, { simple: "NONE" }],
  ["none", { scalar: { noneType: {} } }, { simple: "NONE" }],
  ["an error", { scalar: { error: { failedNodeId: "n0" } } }, { simple: "ERROR" }],
  ["a generic struct", { scalar: { generic: { a: 1 } } }, { simple: "STRUCT" }],
  ["msgpack binary", { scalar: { binary: { value: "", tag: "msgpack" } } }, { simple: "STRUCT" }],
  ["raw binary", { scalar: { binary: { value: "AAE=" } } }, { simple: "BINARY" }],
  [
    "a blob",
    { scalar: { blob: { uri: "s3://x", metadata: { type: { format: "csv" } } } } },
    { blob: { format: "csv" } },
  ],
  ["a blob without metadata", { scalar: { blob: { uri: "s3://x" } } }, undefined],
  [
    "a schema",
    { scalar: { schema: { uri: "s3://x", type: { columns: [{ name: "a" }] } } } },
    { schema: { columns: [{ name: "a" }] } },
  ],
  [
    "a structured dataset",
    { scalar: { structuredDataset: { uri: "s3://x", metadata: { structuredDatasetType: { format: "parquet" } } } } },
    { structuredDatasetType: { format: "parquet" } },
  ],
  [
    "a structured dataset without metadata",
    { scalar: { structuredDataset: { uri: "s3://x" } } },
    { structuredDatasetType: {} },
  ],
  ["a union value", unionOf(int(1), { simple: "INTEGER" }), { unionType: { variants: [{ simple: "INTEGER" }] } }],
  ["an empty scalar", { scalar: {} }, undefined],
  ["an empty list", list(), { collectionType: { simple: "NONE" } }],
  ["a homogeneous list", list(int(5), int(0), int(5)), { collectionType: { simple: "INTEGER" } }],
  [
    "a mixed list, variants sorted",
    list(str("hello"), int(5), str("world")),
    { collectionType: { unionType: { variants: [{ simple: "INTEGER" }, { simple: "STRING" }] } } },
  ],
  [
    "a list of union values",
    list(unionOf(int(1), { simple: "INTEGER" }), unionOf(str("foo"), { simple: "STRING" })),
    {
      collectionType: {
        unionType: {
          variants: [
            { unionType: { variants: [{ simple: "INTEGER" }] } },
            { unionType: { variants: [{ simple: "STRING" }] } },
          ],
        },
      },
    },
  ],
  [
    "nested lists with an empty one",
    list(list(str("foo")), list()),
    { collectionType: { collectionType: { simple: "STRING" } } },
  ],
  ["a list holding only an empty list", list(list()), { collectionType: { collectionType: { simple: "NONE" } } }],
  [
    "nested lists of different union types merge into one list of a union",
    list(list(unionOf(int(1), { simple: "INTEGER" })), list(unionOf(str("foo"), { simple: "STRING" }))),
    { collectionType: { collectionType: { unionType: { variants: [{ simple: "INTEGER" }, { simple: "STRING" }] } } } },
  ],
  ["a list holding a value of unknown type", list(int(1), { scalar: {} }), undefined],
  ["a map", { map: { literals: { a: int(1), b: int(2) } } }, { mapValueType: { simple: "INTEGER" } }],
  ["an empty map", { map: {} }, { mapValueType: { simple: "NONE" } }],
  [
    "an offloaded literal",
    {
      offloadedMetadata: { uri: "s3://x", sizeBytes: "1000", inferredType: { collectionType: { simple: "INTEGER" } } },
    },
    { collectionType: { simple: "INTEGER" } },
  ],
  ["an empty literal", {}, undefined],
];

describe("inferLiteralType", () => {
  it.each(cases)("infers the type of %s", (_description, literal, expected) => {
    expect(infer(literal)).toEqual(expected);
  });
});
