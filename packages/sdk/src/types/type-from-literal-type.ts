import { AloftError, flytekitUnionTag } from "@aloft/idl";
import {
  type LiteralType,
  SchemaType_SchemaColumn_SchemaColumnType,
  SimpleType,
} from "@aloft/idl/gen/flyteidl/core/types_pb";
import { type BaseType } from "./base-type.js";
import { BooleanType } from "./boolean-type.js";
import { DataframeType } from "./dataframe-type.js";
import { DateType, DatetimeType } from "./datetime-type.js";
import { DirectoryType } from "./directory-type.js";
import { DurationType } from "./duration-type.js";
import { EnumType } from "./enum-type.js";
import { FileType } from "./file-type.js";
import { FloatType } from "./float-type.js";
import { IntType } from "./int-type.js";
import { JsonType } from "./json-type.js";
import { ListType } from "./list-type.js";
import { LiteralValueType } from "./literal-value-type.js";
import { MapType } from "./map-type.js";
import { NoneType } from "./none-type.js";
import { RecordType } from "./record-type.js";
import { StringType } from "./string-type.js";
import type { AnyType, Shape } from "./type.js";
import { OptionalType, UnionType } from "./union-type.js";
import { BlobType_BlobDimensionality } from "@aloft/idl/gen/flyteidl/core/types_pb";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBase = BaseType<any>;

/**
 * A best-effort SDK type for an IDL type, for entities whose interface is only known remotely
 * (reference tasks, launch plans fetched from admin). Values are plain JS: numbers for integers,
 * objects for records (fields from `structure.dataclass_type`), JSON objects for untyped STRUCTs,
 * `FlyteFile`/`FlyteDirectory`/`StructuredDataset` for blobs and datasets. The returned type declares
 * exactly `literalType` (schema, tags and annotations kept). Throws InvalidArgument for an unset type.
 */
export function typeFromLiteralType(literalType: LiteralType): AnyType {
  return convert(literalType, "type");
}

function convert(lt: LiteralType, path: string): AnyBase {
  const tag = lt.structure?.tag || undefined;
  return exactly(rebuild(lt, tag, path), lt, tag);
}

function rebuild(lt: LiteralType, tag: string | undefined, path: string): AnyBase {
  const t = lt.type;
  switch (t.case) {
    case "simple":
      switch (t.value) {
        case SimpleType.INTEGER:
          return new IntType();
        case SimpleType.FLOAT:
          return new FloatType();
        case SimpleType.STRING:
          return new StringType();
        case SimpleType.BOOLEAN:
          return new BooleanType();
        case SimpleType.DATETIME:
          return tag === "date" ? new DateType() : new DatetimeType();
        case SimpleType.DURATION:
          return new DurationType();
        case SimpleType.NONE:
          return new NoneType();
        case SimpleType.STRUCT: {
          const fields = lt.structure?.dataclassType ?? {};
          if (Object.keys(fields).length === 0) return new JsonType();
          const shape: Record<string, AnyBase> = {};
          for (const [k, v] of Object.entries(fields)) shape[k] = convert(v, `${path}.${k}`);
          const title = typeof lt.metadata?.title === "string" ? lt.metadata.title : undefined;
          return new RecordType(shape as Shape, { name: title });
        }
        default:
          return new LiteralValueType(lt, tag ?? flytekitUnionTag(lt) ?? "");
      }
    case "collectionType":
      return new ListType(convert(t.value, `${path}[]`));
    case "mapValueType":
      return new MapType(convert(t.value, `${path}{}`));
    case "enumType":
      return new EnumType(t.value.values);
    case "unionType": {
      const variants = t.value.variants.map((v, i) => convert(v, `${path}|${i}`));
      const [a, b] = variants;
      if (variants.length === 2 && a && b && b instanceof NoneType) return new OptionalType(a);
      return new UnionType(variants);
    }
    case "blob":
      return t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART
        ? new DirectoryType({ format: t.value.format })
        : new FileType({ format: t.value.format });
    case "structuredDatasetType": {
      const columns: Record<string, AnyBase> = {};
      for (const c of t.value.columns) {
        if (c.literalType === undefined) continue;
        columns[c.name] = convert(c.literalType, `${path}.${c.name}`);
      }
      try {
        return new DataframeType({ format: t.value.format, columns: columns as Shape });
      } catch {
        // Columns of kinds the SDK cannot type (lists, records…) are read untyped.
        return new DataframeType({ format: t.value.format });
      }
    }
    case "schema": {
      const kinds: Partial<Record<SchemaType_SchemaColumn_SchemaColumnType, AnyBase>> = {
        [SchemaType_SchemaColumn_SchemaColumnType.INTEGER]: new IntType(),
        [SchemaType_SchemaColumn_SchemaColumnType.FLOAT]: new FloatType(),
        [SchemaType_SchemaColumn_SchemaColumnType.STRING]: new StringType(),
        [SchemaType_SchemaColumn_SchemaColumnType.BOOLEAN]: new BooleanType(),
        [SchemaType_SchemaColumn_SchemaColumnType.DATETIME]: new DatetimeType(),
      };
      const columns: Record<string, AnyBase> = {};
      for (const c of t.value.columns) {
        const k = kinds[c.type];
        if (k) columns[c.name] = k;
      }
      return new DataframeType({ format: "parquet", columns: columns as Shape });
    }
    case undefined:
      throw AloftError.invalidArgument(`${path}: the literal type is unset`);
  }
}

/** `base`, but declaring exactly `literalType` (and its union tag), as the remote interface does. */
function exactly(base: AnyBase, literalType: LiteralType, tag: string | undefined): AnyBase {
  const copy = Object.create(Object.getPrototypeOf(base) as object) as AnyBase;
  Object.assign(copy, base);
  Object.defineProperty(copy, "literalType", { value: literalType, enumerable: true });
  if (tag !== undefined) Object.defineProperty(copy, "unionTag", { value: tag, enumerable: true });
  return copy;
}
