import { AloftError } from "@aloft/idl";
import { type Migration, type MigrationResult, Migrator } from "kysely";
import type { SqlDatabase } from "./create-database.js";
import type { MigrationFactory } from "./migration-helpers.js";

/**
 * One package's migrations: admin, the engine, the catalog and the hand-off each keep their own set and
 * their own Kysely bookkeeping table, so they evolve independently in one database.
 */
export interface MigrationSet {
  /**
   * Kysely's table recording which migrations of this set ran (e.g. `admin_migrations`); its lock
   * table is `<tableName>_lock`.
   */
  readonly tableName: string;
  /** Every migration, by name; names sort in the order they run. Append only. */
  readonly migrations: ReadonlyArray<readonly [string, MigrationFactory]>;
}

/** What {@link migrateToLatest} did. */
export interface MigrationReport {
  /** Names of the migrations applied by this call (empty when the schema was already current). */
  applied: string[];
}

/**
 * Brings one {@link MigrationSet} up to date with Kysely's `Migrator`; called once when a service starts.
 *
 * Concurrent starts are safe. On PostgreSQL the Migrator holds an advisory lock for the whole run,
 * so two replicas starting together apply each migration once. On SQLite its lock is a
 * no-op, which is sound: there is exactly one connection, and the Migrator keeps it for the whole
 * run, so nothing else in the process can interleave (another process's writes wait on SQLite's
 * own file lock via `busy_timeout`).
 *
 * @throws AloftError Internal naming the failed migration.
 */
export async function migrateToLatest<DB>(database: SqlDatabase<DB>, set: MigrationSet): Promise<MigrationReport> {
  const migrations: Record<string, Migration> = {};
  for (const [name, factory] of set.migrations) migrations[name] = factory(database.capabilities);
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: set.tableName,
    migrationLockTableName: `${set.tableName}_lock`,
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
