import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";

/** The SQL dialects Aloft's database suites run against. */
export type TestDialectName = "sqlite" | "postgres";

/** The PostgreSQL server tests may use; PostgreSQL suites skip without it. */
export const TEST_POSTGRES_URL: string | undefined = process.env.ALOFT_TEST_POSTGRES_URL || undefined;

const POSTGRES_SKIP = "ALOFT_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)";

/** A dialect every database suite runs against (Kysely's `DIALECTS`), with why it is skipped, if it is. */
export interface TestDialect {
  name: TestDialectName;
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

/** A fresh PostgreSQL schema name for one suite, `<prefix>_<12 hex digits>`. */
export function testSchemaName(prefix = "aloft_test"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** What {@link describeEachDialect} needs of a suite's database. */
export interface ResettableDatabase {
  /** Empties it (before every test). */
  reset(): Promise<void>;
  /** Closes it (after the suite), dropping what it created. */
  close(): Promise<void>;
}

/**
 * Runs `body` once per dialect in {@link DIALECTS}, each against its own database from `open`, emptied
 * before every test and closed after the suite. `db()` returns it inside tests.
 */
export function describeEachDialect<T extends ResettableDatabase>(
  title: string,
  open: (dialect: TestDialectName) => Promise<T>,
  body: (db: () => T, dialect: TestDialectName) => void,
): void {
  for (const dialect of DIALECTS) {
    const name = `${title} [${dialect.name}]${dialect.skip === undefined ? "" : ` (skipped: ${dialect.skip})`}`;
    describe.skipIf(dialect.skip !== undefined)(name, () => {
      let current: T | undefined;
      beforeAll(async () => {
        current = await open(dialect.name);
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
