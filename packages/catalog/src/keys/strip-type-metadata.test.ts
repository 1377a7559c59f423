import {
  collectionType,
  integerType,
  mapType,
  stringType,
  structType,
  structuredDatasetType,
  unionType,
  withAnnotation,
} from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralTypeSchema, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { describe, expect, it } from "vitest";
import { stripInterfaceTypeMetadata, stripTypeMetadata } from "../index.js";

const withMetadata = (type: LiteralType): LiteralType => {
  const copy = create(LiteralTypeSchema, type);
  copy.metadata = { foo: "bar" };
  return copy;
};

describe("stripTypeMetadata", () => {
  it("removes metadata and annotations that are not cache-key metadata", () => {
    const annotated = withMetadata(withAnnotation(integerType(), { "some-key": "some-value" }));
    expect(stripTypeMetadata(annotated)).toEqual(integerType());
  });

  it("keeps an annotation carrying cache-key-metadata", () => {
    const annotated = withMetadata(withAnnotation(integerType(), { "cache-key-metadata": { foo: "bar" } }));
    expect(stripTypeMetadata(annotated)).toEqual(
      withAnnotation(integerType(), { "cache-key-metadata": { foo: "bar" } }),
    );
  });

  it("strips nested types: collections, maps, unions, dataset columns and dataclass fields", () => {
    const dataclass = structType({ metadata: { title: "Point" }, dataclassType: { x: withMetadata(integerType()) } });
    const nested = collectionType(
      mapType(
        unionType([
          withMetadata(stringType()),
          structuredDatasetType({ format: "parquet", columns: [{ name: "c", type: withMetadata(integerType()) }] }),
          dataclass,
        ]),
      ),
    );
    const expectedDataclass = structType({ dataclassType: { x: integerType() } });
    const expected = collectionType(
      mapType(
        unionType([
          stringType(),
          structuredDatasetType({ format: "parquet", columns: [{ name: "c", type: integerType() }] }),
          expectedDataclass,
        ]),
      ),
    );
    expect(stripTypeMetadata(nested)).toEqual(expected);
  });

  it("leaves its input untouched", () => {
    const type = withMetadata(integerType());
    stripTypeMetadata(type);
    expect(type.metadata).toEqual({ foo: "bar" });
  });
});

describe("stripInterfaceTypeMetadata", () => {
  it("strips input and output variable types and clears their descriptions", () => {
    const variables = { a: { description: "the a", type: withMetadata(integerType()) } };
    const stripped = stripInterfaceTypeMetadata(
      create(TypedInterfaceSchema, { inputs: { variables }, outputs: { variables } }),
    );
    for (const map of [stripped.inputs, stripped.outputs]) {
      expect(map?.variables.a?.type).toEqual(integerType());
      expect(map?.variables.a?.description).toBe("");
    }
  });
});
