import { createDatabase, HANDOFF_TABLE_NAMES } from "@aloft/db";
import {
  describeEachDialect as describeEachTestDialect,
  TEST_POSTGRES_URL,
  testSchemaName,
  type TestDialectName,
} from "@aloft/test-helpers";
import { sql } from "kysely";
import pg from "pg";
import type { AdminDatabase } from "../db/admin-database.js";
import { migrateAdminDatabase } from "../db/admin-migrations.js";
import { type Database, TABLE_NAMES } from "../db/schema.js";
import { createRepositories, type Repositories } from "./create-repositories.js";

/** A migrated database of one dialect, private to one test file. */
export interface TestDatabase {
  readonly dialect: TestDialectName;
  readonly database: AdminDatabase;
  readonly repos: Repositories;
  /** Empties every table (between tests). */
  reset(): Promise<void>;
  /** Closes it and, on PostgreSQL, drops its schema. */
  close(): Promise<void>;
}

/** A fresh, migrated database: SQLite in memory, or a new PostgreSQL schema `aloft_test_<random>`. */
export async function openTestDatabase(dialect: TestDialectName): Promise<TestDatabase> {
  const schema = dialect === "postgres" ? testSchemaName() : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase<Database>({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 3 })
      : await createDatabase<Database>({ url: "sqlite::memory:" });
  await migrateAdminDatabase(database);
  const repos = createRepositories({ db: database.db, capabilities: database.capabilities });
  const tables = [...TABLE_NAMES, ...HANDOFF_TABLE_NAMES];
  return {
    dialect,
    database,
    repos,
    async reset() {
      if (dialect === "postgres") {
        // DELETE is far quicker than TRUNCATE on tiny tables; one round trip for all of them.
        const statements = tables.map(
          (table) => `DELETE FROM "${table}"; ALTER TABLE "${table}" ALTER COLUMN id RESTART;`,
        );
        await sql.raw(statements.join(" ")).execute(database.db);
      } else {
        for (const table of tables) await database.db.deleteFrom(table).execute();
        await sql`DELETE FROM sqlite_sequence`.execute(database.db);
      }
    },
    async close() {
      await database.close();
      if (schema !== undefined) await dropSchema(schema);
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Runs `body` once per dialect in `DIALECTS` (`@aloft/test-helpers`), each against its own migrated
 * database that is emptied before every test. `db()` returns it inside tests.
 */
export function describeEachDialect(
  title: string,
  body: (db: () => TestDatabase, dialect: TestDialectName) => void,
): void {
  describeEachTestDialect(title, openTestDatabase, body);
}
