import { parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { AloftError } from "@aloft/idl";
import { formatCsv, parseCsv } from "./csv-text.js";
import type { DatasetColumnSpec } from "./dataset-columns.js";
import { formatPythonIsoDatetime, parseIsoDatetime } from "./time-text.js";
import { describeValue, invalidAt, isConversionError } from "@aloft/idl/internal";

/** The storage formats `t.dataframe` writes. */
export type DataframeFormat = "parquet" | "csv" | "jsonl";

/** A row as stored: column name → value. */
export type DatasetRow = Record<string, unknown>;

type ParquetSchemaElement = {
  name: string;
  type?: "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "BYTE_ARRAY";
  converted_type?: "UTF8" | "TIMESTAMP_MICROS" | "DATE" | "JSON";
  repetition_type?: "OPTIONAL" | "REQUIRED";
  num_children?: number;
};

/** The columns to write: the declared ones in order, then any others the rows hold, in first-seen order. */
function columnNames(rows: readonly DatasetRow[], declared: readonly DatasetColumnSpec[]): string[] {
  const names = declared.map((c) => c.name);
  const seen = new Set(names);
  for (const row of rows) {
    for (const k of Object.keys(row)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names;
}

/** Which storage kind an undeclared column gets, from its values (as pandas infers a dtype). */
function inferKind(values: readonly unknown[]): DatasetColumnSpec["kind"] | "json" {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return "string";
  if (present.every((v) => typeof v === "boolean")) return "boolean";
  if (present.every((v) => typeof v === "string")) return "string";
  if (present.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v)))) return "int64";
  if (present.every((v) => typeof v === "number" || typeof v === "bigint")) return "float";
  if (present.every((v) => v instanceof Date)) return "datetime";
  return "json";
}

/**
 * Rows → a parquet file, typed as pandas/pyarrow type the same data: ints as INT64, floats as DOUBLE,
 * strings as UTF8, datetimes as TIMESTAMP_MICROS (flytekit writes `coerce_timestamps="us"`), dates as DATE.
 */
export function writeParquet(rows: readonly DatasetRow[], declared: readonly DatasetColumnSpec[]): Uint8Array {
  const names = columnNames(rows, declared);
  const schema: ParquetSchemaElement[] = [{ name: "root", num_children: names.length }];
  const columnData = names.map((name) => {
    const values = rows.map((r) => (Object.hasOwn(r, name) ? r[name] : undefined) ?? null);
    const kind = declared.find((c) => c.name === name)?.kind ?? inferKind(values);
    const element: ParquetSchemaElement = { name, repetition_type: "OPTIONAL" };
    let data: unknown[] = values;
    switch (kind) {
      case "int":
      case "int64":
        element.type = "INT64";
        data = values.map((v) => (v === null ? null : BigInt(v as number | bigint)));
        break;
      case "float":
        element.type = "DOUBLE";
        data = values.map((v) => (v === null ? null : Number(v)));
        break;
      case "boolean":
        element.type = "BOOLEAN";
        break;
      case "string":
        element.type = "BYTE_ARRAY";
        element.converted_type = "UTF8";
        break;
      case "datetime":
        element.type = "INT64";
        element.converted_type = "TIMESTAMP_MICROS";
        break;
      case "date":
        element.type = "INT32";
        element.converted_type = "DATE";
        break;
      case "json":
        element.type = "BYTE_ARRAY";
        element.converted_type = "JSON";
        break;
    }
    schema.push(element);
    return { name, data };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, schema } as Parameters<typeof parquetWriteBuffer>[0]));
}

/** A parquet file → rows (INT64 values come back as bigint, timestamps as Date). */
export async function readParquet(bytes: Uint8Array, columns: readonly string[] | undefined): Promise<DatasetRow[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const file = { byteLength: buffer.byteLength, slice: (start: number, end?: number) => buffer.slice(start, end) };
  const rows = await parquetReadObjects({ file, ...(columns ? { columns: [...columns] } : {}) });
  return rows.map((r) => ({ ...r }));
}

