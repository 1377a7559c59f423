import { createReadStream } from "node:fs";
import type { JsonObject } from "@bufbuild/protobuf";
import { structuredDatasetLiteral, structuredDatasetType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType, StructuredDatasetType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { asBaseType } from "./as-base-type.js";
import { BaseType, scalarOf, type TypeKind } from "./base-type.js";
import { isUri, lastSegment, newRawOutputDir } from "./blob-paths.js";
import { columnSpec, type DatasetColumnSpec } from "./dataset-columns.js";
import type { DataframeFormat, DatasetRow } from "./dataset-formats.js";
import { access } from "./file-type.js";
import { localFiles, relativeKey } from "./flyte-directory.js";
import type { PlainValue } from "./msgpack.js";
import { datasetFileName, encodeRows, isLocalFolder, StructuredDataset } from "./structured-dataset.js";
import type { Shape, TypeContext } from "./type.js";
import { describeValue, expectedAt, indexPath, invalidAt, isPlainObject, keyPath } from "@aloft/idl/internal";

/** Options of `t.dataframe`. */
export interface DataframeOptions<C extends Shape> {
  /** The declared columns, in order (flytekit's `kwtypes(...)`); none means any columns. */
  columns?: C;
  /** The storage format, flytekit's format annotation. @default "parquet" */
  format?: DataframeFormat;
}

/**
 * mashumaro's schema of a `StructuredDataset` field: a dataclass with `uri: Optional[str] = None` and
 * `file_format: Optional[str] = ""` (`flytekit/types/structured/structured_dataset.py`).
 */
export const STRUCTURED_DATASET_SCHEMA: JsonObject = {
  type: "object",
  title: "StructuredDataset",
  properties: {
    uri: { anyOf: [{ type: "string" }, { type: "null" }], default: null },
    file_format: { anyOf: [{ type: "string" }, { type: "null" }], default: "" },
  },
  additionalProperties: false,
};

/**
 * `t.dataframe({ columns, format })`: a `StructuredDataset`, as flytekit's
 * `StructuredDatasetTransformerEngine` and pandas handlers write it: `structured_dataset_type{columns,
 * format}` and `scalar.structured_dataset{uri, metadata}`; rows are written to
 * `<rawOutputPrefix>/<random>/00000` (parquet) or `/.csv` (CSV). Inside records it is `{uri, file_format}`.
 * Union tag `StructuredDataset Transformer`.
 */
export class DataframeType<Row> extends BaseType<StructuredDataset<Row>> {
  readonly kind: TypeKind = "dataframe";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "StructuredDataset Transformer";
  readonly format: string;
  readonly columns: readonly DatasetColumnSpec[];

  constructor(options: { columns?: Shape; format?: string } = {}) {
    super();
    this.format = options.format ?? "parquet";
    this.columns = Object.entries(options.columns ?? {}).map(([name, type]) =>
      columnSpec(name, asBaseType(type, `t.dataframe column ${name}`) as BaseType<unknown>),
    );
    this.name = `dataframe[${this.format || "any"}]`;
    this.literalType = structuredDatasetType({
      format: this.format,
      columns: this.columns.map((c) => ({ name: c.name, type: c.type.literalType })),
    });
  }

  override get needsUpload(): boolean {
    return true;
  }

  validate(value: unknown, path: string): void {
    if (!(value instanceof StructuredDataset)) {
      throw expectedAt(path, "a StructuredDataset (StructuredDataset.fromRows, fromPath or fromUri)", value);
    }
    if (this.format && value.format && value.format !== this.format) {
      throw invalidAt(
        path,
        `the dataset's format ${JSON.stringify(value.format)} is not the declared ${JSON.stringify(this.format)}`,
      );
    }
    const source = value.source;
    if (source.kind !== "rows") return;
    source.rows.forEach((row, i) => {
      const rowPath = indexPath(`${path}.rows`, i);
      if (!isPlainObject(row)) throw expectedAt(rowPath, "a row object", row);
      for (const c of this.columns) {
        const cell = Object.hasOwn(row, c.name) ? row[c.name] : undefined;
        if (cell === undefined && !c.nullable) throw invalidAt(keyPath(rowPath, c.name), "missing column");
        c.type.validate(cell, keyPath(rowPath, c.name));
      }
    });
  }

  encode(value: StructuredDataset<Row>, path: string): Literal {
    const uri = value.uri;
    if (uri === undefined) {
      throw invalidAt(path, `${String(value)} has to be written first; convert it with toLiteral, not toLiteralSync`);
    }
    return structuredDatasetLiteral({ uri, type: this.datasetType(value.format) });
  }

  override async upload(
    value: StructuredDataset<Row>,
    ctx: TypeContext,
    path: string,
  ): Promise<StructuredDataset<Row>> {
    const source = value.source;
    if (source.kind === "remote") return value;
    const format = value.format || this.format || "parquet";
    const dir = newRawOutputDir(ctx);
    let uri = dir;
    if (source.kind === "rows") {
      await ctx.store.put(
        ctx.store.join(dir, datasetFileName(format)),
        encodeRows(source.rows as DatasetRow[], format, this.columns),
      );
    } else {
      const folder = await isLocalFolder(source.path);
      if (folder === undefined) throw invalidAt(path, `${source.path} does not exist`);
      if (folder) {
        for (const file of await localFiles(source.path)) {
          await ctx.store.put(ctx.store.join(dir, relativeKey(source.path, file)), createReadStream(file));
        }
      } else {
        // flytekit's `async_put_raw_data(uri)`: a local file goes to `<raw>/<random>/<name>`.
        uri = ctx.store.join(dir, lastSegment(source.path));
        await ctx.store.put(uri, createReadStream(source.path));
      }
    }
    return StructuredDataset.remote<Row>(uri, { store: ctx.store, workDir: ctx.workDir }, this.columns, { format });
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): StructuredDataset<Row> {
    const s = scalarOf(literal);
    if (s?.case === "generic") return this.fromPlain(s.value, path, ctx);
    if (s?.case === "structuredDataset") {
      const format = s.value.metadata?.structuredDatasetType?.format || this.format;
      return StructuredDataset.remote<Row>(s.value.uri, access(ctx), this.columns, { format });
    }
    // The legacy FlyteSchema literal, which flytekit reads as a parquet dataset.
    if (s?.case === "schema")
      return StructuredDataset.remote<Row>(s.value.uri, access(ctx), this.columns, { format: "parquet" });
    throw this.mismatch(literal, path);
  }

  toPlain(value: StructuredDataset<Row>, path: string): PlainValue {
    const uri = value.uri;
    if (uri === undefined) throw invalidAt(path, `${String(value)} has to be written first; convert with toLiteral`);
    return new Map([
      ["uri", uri],
      ["file_format", this.datasetType(value.format).format],
    ]);
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): StructuredDataset<Row> {
    const given = typeof plain === "string" ? { uri: plain } : plain;
    if (!isPlainObject(given) || typeof given.uri !== "string")
      throw expectedAt(path, "a dataset ({uri, file_format})", plain);
    const format = typeof given.file_format === "string" && given.file_format ? given.file_format : this.format;
    if (ctx === undefined && !isUri(given.uri)) return StructuredDataset.fromPath<Row>(given.uri, { format });
    return StructuredDataset.remote<Row>(given.uri, access(ctx), this.columns, { format });
  }

  jsonSchema(): JsonObject {
    return STRUCTURED_DATASET_SCHEMA;
  }

  parse(text: string, path: string): StructuredDataset<Row> {
    if (text.trim() === "") throw expectedAt(path, "a local path or a URI", text);
    return isUri(text)
      ? StructuredDataset.fromUri<Row>(text, { format: this.format })
      : StructuredDataset.fromPath<Row>(text, { format: this.format });
  }

  /** The literal's dataset type: the declared columns and format, or the value's format for a generic type. */
  private datasetType(valueFormat: string): StructuredDatasetType {
    const declared = this.literalType.type.case === "structuredDatasetType" ? this.literalType.type.value : undefined;
    const type = structuredDatasetType({
      format: this.format || valueFormat,
      columns: (declared?.columns ?? []).flatMap((c) => (c.literalType ? [{ name: c.name, type: c.literalType }] : [])),
    });
    if (type.type.case !== "structuredDatasetType")
      throw invalidAt("dataset", `unexpected type ${describeValue(type)}`);
    return type.type.value;
  }
}
