import { migrateToLatest, type MigrationReport, type MigrationSet, type SqlDatabase } from "@aloft/db";
import { catalogTables } from "./migrations/0001-catalog-tables.js";

/** The catalog's migrations, with their own bookkeeping table `catalog_migrations`. */
export const CATALOG_MIGRATIONS: MigrationSet = Object.freeze({
  tableName: "catalog_migrations",
  migrations: [["0001-catalog-tables", catalogTables]] as const,
});

/**
 * Creates or updates the catalog's tables in `database` (shared with admin and the engine, or its own); call once
 * at start. Concurrent starts are safe (see `migrateToLatest`).
 *
 * @throws AloftError Internal naming the migration that failed.
 */
export function migrateCatalogDatabase<DB>(database: SqlDatabase<DB>): Promise<MigrationReport> {
  return migrateToLatest(database, CATALOG_MIGRATIONS);
}
