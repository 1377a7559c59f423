import type { Kysely } from "kysely";
import { createIndex, type MigrationFactory } from "@aloft/db";

/**
 * Executions of a project/domain in one phase, newest first (flyteconsole's and flytectl's most common list: a
 * phase filter sorted by `created_at`), read in index order: the index scan returns only that phase's rows, already
 * sorted, where a `(project, domain, phase)` index left the sort to the query and the `created_at` index read every
 * phase. It replaces the `(project, domain, phase)` index, of which it is an extension.
 */
export const executionsPhaseSortIndex: MigrationFactory = () => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("executions_project_domain_phase_idx").ifExists().execute();
    await createIndex(db, "executions_project_domain_phase_created_at_idx", "executions", [
      "execution_project",
      "execution_domain",
      "phase",
      "created_at",
    ]);
  },
});
