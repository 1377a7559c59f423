import type { SqlDatabase } from "@aloft/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { createLocalExecutionChangeFeed, type ExecutionChangeFeed } from "./execution-change-feed.js";
import { createPostgresExecutionChangeFeed } from "./postgres-execution-change-feed.js";

/**
 * The feed that fits `database`: relayed through `LISTEN`/`NOTIFY` where the dialect has it (several admin
 * processes may serve one PostgreSQL database), in-process otherwise.
 */
export async function createExecutionChangeFeed<DB>(
  database: SqlDatabase<DB>,
  options: { logger: Logger },
): Promise<ExecutionChangeFeed> {
  if (database.capabilities.supportsListenNotify && database.postgresConnection !== undefined) {
    return createPostgresExecutionChangeFeed({
      db: database.db as Kysely<unknown>,
      connection: database.postgresConnection,
      schema: database.schema,
      logger: options.logger,
    });
  }
  return createLocalExecutionChangeFeed();
}
