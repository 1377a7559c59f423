import { clone, create, type JsonObject } from "@bufbuild/protobuf";
import {
  BlobType_BlobDimensionality,
  type LiteralType,
  LiteralTypeSchema,
  SchemaType_SchemaColumn_SchemaColumnType,
  SimpleType,
  TypeAnnotationSchema,
  TypeStructureSchema,
} from "./gen/flyteidl/core/types_pb.js";

/** How many files a blob holds: one file (`FlyteFile`) or a folder of files (`FlyteDirectory`). */
export type BlobDimensionality = "single" | "multipart";

/** Options of {@link blobType}. */
export interface BlobTypeOptions {
  /** The file format, e.g. `"csv"`; `""` accepts any format. @default "" */
  format?: string;
  /** @default "single" */
  dimensionality?: BlobDimensionality;
}

/** Options of {@link structType}. */
export interface StructTypeOptions {
  /** A JSON Schema of the value (flytekit writes draft 2020-12); drives forms in UIs and CLIs. */
  metadata?: JsonObject;
  /** The type of each field, which lets propeller resolve attribute paths (`o.x.y`) at compile time. */
  dataclassType?: Readonly<Record<string, LiteralType>>;
}

/** A named column of a structured dataset. */
export interface DatasetColumn {
  name: string;
  type: LiteralType;
}

/** Options of {@link structuredDatasetType}. */
export interface StructuredDatasetTypeOptions {
  /** The storage format, e.g. `"parquet"`; `""` is generic and matches any format. @default "" */
  format?: string;
  /** The declared columns, in order; none means any columns. @default [] */
  columns?: readonly DatasetColumn[];
}

/** The column types of the legacy `schema` type. */
export type SchemaColumnKind = "integer" | "float" | "string" | "boolean" | "datetime" | "duration";

/** A column of the legacy `schema` type. */
export interface SchemaColumn {
  name: string;
  type: SchemaColumnKind;
}

const SCHEMA_COLUMN_TYPES: Record<SchemaColumnKind, SchemaType_SchemaColumn_SchemaColumnType> = {
  integer: SchemaType_SchemaColumn_SchemaColumnType.INTEGER,
  float: SchemaType_SchemaColumn_SchemaColumnType.FLOAT,
  string: SchemaType_SchemaColumn_SchemaColumnType.STRING,
  boolean: SchemaType_SchemaColumn_SchemaColumnType.BOOLEAN,
  datetime: SchemaType_SchemaColumn_SchemaColumnType.DATETIME,
  duration: SchemaType_SchemaColumn_SchemaColumnType.DURATION,
};

function simple(value: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value } });
}

/** `simple: INTEGER` (int64). */
export function integerType(): LiteralType {
  return simple(SimpleType.INTEGER);
}

/** `simple: FLOAT` (double). */
export function floatType(): LiteralType {
  return simple(SimpleType.FLOAT);
}

/** `simple: STRING`. */
export function stringType(): LiteralType {
  return simple(SimpleType.STRING);
}

/** `simple: BOOLEAN`. */
export function booleanType(): LiteralType {
  return simple(SimpleType.BOOLEAN);
}

/** `simple: DATETIME` (a protobuf Timestamp). */
export function datetimeType(): LiteralType {
  return simple(SimpleType.DATETIME);
}

/** `simple: DURATION` (a protobuf Duration). */
export function durationType(): LiteralType {
  return simple(SimpleType.DURATION);
}

/** `simple: NONE`, the type of `None`/`null`. */
export function noneType(): LiteralType {
  return simple(SimpleType.NONE);
}

/** `simple: BINARY`. flytekit never produces it (Python `bytes` are pickled), but the IDL has it. */
export function binaryType(): LiteralType {
  return simple(SimpleType.BINARY);
}

/** `simple: ERROR`, the type of a failure handed to an `on_failure` node. */
export function errorType(): LiteralType {
  return simple(SimpleType.ERROR);
}

/**
 * `simple: STRUCT`: a JSON-like object (a Python dataclass, Pydantic model or untyped dict).
 * Without options it is an untyped dict; with `dataclassType` it describes each field.
 * flytekit also annotates STRUCTs with `cache-key-metadata.serialization-format: msgpack`; add that
 * with {@link withAnnotation} when the values are written as msgpack.
 */
export function structType(options: StructTypeOptions = {}): LiteralType {
  const type = simple(SimpleType.STRUCT);
  if (options.metadata !== undefined) type.metadata = { ...options.metadata };
  if (options.dataclassType !== undefined) {
    type.structure = create(TypeStructureSchema, { dataclassType: { ...options.dataclassType } });
  }
  return type;
}

/** `collection_type`: a list of `element`. */
export function collectionType(element: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "collectionType", value: element } });
}

/** `map_value_type`: a string-keyed map of `value`. */
export function mapType(value: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "mapValueType", value } });
}

