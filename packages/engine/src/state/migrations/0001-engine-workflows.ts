import { type Kysely, sql } from "kysely";
import { createIndex, type MigrationFactory } from "@aloft/db";

/**
 * The `engine_workflows` table. Append-only: never edit once released; add `0002-…`.
 */
export const engineWorkflowsSchema: MigrationFactory = (capabilities) => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const t = capabilities.sqlTypes;
    await db.schema
      .createTable("engine_workflows")
      .addColumn("execution_project", sql.raw(t.text), (c) => c.notNull())
      .addColumn("execution_domain", sql.raw(t.text), (c) => c.notNull())
      .addColumn("execution_name", sql.raw(t.text), (c) => c.notNull())
      .addColumn("request", sql.raw(t.text), (c) => c.notNull())
      .addColumn("phase", sql.raw(t.int), (c) => c.notNull().defaultTo(0))
      .addColumn("done", sql.raw(t.bool), (c) => c.notNull().defaultTo(false))
      .addColumn("state", sql.raw(t.text), (c) => c.notNull())
      .addColumn("abort_requested", sql.raw(t.bool), (c) => c.notNull().defaultTo(false))
      .addColumn("abort_cause", sql.raw(t.text))
      .addColumn("owner", sql.raw(t.text))
      .addColumn("lease_expires_at", sql.raw(t.time))
      .addColumn("wake_at", sql.raw(t.time))
      .addColumn("version", sql.raw(t.int), (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", sql.raw(t.time), (c) => c.notNull())
      .addColumn("updated_at", sql.raw(t.time), (c) => c.notNull())
      .addPrimaryKeyConstraint("engine_workflows_pkey", ["execution_project", "execution_domain", "execution_name"])
      .execute();
    // Claims look for live rows that are ours, unowned, or whose lease ran out; lease renewal for ours.
    await createIndex(db, "engine_workflows_claim_idx", "engine_workflows", ["done", "owner", "lease_expires_at"]);
    await createIndex(db, "engine_workflows_lease_idx", "engine_workflows", ["done", "lease_expires_at"]);
  },
});
