import type { SqlDatabase } from "../create-database.js";
import { createPostgresQueueNotifier } from "./postgres-queue-notifier.js";
import { createLocalQueueNotifier, type QueueNotifier } from "./queue-notifier.js";

/**
 * The notifier that fits `database`: `LISTEN`/`NOTIFY` where the dialect has it (several processes
 * may share the queue), an in-process one otherwise.
 */
export async function createQueueNotifier<DB>(database: SqlDatabase<DB>): Promise<QueueNotifier> {
  if (database.capabilities.supportsListenNotify && database.postgresConnection !== undefined) {
    return createPostgresQueueNotifier({
      connection: database.postgresConnection,
      ...(database.schema === undefined ? {} : { schema: database.schema }),
    });
  }
  return createLocalQueueNotifier();
}
