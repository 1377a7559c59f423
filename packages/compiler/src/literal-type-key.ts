import type { JsonValue } from "@bufbuild/protobuf";
import {
  BlobType_BlobDimensionality,
  SchemaType_SchemaColumn_SchemaColumnType,
  SimpleType,
  type LiteralType,
} from "@aloft/idl/gen/flyteidl/core/types_pb";

/**
 * A canonical text form of a literal type, shaped like Go's single-line proto text (`simple:INTEGER`,
 * `collection_type:{simple:STRING}`, fields in declaration order, map keys sorted).
 *
 * Flyte compares types with `String()` (branch outputs, condition operands), de-duplicates inferred
 * element types by it and sorts union variants by it; this key plays those roles. Default values are
 * left out as proto text does, so two types get the same key exactly when they are equal.
 */
export function literalTypeKey(type: LiteralType | undefined): string {
  if (type === undefined) return "<nil>";
  const parts: string[] = [];
  const kind = literalTypeKindKey(type);
  if (kind !== "") parts.push(kind);
  if (type.metadata !== undefined) parts.push(`metadata:${jsonKey(type.metadata)}`);
  if (type.annotation !== undefined) {
    const a = type.annotation.annotations;
    parts.push(`annotation:{${a === undefined ? "" : `annotations:${jsonKey(a)}`}}`);
  }
  if (type.structure !== undefined) {
    const s = type.structure;
    const inner: string[] = [];
    if (s.tag !== "") inner.push(`tag:${quote(s.tag)}`);
    for (const k of Object.keys(s.dataclassType).sort()) {
      inner.push(`dataclass_type:{key:${quote(k)} value:{${literalTypeKey(s.dataclassType[k])}}}`);
    }
    parts.push(`structure:{${inner.join(" ")}}`);
  }
  return parts.join(" ");
}

/** Whether two literal types are equal in every field (Flyte's `a.String() == b.String()`). */
export function literalTypesEqual(a: LiteralType | undefined, b: LiteralType | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const ta = a.type;
  const tb = b.type;
  if (
    ta.case === "simple" &&
    tb.case === "simple" &&
    a.metadata === undefined &&
    b.metadata === undefined &&
    a.structure === undefined &&
    b.structure === undefined &&
    a.annotation === undefined &&
    b.annotation === undefined
  ) {
    return ta.value === tb.value;
  }
  return literalTypeKey(a) === literalTypeKey(b);
}

/** The key of the `type` oneof alone: what remains once metadata, annotation and structure are ignored. */
export function literalTypeKindKey(type: LiteralType): string {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return `simple:${SimpleType[t.value] ?? t.value}`;
    case "schema": {
      const cols = t.value.columns.map((c) => {
        const inner: string[] = [];
        if (c.name !== "") inner.push(`name:${quote(c.name)}`);
        if (c.type !== SchemaType_SchemaColumn_SchemaColumnType.INTEGER) {
          inner.push(`type:${SchemaType_SchemaColumn_SchemaColumnType[c.type] ?? c.type}`);
        }
        return `columns:{${inner.join(" ")}}`;
      });
      return `schema:{${cols.join(" ")}}`;
    }
    case "collectionType":
      return `collection_type:{${literalTypeKey(t.value)}}`;
    case "mapValueType":
      return `map_value_type:{${literalTypeKey(t.value)}}`;
    case "blob": {
      const inner: string[] = [];
      if (t.value.format !== "") inner.push(`format:${quote(t.value.format)}`);
      if (t.value.dimensionality !== BlobType_BlobDimensionality.SINGLE) {
        inner.push(`dimensionality:${BlobType_BlobDimensionality[t.value.dimensionality] ?? t.value.dimensionality}`);
      }
      return `blob:{${inner.join(" ")}}`;
    }
    case "enumType":
      return `enum_type:{${t.value.values.map((v) => `values:${quote(v)}`).join(" ")}}`;
    case "structuredDatasetType": {
      const sd = t.value;
      const inner: string[] = sd.columns.map((c) => {
        const col: string[] = [];
        if (c.name !== "") col.push(`name:${quote(c.name)}`);
        if (c.literalType !== undefined) col.push(`literal_type:{${literalTypeKey(c.literalType)}}`);
        return `columns:{${col.join(" ")}}`;
      });
      if (sd.format !== "") inner.push(`format:${quote(sd.format)}`);
      if (sd.externalSchemaType !== "") inner.push(`external_schema_type:${quote(sd.externalSchemaType)}`);
      if (sd.externalSchemaBytes.length > 0) {
        inner.push(`external_schema_bytes:${quote(Buffer.from(sd.externalSchemaBytes).toString("latin1"))}`);
      }
      return `structured_dataset_type:{${inner.join(" ")}}`;
    }
    case "unionType":
      return `union_type:{${t.value.variants.map((v) => `variants:{${literalTypeKey(v)}}`).join(" ")}}`;
    case undefined:
      return "";
  }
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** JSON with object keys sorted, so equal structs give equal keys whatever their key order. */
function jsonKey(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonKey).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jsonKey(value[k] as JsonValue)}`).join(",")}}`;
}
