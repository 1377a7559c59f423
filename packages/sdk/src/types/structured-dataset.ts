import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { folderPrefix, type RemoteAccess, requireAccess } from "./blob-paths.js";
import type { DatasetColumnSpec } from "./dataset-columns.js";
import {
  cellFromStorage,
  type DatasetRow,
  readCsv,
  readJsonl,
  readParquet,
  undeclaredCell,
  writeCsv,
  writeJsonl,
  writeParquet,
} from "./dataset-formats.js";
import { invalidAt, setEntry } from "@aloft/idl/internal";

/** Options of {@link StructuredDataset.fromRows}, {@link StructuredDataset.fromUri} and {@link StructuredDataset.fromPath}. */
export interface StructuredDatasetOptions {
  /** The storage format (`parquet`, `csv`, `jsonl`); the declared type's format when not given. */
  format?: string;
}

type DatasetSource<Row> =
  | { kind: "rows"; rows: readonly Row[] }
  | { kind: "local"; path: string }
  | {
      kind: "remote";
      uri: string;
      access: RemoteAccess | undefined;
      columns: readonly DatasetColumnSpec[] | undefined;
    };

/**
 * A dataframe stored as files, as flytekit's `StructuredDataset`: rows to write (`fromRows`), a local
 * file or folder to upload (`fromPath`), or data already in blob storage (`fromUri`, and every dataset a
 * task reads). Parquet is stored as a folder holding a file named `00000` and CSV as a folder holding
 * `.csv`, as flytekit's pandas handlers do; JSONL likewise as `.jsonl`. Reading is lazy.
 */
export class StructuredDataset<Row = DatasetRow> {
  readonly format: string;
  #source: DatasetSource<Row>;

  private constructor(source: DatasetSource<Row>, options: StructuredDatasetOptions) {
    this.#source = source;
    this.format = options.format ?? "";
  }

  /** Rows to write when the value is converted to a literal. */
  static fromRows<Row>(rows: readonly Row[], options: StructuredDatasetOptions = {}): StructuredDataset<Row> {
    return new StructuredDataset<Row>({ kind: "rows", rows: [...rows] }, options);
  }

  /** A dataset already in blob storage: a parquet folder or file, a CSV folder or file, … */
  static fromUri<Row = DatasetRow>(uri: string, options: StructuredDatasetOptions = {}): StructuredDataset<Row> {
    return new StructuredDataset<Row>({ kind: "remote", uri, access: undefined, columns: undefined }, options);
  }

  /** A local file or folder in the dataset's format, uploaded as it is. */
  static fromPath<Row = DatasetRow>(path: string, options: StructuredDatasetOptions = {}): StructuredDataset<Row> {
    return new StructuredDataset<Row>({ kind: "local", path: resolve(path) }, options);
  }

  /** Data in blob storage, read through `access` and typed by `columns`. @internal */
  static remote<Row>(
    uri: string,
    access: RemoteAccess | undefined,
    columns: readonly DatasetColumnSpec[] | undefined,
    options: StructuredDatasetOptions,
  ): StructuredDataset<Row> {
    return new StructuredDataset<Row>({ kind: "remote", uri, access, columns }, options);
  }

  /** Where the data is in blob storage, or `undefined` before it is written. */
  get uri(): string | undefined {
    return this.#source.kind === "remote" ? this.#source.uri : undefined;
  }

  /** The in-memory rows of `fromRows`, the local path of `fromPath`. @internal */
  get source(): Readonly<DatasetSource<Row>> {
    return this.#source;
  }

  /** The rows, typed by the declared columns (only those columns, as flytekit's readers subset). */
  async *rows(): AsyncIterable<Row> {
    for (const row of await this.toArray()) yield row;
  }

  /** Every row. Throws FailedPrecondition for a hand-made remote dataset with no store to read from. */
  async toArray(): Promise<Row[]> {
    const source = this.#source;
    if (source.kind === "rows") return [...source.rows];
    if (source.kind === "local")
      throw invalidAt("dataset", `${source.path} is a local dataset; read it once it has been passed to a task`);
    const access = requireAccess(source.access, source.uri, "the dataset");
    const stored = await readStored(access, source.uri, this.format, source.columns);
    return stored.map((r, i) => typedRow(r, source.columns, `${source.uri} row ${i}`) as Row);
  }

  toString(): string {
    const source = this.#source;
    return source.kind === "rows"
      ? `StructuredDataset(${source.rows.length} rows)`
      : source.kind === "local"
        ? source.path
        : source.uri;
  }
}

/** The name of the file flytekit's pandas handlers write inside a CSV or JSONL dataset folder. */
export function datasetFileName(format: string): string {
  return format === "csv" ? ".csv" : format === "jsonl" ? ".jsonl" : "00000";
}

/** Encodes rows in `format`. */
export function encodeRows(
  rows: readonly DatasetRow[],
  format: string,
  columns: readonly DatasetColumnSpec[],
): Uint8Array {
  if (format === "csv") return writeCsv(rows, columns);
  if (format === "jsonl") return writeJsonl(rows);
  return writeParquet(rows, columns);
}

/** Whether a local path is a folder (uploaded whole) rather than a file. */
export async function isLocalFolder(path: string): Promise<boolean | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? undefined : info.isDirectory();
}

async function readStored(
  access: RemoteAccess,
  uri: string,
  format: string,
  columns: readonly DatasetColumnSpec[] | undefined,
): Promise<DatasetRow[]> {
  const files: string[] = [];
  if (format === "csv" || format === "jsonl") {
    const inside = access.store.join(uri, datasetFileName(format));
    files.push((await access.store.exists(inside)) ? inside : uri);
  } else {
    // A parquet dataset is a folder of part files (pyarrow skips names starting with `_` or `.`), or one file.
    for await (const part of access.store.list(folderPrefix(uri))) {
      const name = part.slice(folderPrefix(uri).length);
      if (!name.includes("/") && !name.startsWith("_") && !name.startsWith(".")) files.push(part);
    }
    if (files.length === 0) files.push(uri);
  }
  const rows: DatasetRow[] = [];
  for (const file of files) {
    const bytes = await access.store.get(file);
    if (format === "csv") rows.push(...readCsv(bytes));
    else if (format === "jsonl") rows.push(...readJsonl(bytes, file));
    else rows.push(...(await readParquet(bytes, columns?.length ? columns.map((c) => c.name) : undefined)));
  }
  return rows;
}

function typedRow(stored: DatasetRow, columns: readonly DatasetColumnSpec[] | undefined, path: string): DatasetRow {
  const out: DatasetRow = {};
  if (columns === undefined || columns.length === 0) {
    for (const [k, v] of Object.entries(stored)) setEntry(out, k, undeclaredCell(v));
    return out;
  }
  for (const c of columns) {
    if (!Object.hasOwn(stored, c.name)) throw invalidAt(path, `the dataset has no column ${c.name}`);
    setEntry(out, c.name, cellFromStorage(stored[c.name], c, path));
  }
  return out;
}
