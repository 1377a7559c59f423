import { sql } from "kysely";
import type pg from "pg";
import { listenToPostgresChannel, postgresChannelName } from "../postgres-channel-listener.js";
import type { DbExecutor } from "../db-executor.js";
import type { HandoffTables } from "./handoff-schema.js";
import { type QueueNotifier, WaiterSet } from "./queue-notifier.js";

/** Options of {@link createPostgresQueueNotifier}. */
export interface PostgresQueueNotifierOptions {
  /** Connection settings for the dedicated `LISTEN` client (`SqlDatabase.postgresConnection`). */
  connection: pg.ClientConfig;
  /** The schema in use, so installations on different schemas of one database do not wake each other. */
  schema?: string;
  /**
   * Wait before reconnecting a lost `LISTEN` connection.
   * @default 1000
   */
  reconnectDelayMs?: number;
}

/** The `NOTIFY` channel of the execution queue in `schema`. */
export function queueChannel(schema: string | undefined): string {
  return postgresChannelName("aloft_execution_queue", schema);
}

/**
 * A notifier across processes: `announce` issues `pg_notify` in the writer's transaction (PostgreSQL
 * delivers it only on commit, so a consumer never wakes before the row is visible), and a dedicated
 * connection `LISTEN`s. If that connection drops it reconnects and counts the gap as an
 * announcement, so consumers re-check the queue rather than miss work.
 */
export async function createPostgresQueueNotifier(options: PostgresQueueNotifierOptions): Promise<QueueNotifier> {
  const channel = queueChannel(options.schema);
  const waiters = new WaiterSet();
  // A reconnect counts as an announcement: what was sent in the gap is gone, so consumers re-check the queue.
  const listener = await listenToPostgresChannel({
    connection: options.connection,
    channel,
    onNotification: () => waiters.bump(),
    onReconnect: () => waiters.bump(),
    ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
  });
  return {
    announce: Object.assign(
      async (db: DbExecutor<HandoffTables>) => {
        await sql`select pg_notify(${channel}, '')`.execute(db);
      },
      { postgresChannel: channel },
    ),
    generation: () => waiters.generation(),
    wait: (waitOptions) => waiters.wait(waitOptions),
    close: async () => {
      waiters.releaseAll();
      await listener.close();
    },
  };
}
