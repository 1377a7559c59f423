import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { BlobType_BlobDimensionality, LiteralTypeSchema, SimpleType } from "./gen/flyteidl/core/types_pb.js";
import { literalTypeToString } from "./index.js";

const simple = (s: SimpleType) => create(LiteralTypeSchema, { type: { case: "simple", value: s } });

describe("literalTypeToString", () => {
  it("prints simple, collection and map types", () => {
    expect(literalTypeToString(simple(SimpleType.INTEGER))).toBe("integer");
    expect(
      literalTypeToString(
        create(LiteralTypeSchema, { type: { case: "collectionType", value: simple(SimpleType.STRING) } }),
      ),
    ).toBe("list<string>");
    expect(
      literalTypeToString(
        create(LiteralTypeSchema, { type: { case: "mapValueType", value: simple(SimpleType.FLOAT) } }),
      ),
    ).toBe("map<string, float>");
  });

  it("prints unions with their tags, blobs and enums", () => {
    const union = create(LiteralTypeSchema, {
      type: {
        case: "unionType",
        value: {
          variants: [
            { type: { case: "simple", value: SimpleType.INTEGER }, structure: { tag: "int" } },
            { type: { case: "simple", value: SimpleType.NONE }, structure: { tag: "none" } },
          ],
        },
      },
    });
    expect(literalTypeToString(union)).toBe("union<integer (int) | none>");
    const blob = create(LiteralTypeSchema, {
      type: { case: "blob", value: { format: "csv", dimensionality: BlobType_BlobDimensionality.MULTIPART } },
    });
    expect(literalTypeToString(blob)).toBe("multipart-blob[csv]");
    expect(
      literalTypeToString(create(LiteralTypeSchema, { type: { case: "enumType", value: { values: ["a", "b"] } } })),
    ).toBe("enum{a, b}");
    expect(literalTypeToString(undefined)).toBe("unset");
  });
});
