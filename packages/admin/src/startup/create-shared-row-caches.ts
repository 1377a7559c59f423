import { randomBytes } from "node:crypto";
import { listenToPostgresChannel, postgresChannelName, type SqlDatabase } from "@aloft/db";
import { sql } from "kysely";
import { CACHED_TABLES, type CachedTable, createRowCaches, type RowCaches } from "../repositories/row-caches.js";

/** The channel's base name; the schema makes it unique per installation. */
export const ROW_CHANGES_CHANNEL = "aloft_cached_row_changes";

/**
 * The {@link RowCaches} that fit `database`. On PostgreSQL, where several admin processes may share the database,
 * each change to a cached table is announced with `pg_notify` inside its transaction and every process `LISTEN`s
 * and drops that table's entries; while the `LISTEN` connection is down, nothing is cached. On SQLite the caches
 * follow this process's own writes (one admin process per database file).
 */
export async function createSharedRowCaches<DB>(
  database: SqlDatabase<DB>,
): Promise<{ caches: RowCaches; close(): Promise<void> }> {
  if (!database.capabilities.supportsListenNotify || database.postgresConnection === undefined) {
    return { caches: createRowCaches(), close: async () => undefined };
  }
  const channel = postgresChannelName(ROW_CHANGES_CHANNEL, database.schema);
  // This process drops its entries itself once its transaction commits; its own notifications are skipped.
  const origin = randomBytes(8).toString("hex");
  const caches = createRowCaches((executor, table) =>
    sql`select pg_notify(${channel}, ${`${origin} ${table}`})`.execute(executor).then(() => undefined),
  );
  const listener = await listenToPostgresChannel({
    connection: database.postgresConnection,
    channel,
    onNotification(payload) {
      const [from, table] = payload.split(" ");
      if (from !== origin && (CACHED_TABLES as readonly string[]).includes(table!))
        caches.invalidate(table as CachedTable);
    },
    onDisconnect: () => caches.setSuspended(true),
    onReconnect: () => caches.setSuspended(false),
  });
  return { caches, close: () => listener.close() };
}
