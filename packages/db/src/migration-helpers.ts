import { type ColumnType, type Kysely, type Migration, sql } from "kysely";
import type { DbTime } from "./db-time.js";
import type { DialectCapabilities, SqlTypes } from "./dialects/dialect-capabilities.js";

/** A migration that needs to know the dialect's column types. */
export type MigrationFactory = (capabilities: DialectCapabilities) => Migration;

/** A column kind from {@link SqlTypes}, `?` suffixed when the column is nullable. */
export type ColumnSpec = `${keyof SqlTypes}` | `${Exclude<keyof SqlTypes, "id">}?`;

/** Defaults written into the DDL for non-nullable columns, so rows written by hand stay valid. */
const DEFAULTS: Partial<Record<keyof SqlTypes, string>> = { text: "''", int: "0", bigint: "0" };

/**
 * The `created_at` / `updated_at` pair {@link createTable} adds to every table: optional on insert (the
 * repository fills them, never a database default, whose formats differ between dialects), always
 * present on read.
 */
export interface RowTimestamps {
  created_at: ColumnType<DbTime, DbTime | undefined, DbTime>;
  updated_at: ColumnType<DbTime, DbTime | undefined, DbTime>;
}

/**
 * Creates `table` with `columns` (in order) plus the `created_at`/`updated_at` pair every table has.
 * Kept deliberately small: migrations must read as a plain list of columns.
 */
export async function createTable(
  db: Kysely<unknown>,
  types: SqlTypes,
  table: string,
  columns: Readonly<Record<string, ColumnSpec>>,
): Promise<void> {
  let builder = db.schema.createTable(table);
  for (const [name, spec] of Object.entries({ ...columns, created_at: "time", updated_at: "time" } as const)) {
    const nullable = spec.endsWith("?");
    const kind = (nullable ? spec.slice(0, -1) : spec) as keyof SqlTypes;
    const fallback = DEFAULTS[kind];
    builder = builder.addColumn(name, sql.raw(types[kind]), (column) => {
      if (kind === "id" || nullable) return column;
      const required = column.notNull();
      return fallback === undefined ? required : required.defaultTo(sql.raw(fallback));
    });
  }
  await builder.execute();
}

/** Creates a unique index named `<table>_key` over the natural key of `table`. */
export async function createNaturalKey(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void> {
  await db.schema
    .createIndex(`${table}_key`)
    .unique()
    .on(table)
    .columns([...columns])
    .execute();
}

/** Creates a plain index `name` on `table(columns)`. */
export async function createIndex(
  db: Kysely<unknown>,
  name: string,
  table: string,
  columns: readonly string[],
): Promise<void> {
  await db.schema
    .createIndex(name)
    .on(table)
    .columns([...columns])
    .execute();
}
