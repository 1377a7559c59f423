/**
 * The SDK's type engine: `t.*` types whose TypeScript value types are inferred and whose literals are
 * encoded exactly as flytekit encodes the matching Python types.
 *
 * ```ts
 * import { FlyteFile, t, type Infer } from "./types/index.js";
 *
 * const Point = t.record({ x: t.int(), y: t.float() }, { name: "Point" });
 * type P = Infer<typeof Point>; // { x: number; y: number }
 * const literal = Point.toLiteralSync({ x: 1, y: 1 }); // scalar.binary msgpack {x: 1, y: 1.0}
 * const report = await t.file({ format: "csv" }).toLiteral(FlyteFile.fromPath("out.csv"), ctx); // uploads
 * ```
 */
export type { TypeKind } from "./base-type.js";
export type { DataframeOptions } from "./dataframe-type.js";
export type { DataframeFormat, DatasetRow } from "./dataset-formats.js";
export type { DirectoryTypeOptions } from "./directory-type.js";
export type { FileTypeOptions } from "./file-type.js";
export { FlyteDirectory } from "./flyte-directory.js";
export type { FlyteDirectoryOptions } from "./flyte-directory.js";
export { FlyteFile } from "./flyte-file.js";
export type { FlyteFileOptions } from "./flyte-file.js";
export type { RecordOptions } from "./record-type.js";
export { StructuredDataset } from "./structured-dataset.js";
export type { StructuredDatasetOptions } from "./structured-dataset.js";
export { t } from "./t.js";
export type {
  DataframeRow,
  DataframeTypeOf,
  DirectoryTypeOf,
  EnumTypeOf,
  FileTypeOf,
  ListTypeOf,
  MapTypeOf,
  OptionalTypeOf,
  RecordTypeOf,
  UnionTypeOf,
} from "./t.js";
export { TYPE_BRAND } from "./type.js";
export type { AnyType, ConvertOptions, Infer, Shape, Type, TypeContext, ValuesOf } from "./type.js";
export { typeFromLiteralType } from "./type-from-literal-type.js";
export { isType, typeKind } from "./type-kind.js";
