import { equals, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type LiteralType, LiteralTypeSchema } from "./gen/flyteidl/core/types_pb.js";
import {
  binaryType,
  blobType,
  booleanType,
  collectionType,
  datetimeType,
  durationType,
  enumType,
  errorType,
  floatType,
  flytekitUnionTag,
  integerType,
  literalTypeToString,
  mapType,
  noneType,
  optionalType,
  schemaType,
  stringType,
  structType,
  structuredDatasetType,
  unionType,
  withAnnotation,
  withTag,
} from "./index.js";

/** A LiteralType from its protobuf JSON (proto names), the form flytekit's types take in Flyte's docs and tests. */
const typeFromJson = (json: JsonValue): LiteralType => fromJson(LiteralTypeSchema, json);

function expectType(actual: LiteralType, json: JsonValue): void {
  const expected = typeFromJson(json);
  expect(equals(LiteralTypeSchema, actual, expected), literalTypeToString(actual)).toBe(true);
}

describe("simple literal types", () => {
  it("build each simple type", () => {
    expectType(integerType(), { simple: "INTEGER" });
    expectType(floatType(), { simple: "FLOAT" });
    expectType(stringType(), { simple: "STRING" });
    expectType(booleanType(), { simple: "BOOLEAN" });
    expectType(datetimeType(), { simple: "DATETIME" });
    expectType(durationType(), { simple: "DURATION" });
    expectType(noneType(), { simple: "NONE" });
    expectType(binaryType(), { simple: "BINARY" });
    expectType(errorType(), { simple: "ERROR" });
    expectType(structType(), { simple: "STRUCT" });
  });

  it("give a struct its JSON schema and field types", () => {
    const schema = { type: "object", properties: { x: { type: "integer" } } };
    expectType(structType({ metadata: schema, dataclassType: { x: integerType() } }), {
      simple: "STRUCT",
      metadata: schema,
      structure: { dataclass_type: { x: { simple: "INTEGER" } } },
    });
  });
});

describe("composite literal types", () => {
  it("build collections, maps and enums", () => {
    expectType(collectionType(mapType(stringType())), { collection_type: { map_value_type: { simple: "STRING" } } });
    expectType(enumType(["red", "green"]), { enum_type: { values: ["red", "green"] } });
  });

  it("build blobs as FlyteFile and FlyteDirectory do", () => {
    expectType(blobType(), { blob: { format: "", dimensionality: "SINGLE" } });
    expectType(blobType({ format: "csv", dimensionality: "multipart" }), {
      blob: { format: "csv", dimensionality: "MULTIPART" },
    });
  });

  it("build structured datasets and legacy schemas with their columns in order", () => {
    expectType(
      structuredDatasetType({
        format: "parquet",
        columns: [
          { name: "b", type: integerType() },
          { name: "a", type: stringType() },
        ],
      }),
      {
        structured_dataset_type: {
          format: "parquet",
          columns: [
            { name: "b", literal_type: { simple: "INTEGER" } },
            { name: "a", literal_type: { simple: "STRING" } },
          ],
        },
      },
    );
    expectType(structuredDatasetType(), { structured_dataset_type: {} });
    expectType(
      schemaType([
        { name: "x", type: "integer" },
        { name: "when", type: "datetime" },
      ]),
      {
        schema: {
          columns: [
            { name: "x", type: "INTEGER" },
            { name: "when", type: "DATETIME" },
          ],
        },
      },
    );
  });
});

describe("union types", () => {
  it("write Optional[int] exactly as flytekit does", () => {
    expectType(optionalType(integerType()), {
      union_type: {
        variants: [
          { simple: "INTEGER", structure: { tag: "int" } },
          { simple: "NONE", structure: { tag: "none" } },
        ],
      },
    });
  });

  it("tag each variant with flytekit's transformer name", () => {
    const union = unionType([
      floatType(),
      stringType(),
      booleanType(),
      datetimeType(),
      durationType(),
      collectionType(integerType()),
      mapType(integerType()),
      blobType(),
      blobType({ dimensionality: "multipart" }),
      enumType(["a"]),
      structuredDatasetType(),
      structType(),
      structType({ dataclassType: { x: integerType() } }),
      errorType(),
    ]);
    const tags = union.type.case === "unionType" ? union.type.value.variants.map((v) => v.structure?.tag) : [];
    expect(tags).toEqual([
      "float",
      "str",
      "bool",
      "datetime",
      "timedelta",
      "Typed List",
      "Typed Dict",
      "FlyteFilePath",
      "FlyteDirectory",
      "DefaultEnumTransformer",
      "StructuredDataset Transformer",
      "Typed Dict",
      "Object-Dataclass-Transformer",
      "FlyteError",
    ]);
  });

  it("keep tags that are already set and leave unknown kinds untagged", () => {
    const union = unionType([withTag(datetimeType(), "date"), binaryType()]);
    expectType(union, {
      union_type: { variants: [{ simple: "DATETIME", structure: { tag: "date" } }, { simple: "BINARY" }] },
    });
    expect(flytekitUnionTag(binaryType())).toBeUndefined();
    expect(flytekitUnionTag(unionType([integerType()]))).toBe("Typed Union");
  });

  it("replace the whole structure when tagging, dropping dataclass fields as flytekit does", () => {
    const dataclass = structType({ dataclassType: { x: integerType() } });
    expectType(withTag(dataclass, "Object-Dataclass-Transformer"), {
      simple: "STRUCT",
      structure: { tag: "Object-Dataclass-Transformer" },
    });
    // The input is left as it was.
    expect(Object.keys(dataclass.structure?.dataclassType ?? {})).toEqual(["x"]);
  });
});

describe("withAnnotation", () => {
  it("sets the annotation on a copy", () => {
    const plain = structType();
    const annotated = withAnnotation(plain, { "cache-key-metadata": { "serialization-format": "msgpack" } });
    expectType(annotated, {
      simple: "STRUCT",
      annotation: { annotations: { "cache-key-metadata": { "serialization-format": "msgpack" } } },
    });
    expect(plain.annotation).toBeUndefined();
  });
});
