import type { MigrationSet } from "../migrate-to-latest.js";
import { executionQueueSchema } from "./migrations/0001-execution-queue.js";

/**
 * The hand-off's tables (`execution_queue`). Both sides run it at start, admin (which writes the queue)
 * and the engine (which consumes it), in whichever order they start.
 */
export const HANDOFF_MIGRATIONS: MigrationSet = Object.freeze({
  tableName: "handoff_migrations",
  migrations: [["0001-execution-queue", executionQueueSchema]] as const,
});
