import type { Kysely } from "kysely";
import { createIndex, createTable, type MigrationFactory } from "../../migration-helpers.js";

/**
 * The `execution_queue` table (until this package existed it was part of admin's initial schema).
 *
 * Migrations are append-only: never edit this file once released; add `0002-…`.
 */
export const executionQueueSchema: MigrationFactory = (capabilities) => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const executionKey = ["execution_project", "execution_domain", "execution_name"];
    await createTable(db, capabilities.sqlTypes, "execution_queue", {
      id: "id",
      execution_project: "text",
      execution_domain: "text",
      execution_name: "text",
      kind: "text",
      payload: "text",
      state: "text",
      attempts: "int",
      lease_owner: "text?",
      lease_expires_at: "time?",
      available_at: "time",
      last_error: "text?",
    });
    // Claims look for pending rows that are due, or leased rows whose lease ran out.
    await createIndex(db, "execution_queue_state_available_idx", "execution_queue", ["state", "available_at"]);
    await createIndex(db, "execution_queue_state_lease_idx", "execution_queue", ["state", "lease_expires_at"]);
    // Rows of one execution are handed out in order (an abort never overtakes its create).
    await createIndex(db, "execution_queue_execution_idx", "execution_queue", [...executionKey, "id"]);
  },
});
