import { TEST_POSTGRES_URL, testSchemaName, type TestDialectName } from "@aloft/test-helpers";
import { type Kysely, sql } from "kysely";
import { createDatabase, type SqlDatabase } from "./create-database.js";
import { HANDOFF_MIGRATIONS } from "./handoff/handoff-migrations.js";
import { HANDOFF_TABLE_NAMES, type HandoffTables } from "./handoff/handoff-schema.js";
import { migrateToLatest, type MigrationSet } from "./migrate-to-latest.js";

/** A database of one dialect with some migration sets applied, private to one test file. */
export interface TestDatabase<DB> {
  readonly dialect: TestDialectName;
  readonly database: SqlDatabase<DB>;
  /** Empties the given tables (between tests). */
  reset(): Promise<void>;
  /** Closes it and, on PostgreSQL, drops its schema. */
  close(): Promise<void>;
}

/** Options of {@link openTestDatabase}. */
export interface OpenTestDatabaseOptions {
  dialect: TestDialectName;
  /** Applied in order. @default none */
  migrations?: readonly MigrationSet[];
  /** The tables {@link TestDatabase.reset} empties. @default none */
  tables?: readonly string[];
}

/** A fresh database: SQLite in memory, or a new PostgreSQL schema `aloft_db_<random>`. */
export async function openTestDatabase<DB>(options: OpenTestDatabaseOptions): Promise<TestDatabase<DB>> {
  const { dialect } = options;
  const schema = dialect === "postgres" ? testSchemaName("aloft_db") : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase<DB>({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 3 })
      : await createDatabase<DB>({ url: "sqlite::memory:" });
  for (const set of options.migrations ?? []) await migrateToLatest(database, set);
  const untyped = database.db as Kysely<unknown>;
  return {
    dialect,
    database,
    async reset() {
      for (const table of options.tables ?? []) await sql`DELETE FROM ${sql.table(table)}`.execute(untyped);
    },
    async close() {
      await database.close();
      if (schema === undefined) return;
      const server = await createDatabase({ url: TEST_POSTGRES_URL ?? "" });
      try {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(server.db);
      } finally {
        await server.close();
      }
    },
  };
}

/** A database with the hand-off's tables, emptied by `reset`. */
export function openHandoffTestDatabase(dialect: TestDialectName): Promise<TestDatabase<HandoffTables>> {
  return openTestDatabase<HandoffTables>({ dialect, migrations: [HANDOFF_MIGRATIONS], tables: HANDOFF_TABLE_NAMES });
}
