import { AloftError } from "@aloft/idl";
import { type Migration, type MigrationResult, Migrator } from "kysely";
import type { AdminDatabase } from "./create-database.js";
import { initialSchema } from "./migrations/0001-initial-schema.js";
import type { MigrationFactory } from "./migrations/migration-helpers.js";

/** Every migration, by name; names sort in the order they run. Append only. */
const MIGRATIONS: ReadonlyArray<readonly [string, MigrationFactory]> = [["0001-initial-schema", initialSchema]];

/** What {@link migrateToLatest} did. */
export interface MigrationReport {
  /** Names of the migrations applied by this call (empty when the schema was already current). */
  applied: string[];
}

/**
 * Brings the schema up to date with Kysely's `Migrator`; called once when admin starts.
 *
 * Concurrent starts are safe. On PostgreSQL the Migrator holds an advisory lock for the whole run,
 * so two admin replicas starting together apply each migration once. On SQLite its lock is a
 * no-op, which is sound: there is exactly one connection, and the Migrator keeps it for the whole
 * run, so nothing else in the process can interleave (another process's writes wait on SQLite's
 * own file lock via `busy_timeout`).
 *
 * @throws AloftError Internal naming the failed migration.
 */
export async function migrateToLatest(database: AdminDatabase): Promise<MigrationReport> {
  const migrations: Record<string, Migration> = {};
  for (const [name, factory] of MIGRATIONS) migrations[name] = factory(database.capabilities);
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = (results ?? []).find((result: MigrationResult) => result.status === "Error");
    const what = failed === undefined ? "" : ` ${failed.migrationName}`;
    throw AloftError.internal(
      `database migration${what} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    applied: (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName),
  };
}
