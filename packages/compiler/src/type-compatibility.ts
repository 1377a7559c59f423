import { SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type {
  SchemaType,
  SchemaType_SchemaColumn_SchemaColumnType,
  StructuredDatasetType,
} from "@aloft/idl/gen/flyteidl/core/types_pb";
import { isJsonSchemaSuperset, isSameJsonSchema } from "./json-schema-compat.js";
import { literalTypeKindKey } from "./literal-type-key.js";

/**
 * Whether a value of type `upstream` may flow into a slot of type `downstream`
 * (propeller's `AreTypesCastable`, validators/typing.go). The rule is picked by the downstream kind:
 *
 * - list / map: upstream is a list / map whose element type casts (an empty list or map, element `none`, always does);
 * - blob: upstream is a blob and the formats are equal or either is empty;
 * - schema / structured dataset: column subset rules, formats compared case-insensitively, either can feed the other;
 * - union: an upstream union casts when each of its variants casts to some downstream variant, anything
 *   else when exactly one downstream variant accepts it;
 * - `none`: only `none`;
 * - anything else: enum and string cast both ways, a tagged upstream needs the same tag, STRUCT casts
 *   when either lacks a JSON schema or the schemas are equal or upstream's is a superset, otherwise the
 *   types must be equal ignoring metadata, annotation and structure.
 *
 * An upstream union with a single variant first tries that variant alone.
 */
export function isCastable(upstream: LiteralType, downstream: LiteralType): boolean {
  const up = upstream.type;
  if (up.case === "unionType" && up.value.variants.length === 1) {
    const only = up.value.variants[0];
    if (only !== undefined && castsFrom(downstream, only)) return true;
  }
  return castsFrom(downstream, upstream);
}

function castsFrom(downstream: LiteralType, upstream: LiteralType): boolean {
  const down = downstream.type;
  switch (down.case) {
    case "collectionType": {
      if (upstream.type.case !== "collectionType") return false;
      const element = upstream.type.value;
      return isNoneType(element) || castsFrom(down.value, element);
    }
    case "mapValueType": {
      if (upstream.type.case !== "mapValueType") return false;
      const value = upstream.type.value;
      return isNoneType(value) || castsFrom(down.value, value);
    }
    case "blob": {
      if (upstream.type.case !== "blob") return false;
      const from = upstream.type.value.format;
      const to = down.value.format;
      return from === "" || to === "" || from === to;
    }
    case "schema":
      return schemaCastsFrom(down.value, upstream);
    case "structuredDatasetType":
      return structuredDatasetCastsFrom(down.value, upstream);
    case "unionType":
      return unionCastsFrom(down.value.variants, upstream);
    default:
      if (isNoneType(downstream)) return isNoneType(upstream);
      return trivialCastsFrom(downstream, upstream);
  }
}

function isNoneType(t: LiteralType): boolean {
  return t.type.case === "simple" && t.type.value === SimpleType.NONE;
}

/** Go's `GetSimple()`: the simple type, or NONE when the type is not simple. */
export function simpleOf(t: LiteralType | undefined): SimpleType {
  return t?.type.case === "simple" ? t.type.value : SimpleType.NONE;
}

function tagOf(t: LiteralType): string {
  return t.structure?.tag ?? "";
}

function trivialCastsFrom(downstream: LiteralType, upstream: LiteralType): boolean {
  if (upstream.type.case === "enumType" && simpleOf(downstream) === SimpleType.STRING) return true;
  if (downstream.type.case === "enumType" && simpleOf(upstream) === SimpleType.STRING) return true;
  const upstreamTag = tagOf(upstream);
  if (upstreamTag !== "" && tagOf(downstream) !== upstreamTag) return false;
  if (simpleOf(upstream) === SimpleType.STRUCT && simpleOf(downstream) === SimpleType.STRUCT) {
    // Older flytekit versions wrote dataclass types without a schema; those stay compatible.
    if (upstream.metadata === undefined || downstream.metadata === undefined) return true;
    return (
      isSameJsonSchema(upstream.metadata, downstream.metadata) ||
      isJsonSchemaSuperset(upstream.metadata, downstream.metadata)
    );
  }
  const u = upstream.type;
  const d = downstream.type;
  if (u.case === "simple" && d.case === "simple") return u.value === d.value;
  return literalTypeKindKey(upstream) === literalTypeKindKey(downstream);
}

function unionCastsFrom(variants: readonly LiteralType[], upstream: LiteralType): boolean {
  if (upstream.type.case === "unionType") {
    return upstream.type.value.variants.every((u) => variants.some((d) => isCastable(u, d)));
  }
  let matches = 0;
  for (const v of variants) {
    if (isCastable(upstream, v) && ++matches > 1) return false;
  }
  return matches === 1;
}

function schemaCastsFrom(downstream: SchemaType, upstream: LiteralType): boolean {
  const u = upstream.type;
  if (u.case === "schema") return schemaColumnsCover(u.value, downstream);
  if (u.case !== "structuredDatasetType") return false;
  // A Flyte schema is always parquet underneath.
  if (u.value.format !== "" && u.value.format.toLowerCase() !== "parquet") return false;
  if (u.value.columns.length === 0 || downstream.columns.length === 0) return true;
  const upstreamColumns = new Map(u.value.columns.map((c) => [c.name, simpleOf(c.literalType)]));
  return downstream.columns.every((c) => {
    const t = upstreamColumns.get(c.name);
    return t !== undefined && schemaColumnMatchesSimple(c.type, t);
  });
}

function schemaColumnsCover(upstream: SchemaType, downstream: SchemaType): boolean {
  if (upstream.columns.length === 0 || downstream.columns.length === 0) return true;
  const upstreamColumns = new Map(upstream.columns.map((c) => [c.name, c.type]));
  return downstream.columns.every((c) => upstreamColumns.get(c.name) === c.type);
}

function structuredDatasetCastsFrom(downstream: StructuredDatasetType, upstream: LiteralType): boolean {
  // Structured datasets are nullable.
  if (isNoneType(upstream)) return true;
  const u = upstream.type;
  if (u.case === "schema") {
    if (downstream.format !== "" && downstream.format.toLowerCase() !== "parquet") return false;
    if (u.value.columns.length === 0 || downstream.columns.length === 0) return true;
    const upstreamColumns = new Map(u.value.columns.map((c) => [c.name, c.type]));
    return downstream.columns.every((c) => {
      const t = upstreamColumns.get(c.name);
      return t !== undefined && schemaColumnMatchesSimple(t, simpleOf(c.literalType));
    });
  }
  if (u.case !== "structuredDatasetType") return false;
  const from = u.value;
  // An empty format on either side means "any" (flyteorg/flyte#2864).
  if (from.format !== "" && downstream.format !== "" && from.format.toLowerCase() !== downstream.format.toLowerCase()) {
    return false;
  }
  if (from.columns.length === 0 || downstream.columns.length === 0) return true;
  const upstreamColumns = new Map(from.columns.map((c) => [c.name, c.literalType]));
  return downstream.columns.every((c) => {
    if (!upstreamColumns.has(c.name)) return false;
    const t = upstreamColumns.get(c.name);
    return t !== undefined && c.literalType !== undefined && castsFrom(c.literalType, t);
  });
}

const SCHEMA_COLUMN_TO_SIMPLE: Record<number, SimpleType> = {
  0: SimpleType.INTEGER,
  1: SimpleType.FLOAT,
  2: SimpleType.STRING,
  3: SimpleType.BOOLEAN,
  4: SimpleType.DATETIME,
  5: SimpleType.DURATION,
};

function schemaColumnMatchesSimple(column: SchemaType_SchemaColumn_SchemaColumnType, simple: SimpleType): boolean {
  const expected = SCHEMA_COLUMN_TO_SIMPLE[column];
  return expected !== undefined && expected === simple;
}
