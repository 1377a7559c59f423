import { AloftError } from "@aloft/idl";
import { type BaseType } from "./base-type.js";
import { OptionalType } from "./union-type.js";

/** The column kinds a dataframe may declare (each also as `t.optional(…)`, a nullable column). */
export type ColumnKind = "int" | "int64" | "float" | "string" | "boolean" | "datetime" | "date";

const COLUMN_KINDS: ReadonlySet<string> = new Set<ColumnKind>([
  "int",
  "int64",
  "float",
  "string",
  "boolean",
  "datetime",
  "date",
]);

/** A declared dataframe column. */
export interface DatasetColumnSpec {
  name: string;
  type: BaseType<unknown>;
  kind: ColumnKind;
  nullable: boolean;
}

/** Checks a declared column's type, which must be a scalar kind pandas and parquet share. */
export function columnSpec(name: string, type: BaseType<unknown>): DatasetColumnSpec {
  const inner = type instanceof OptionalType ? (type.inner as BaseType<unknown>) : type;
  if (!COLUMN_KINDS.has(inner.kind)) {
    throw AloftError.invalidArgument(
      `t.dataframe column ${name}: ${type.name} cannot be a column; use int, int64, float, string, boolean, datetime or date (optionally t.optional)`,
    );
  }
  return { name, type, kind: inner.kind as ColumnKind, nullable: type instanceof OptionalType };
}