/** Formats a cell for CSV as pandas prints it (`True`, `1.0`, empty for missing values). */
function csvCell(value: unknown, kind: DatasetColumnSpec["kind"] | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" && kind === "float" && Number.isInteger(value)) return `${value}.0`;
  if (value instanceof Date) return kind === "date" ? value.toISOString().slice(0, 10) : formatPythonIsoDatetime(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Rows → CSV text with a header, as `DataFrame.to_csv(index=False)`. */
export function writeCsv(rows: readonly DatasetRow[], declared: readonly DatasetColumnSpec[]): Uint8Array {
  const names = columnNames(rows, declared);
  const kinds = names.map((n) => declared.find((c) => c.name === n)?.kind);
  const body = rows.map((r) => names.map((n, i) => csvCell(Object.hasOwn(r, n) ? r[n] : undefined, kinds[i])));
  return new TextEncoder().encode(formatCsv(names, body));
}

/** CSV text → rows of strings (empty fields become null), keyed by the header. */
export function readCsv(bytes: Uint8Array): DatasetRow[] {
  const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
  if (header === undefined) return [];
  return rows.map((fields) =>
    Object.fromEntries(header.map((name, i) => [name, fields[i] === "" || fields[i] === undefined ? null : fields[i]])),
  );
}

/** Rows → JSON Lines (one object per line; dates as ISO text, big ints beyond ±2^53 as strings). */
export function writeJsonl(rows: readonly DatasetRow[]): Uint8Array {
  const lines = rows.map(
    (r) =>
      `${JSON.stringify(r, (_k, v: unknown) =>
        typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v,
      )}\n`,
  );
  return new TextEncoder().encode(lines.join(""));
}

/** JSON Lines → rows. */
export function readJsonl(bytes: Uint8Array, uri: string): DatasetRow[] {
  const out: DatasetRow[] = [];
  new TextDecoder()
    .decode(bytes)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        out.push(JSON.parse(line) as DatasetRow);
      } catch (e) {
        throw AloftError.invalidArgument(`${uri} line ${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
  return out;
}

/**
 * A stored cell → the JS value its declared column type gives (`int` → number, `datetime` → Date, …),
 * accepting the forms each storage format has (bigint from parquet, text from CSV, ISO text from JSONL).
 */
export function cellFromStorage(value: unknown, column: DatasetColumnSpec, path: string): unknown {
  if (value === null || value === undefined) {
    if (column.nullable) return null;
    // pandas has no missing float but NaN, which CSV writes as an empty field.
    if (column.kind === "float") return Number.NaN;
    throw invalidAt(path, `column ${column.name} holds a missing value but is not declared t.optional`);
  }
  const inner = column.kind;
  try {
    switch (inner) {
      case "int":
      case "int64": {
        const n = typeof value === "string" ? BigInt(value.trim()) : typeof value === "number" ? BigInt(value) : value;
        if (typeof n !== "bigint") break;
        return inner === "int64" ? n : toSafeNumber(n, path);
      }
      case "float":
        if (typeof value === "number") return value;
        if (typeof value === "bigint") return Number(value);
        if (typeof value === "string") {
          const n = Number(value);
          if (value.trim() !== "" && !Number.isNaN(n)) return n;
          if (/^nan$/i.test(value.trim())) return Number.NaN;
        }
        break;
      case "string":
        if (typeof value === "string") return value;
        break;
      case "boolean":
        if (typeof value === "boolean") return value;
        if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
        break;
      case "datetime":
      case "date": {
        const date = value instanceof Date ? value : typeof value === "string" ? parseIsoDatetime(value) : undefined;
        if (date === undefined) break;
        return inner === "date" ? new Date(Math.floor(date.getTime() / 86_400_000) * 86_400_000) : date;
      }
    }
  } catch (e) {
    if (isConversionError(e)) throw e;
  }
  throw invalidAt(path, `column ${column.name}: expected ${column.type.name}, got ${describeValue(value)}`);
}

function toSafeNumber(n: bigint, path: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalidAt(path, `${n} is not a safe integer; declare the column as t.int64()`);
  }
  return Number(n);
}

/** An undeclared cell as read: safe bigints become numbers, CSV text is left as text. */
export function undeclaredCell(value: unknown): unknown {
  if (
    typeof value === "bigint" &&
    value >= BigInt(Number.MIN_SAFE_INTEGER) &&
    value <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(value);
  }
  return value;
}
