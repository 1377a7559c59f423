import { HANDOFF_MIGRATIONS, type MigrationReport, type MigrationSet, migrateToLatest } from "@aloft/db";
import type { AdminDatabase } from "./admin-database.js";
import { initialSchema } from "./migrations/0001-initial-schema.js";
import { executionsPhaseSortIndex } from "./migrations/0002-executions-phase-sort-index.js";

/** Admin's own tables (flyteadmin's), tracked in `admin_migrations`. */
export const ADMIN_MIGRATIONS: MigrationSet = Object.freeze({
  tableName: "admin_migrations",
  migrations: [
    ["0001-initial-schema", initialSchema],
    ["0002-executions-phase-sort-index", executionsPhaseSortIndex],
  ] as const,
});

/**
 * Brings everything admin uses up to date: the hand-off's `execution_queue` (admin writes it in the
 * same transactions as executions), then admin's own tables. Called once when admin starts.
 *
 * @throws AloftError Internal naming the failed migration.
 */
export async function migrateAdminDatabase(database: AdminDatabase): Promise<MigrationReport> {
  const handoff = await migrateToLatest(database, HANDOFF_MIGRATIONS);
  const admin = await migrateToLatest(database, ADMIN_MIGRATIONS);
  return { applied: [...handoff.applied, ...admin.applied] };
}