/** `blob`: a file (`single`) or a folder (`multipart`) in blob storage. */
export function blobType(options: BlobTypeOptions = {}): LiteralType {
  const dimensionality =
    options.dimensionality === "multipart" ? BlobType_BlobDimensionality.MULTIPART : BlobType_BlobDimensionality.SINGLE;
  return create(LiteralTypeSchema, {
    type: { case: "blob", value: { format: options.format ?? "", dimensionality } },
  });
}

/** `structured_dataset_type`: a dataframe stored as files, with optional format and columns. */
export function structuredDatasetType(options: StructuredDatasetTypeOptions = {}): LiteralType {
  return create(LiteralTypeSchema, {
    type: {
      case: "structuredDatasetType",
      value: {
        format: options.format ?? "",
        columns: (options.columns ?? []).map((c) => ({ name: c.name, literalType: c.type })),
      },
    },
  });
}

/** `schema`: the legacy dataframe type that structured datasets replaced. */
export function schemaType(columns: readonly SchemaColumn[]): LiteralType {
  return create(LiteralTypeSchema, {
    type: {
      case: "schema",
      value: { columns: columns.map((c) => ({ name: c.name, type: SCHEMA_COLUMN_TYPES[c.type] })) },
    },
  });
}

/** `enum_type`: one of a fixed set of strings. Literals carry the string itself. */
export function enumType(values: readonly string[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "enumType", value: { values: [...values] } } });
}

/**
 * `union_type`. Each variant that has no `structure.tag` yet gets flytekit's tag for its kind
 * ({@link flytekitUnionTag}), because flytekit picks the variant of a union value by that tag and
 * the compiler refuses unions whose tags differ. Variants without a known tag stay untagged.
 */
export function unionType(variants: readonly LiteralType[]): LiteralType {
  const tagged = variants.map((v) => {
    if (v.structure?.tag) return clone(LiteralTypeSchema, v);
    const tag = flytekitUnionTag(v);
    return tag === undefined ? clone(LiteralTypeSchema, v) : withTag(v, tag);
  });
  return create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: tagged } } });
}

/** `Optional[T]` as flytekit writes it: `union[T, none]`, tagged (e.g. `int` and `none`). */
export function optionalType(type: LiteralType): LiteralType {
  return unionType([type, noneType()]);
}

/**
 * A copy of `type` whose `structure` holds only `tag`. Like flytekit's `_add_tag_to_type`, this
 * replaces the whole structure, so a STRUCT's `dataclass_type` is dropped.
 */
export function withTag(type: LiteralType, tag: string): LiteralType {
  const copy = clone(LiteralTypeSchema, type);
  copy.structure = create(TypeStructureSchema, { tag });
  return copy;
}

/**
 * A copy of `type` with `annotation.annotations` set to `annotations` (replacing any earlier ones),
 * e.g. `{ "cache-key-metadata": { "serialization-format": "msgpack" } }`.
 */
export function withAnnotation(type: LiteralType, annotations: JsonObject): LiteralType {
  const copy = clone(LiteralTypeSchema, type);
  copy.annotation = create(TypeAnnotationSchema, { annotations: { ...annotations } });
  return copy;
}

const SIMPLE_TAGS: Partial<Record<SimpleType, string>> = {
  [SimpleType.NONE]: "none",
  [SimpleType.INTEGER]: "int",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "str",
  [SimpleType.BOOLEAN]: "bool",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "timedelta",
  [SimpleType.ERROR]: "FlyteError",
};

/**
 * The union tag flytekit writes for a variant of this kind: the name of the Python transformer
 * that handles it (`int`, `str`, `Typed List`, `FlyteFilePath`, `Object-Dataclass-Transformer`, …),
 * or `undefined` when flytekit has no transformer for it (`BINARY`).
 * Types that several Python transformers share get the most common one: a STRUCT with declared
 * fields is a dataclass, without them a dict; a DATETIME is a `datetime`, not a `date`.
 */
export function flytekitUnionTag(type: LiteralType): string | undefined {
  const t = type.type;
  switch (t.case) {
    case "simple":
      if (t.value === SimpleType.STRUCT) {
        const fields = type.structure?.dataclassType;
        return fields && Object.keys(fields).length > 0 ? "Object-Dataclass-Transformer" : "Typed Dict";
      }
      return SIMPLE_TAGS[t.value];
    case "collectionType":
      return "Typed List";
    case "mapValueType":
      return "Typed Dict";
    case "blob":
      return t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "FlyteDirectory" : "FlyteFilePath";
    case "enumType":
      return "DefaultEnumTransformer";
    case "structuredDatasetType":
      return "StructuredDataset Transformer";
    case "schema":
      return "FlyteSchema Transformer";
    case "unionType":
      return "Typed Union";
    case undefined:
      return undefined;
  }
}
