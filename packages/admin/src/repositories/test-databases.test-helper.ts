import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { type AdminDatabase, createDatabase } from "../db/create-database.js";
import { migrateToLatest } from "../db/migrate-to-latest.js";
import { TABLE_NAMES } from "../db/schema.js";
import { createRepositories, type Repositories } from "./create-repositories.js";
import type { DialectName } from "./dialects/dialect-capabilities.js";

/** The PostgreSQL server tests may use; PostgreSQL suites skip without it. */
export const TEST_POSTGRES_URL: string | undefined = process.env.ALOFT_TEST_POSTGRES_URL || undefined;

const POSTGRES_SKIP = "ALOFT_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)";

/** A dialect every repository suite runs against (Kysely's `DIALECTS`), with why it is skipped, if it is. */
export interface TestDialect {
  name: DialectName;
  skip?: string;
}

/**
 * SQLite always; PostgreSQL when `ALOFT_TEST_POSTGRES_URL` is set. `ALOFT_TEST_DIALECTS=sqlite`
 * (comma-separated) narrows the run.
 */
export const DIALECTS: readonly TestDialect[] = (["sqlite", "postgres"] as const)
  .filter((name) => {
    const only = process.env.ALOFT_TEST_DIALECTS;
    return only === undefined || only === "" || only.split(",").includes(name);
  })
  .map((name) => (name === "postgres" && TEST_POSTGRES_URL === undefined ? { name, skip: POSTGRES_SKIP } : { name }));

/** A migrated database of one dialect, private to one test file. */
export interface TestDatabase {
  readonly dialect: DialectName;
  readonly database: AdminDatabase;
  readonly repos: Repositories;
  /** Empties every table (between tests). */
  reset(): Promise<void>;
  /** Closes it and, on PostgreSQL, drops its schema. */
  close(): Promise<void>;
}

/** A fresh, migrated database: SQLite in memory, or a new PostgreSQL schema `aloft_test_<random>`. */
export async function openTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const schema = dialect === "postgres" ? `aloft_test_${randomBytes(6).toString("hex")}` : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 3 })
      : await createDatabase({ url: "sqlite::memory:" });
  await migrateToLatest(database);
  const repos = createRepositories({ db: database.db, capabilities: database.capabilities });
  return {
    dialect,
    database,
    repos,
    async reset() {
      if (dialect === "postgres") {
        // DELETE is far quicker than TRUNCATE on tiny tables; one round trip for all of them.
        const statements = TABLE_NAMES.map(
          (table) => `DELETE FROM "${table}"; ALTER TABLE "${table}" ALTER COLUMN id RESTART;`,
        );
        await sql.raw(statements.join(" ")).execute(database.db);
      } else {
        for (const table of TABLE_NAMES) await database.db.deleteFrom(table).execute();
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
 * Runs `body` once per dialect in {@link DIALECTS}, each against its own migrated database that is
 * emptied before every test. `db()` returns it inside tests.
 */
export function describeEachDialect(title: string, body: (db: () => TestDatabase, dialect: DialectName) => void): void {
  for (const dialect of DIALECTS) {
    const name = `${title} [${dialect.name}]${dialect.skip === undefined ? "" : ` (skipped: ${dialect.skip})`}`;
    describe.skipIf(dialect.skip !== undefined)(name, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await openTestDatabase(dialect.name);
      });
      beforeEach(async () => {
        await current?.reset();
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (current === undefined) throw new Error("test database is not open");
        return current;
      }, dialect.name);
    });
  }
}
