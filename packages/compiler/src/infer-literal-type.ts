import { create } from "@bufbuild/protobuf";
import type { Literal, Primitive, Scalar } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  BlobTypeSchema,
  LiteralTypeSchema,
  SchemaTypeSchema,
  SimpleType,
  StructuredDatasetTypeSchema,
  type LiteralType,
} from "@aloft/idl/gen/flyteidl/core/types_pb";
import { compareCodePoints } from "./identifiers.js";
import { literalTypeKey } from "./literal-type-key.js";

/** The binary tag flytekit writes for MessagePack-encoded dicts, dataclasses and Pydantic models. */
const MESSAGEPACK_TAG = "msgpack";

/**
 * The type of a literal value (propeller's `LiteralTypeForLiteral`), or `undefined` when it cannot be
 * told (a scalar of unknown kind, a blob without metadata, or a list/map holding such a value; Flyte
 * builds a list type with a hole for the latter, which every later use rejects or trips over).
 *
 * Lists and maps get the type of their elements; elements of several distinct types make a union of
 * them, sorted; an empty list or map has element type `none`. An offloaded literal has the type it
 * was stored with.
 */
export function inferLiteralType(literal: Literal): LiteralType | undefined {
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return literalTypeForScalar(v.value);
    case "collection": {
      const element = literalTypeForLiterals(v.value.literals);
      return element === undefined ? undefined : simpleWrap("collectionType", element);
    }
    case "map": {
      const value = literalTypeForLiterals(Object.values(v.value.literals));
      return value === undefined ? undefined : simpleWrap("mapValueType", value);
    }
    case "offloadedMetadata":
      return v.value.inferredType;
    case undefined:
      return undefined;
  }
}

function simpleWrap(kind: "collectionType" | "mapValueType", inner: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: kind, value: inner } });
}

function simple(value: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value } });
}

/** The type of a scalar (propeller's `literalTypeForScalar`); `undefined` when it cannot be told. */
export function literalTypeForScalar(scalar: Scalar): LiteralType | undefined {
  const v = scalar.value;
  switch (v.case) {
    case "primitive":
      return literalTypeForPrimitive(v.value);
    case "blob":
      if (v.value.metadata === undefined) return undefined;
      return create(LiteralTypeSchema, {
        type: { case: "blob", value: v.value.metadata.type ?? create(BlobTypeSchema) },
      });
    case "binary":
      return simple(v.value.tag === MESSAGEPACK_TAG ? SimpleType.STRUCT : SimpleType.BINARY);
    case "schema":
      return create(LiteralTypeSchema, { type: { case: "schema", value: v.value.type ?? create(SchemaTypeSchema) } });
    case "structuredDataset":
      return create(LiteralTypeSchema, {
        type: {
          case: "structuredDatasetType",
          value: v.value.metadata?.structuredDatasetType ?? create(StructuredDatasetTypeSchema),
        },
      });
    case "noneType":
      return simple(SimpleType.NONE);
    case "error":
      return simple(SimpleType.ERROR);
    case "generic":
      return simple(SimpleType.STRUCT);
    case "union":
      return create(LiteralTypeSchema, {
        type: { case: "unionType", value: { variants: [v.value.type ?? create(LiteralTypeSchema)] } },
      });
    case undefined:
      return undefined;
  }
}

/** The simple type of a primitive; an unset primitive is `none`. */
export function literalTypeForPrimitive(primitive: Primitive): LiteralType {
  switch (primitive.value.case) {
    case "integer":
      return simple(SimpleType.INTEGER);
    case "floatValue":
      return simple(SimpleType.FLOAT);
    case "stringValue":
      return simple(SimpleType.STRING);
    case "boolean":
      return simple(SimpleType.BOOLEAN);
    case "datetime":
      return simple(SimpleType.DATETIME);
    case "duration":
      return simple(SimpleType.DURATION);
    case undefined:
      return simple(SimpleType.NONE);
  }
}

/**
 * The element type of a list or map. Empty nested lists only decide the type when nothing else does;
 * distinct types become a union ordered by their text form, and when they are themselves lists of
 * unions, one list of all those variants (Flyte's `buildMultipleTypeUnion`).
 */
function literalTypeForLiterals(literals: readonly Literal[]): LiteralType | undefined {
  const distinct = new Map<string, LiteralType>();
  let emptyListType: LiteralType | undefined;
  for (const literal of literals) {
    const type = inferLiteralType(literal);
    if (type === undefined) return undefined;
    if (literal.value.case === "collection" && literal.value.value.literals.length === 0) {
      emptyListType = type;
      continue;
    }
    const key = literalTypeKey(type);
    if (!distinct.has(key)) distinct.set(key, type);
  }
  if (distinct.size === 0) return emptyListType ?? simple(SimpleType.NONE);
  if (distinct.size === 1) return [...distinct.values()][0];
  const sorted = [...distinct.entries()].sort(([a], [b]) => compareCodePoints(a, b)).map(([, t]) => t);
  const variants: LiteralType[] = [];
  let nested = false;
  for (const t of sorted) {
    const inner = t.type.case === "collectionType" ? t.type.value.type : undefined;
    if (inner?.case === "unionType") {
      nested = true;
      variants.push(...inner.value.variants);
    } else {
      variants.push(t);
    }
  }
  const union = create(LiteralTypeSchema, { type: { case: "unionType", value: { variants } } });
  return nested ? simpleWrap("collectionType", union) : union;
}

/**
 * Why a literal type is unusable (flyteadmin's `ValidateLiteralType`): it is unknown, or a list/map
 * of an unknown type. `undefined` when it is fine.
 */
export function literalTypeProblem(type: LiteralType | undefined): string | undefined {
  if (type === undefined) {
    return "the literal's type is unknown; it may have been written by a newer Flyte version";
  }
  const t = type.type;
  if (t.case === "collectionType" || t.case === "mapValueType") return literalTypeProblem(t.value);
  return undefined;
}
