import {
  BlobType_BlobDimensionality,
  type LiteralType,
  SchemaType_SchemaColumn_SchemaColumnType,
  SimpleType,
} from "./gen/flyteidl/core/types_pb.js";

const SIMPLE_NAMES: Record<SimpleType, string> = {
  [SimpleType.NONE]: "none",
  [SimpleType.INTEGER]: "integer",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "string",
  [SimpleType.BOOLEAN]: "boolean",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "duration",
  [SimpleType.BINARY]: "binary",
  [SimpleType.ERROR]: "error",
  [SimpleType.STRUCT]: "struct",
};

const SCHEMA_COLUMN_NAMES: Record<SchemaType_SchemaColumn_SchemaColumnType, string> = {
  [SchemaType_SchemaColumn_SchemaColumnType.INTEGER]: "integer",
  [SchemaType_SchemaColumn_SchemaColumnType.FLOAT]: "float",
  [SchemaType_SchemaColumn_SchemaColumnType.STRING]: "string",
  [SchemaType_SchemaColumn_SchemaColumnType.BOOLEAN]: "boolean",
  [SchemaType_SchemaColumn_SchemaColumnType.DATETIME]: "datetime",
  [SchemaType_SchemaColumn_SchemaColumnType.DURATION]: "duration",
};

/**
 * A compact, human-readable form of a literal type for messages and tables:
 * `integer`, `list<string>`, `map<string, float>`, `union<integer | none>`, `blob[csv]`,
 * `multipart-blob`, `enum{red, green}`, `structured-dataset[parquet]{a: integer}`,
 * `struct{x: integer, y: list<float>}` (when the struct declares its fields). `undefined` prints `unset`.
 */
export function literalTypeToString(type: LiteralType | undefined): string {
  if (type === undefined) return "unset";
  const t = type.type;
  switch (t.case) {
    case "simple": {
      const name = SIMPLE_NAMES[t.value] ?? `simple(${t.value})`;
      const fields = type.structure?.dataclassType;
      if (t.value === SimpleType.STRUCT && fields && Object.keys(fields).length > 0) {
        const inner = Object.keys(fields)
          .sort()
          .map((k) => `${k}: ${literalTypeToString(fields[k])}`)
          .join(", ");
        return `struct{${inner}}`;
      }
      return name;
    }
    case "collectionType":
      return `list<${literalTypeToString(t.value)}>`;
    case "mapValueType":
      return `map<string, ${literalTypeToString(t.value)}>`;
    case "blob": {
      const kind = t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "multipart-blob" : "blob";
      return t.value.format ? `${kind}[${t.value.format}]` : kind;
    }
    case "enumType":
      return `enum{${t.value.values.join(", ")}}`;
    case "unionType": {
      const variants = t.value.variants.map((v) => {
        const s = literalTypeToString(v);
        return v.structure?.tag && v.structure.tag !== s ? `${s} (${v.structure.tag})` : s;
      });
      return `union<${variants.join(" | ")}>`;
    }
    case "structuredDatasetType": {
      const sd = t.value;
      const format = sd.format ? `[${sd.format}]` : "";
      const columns = sd.columns.map((c) => `${c.name}: ${literalTypeToString(c.literalType)}`).join(", ");
      return `structured-dataset${format}${columns ? `{${columns}}` : ""}`;
    }
    case "schema": {
      const columns = t.value.columns.map((c) => `${c.name}: ${SCHEMA_COLUMN_NAMES[c.type] ?? c.type}`).join(", ");
      return `schema${columns ? `{${columns}}` : ""}`;
    }
    case undefined:
      return "unset";
  }
}
