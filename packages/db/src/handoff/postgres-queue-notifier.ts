import { createHash } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
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
  if (schema === undefined) return "aloft_execution_queue";
  return `aloft_execution_queue_${createHash("sha1").update(schema).digest("hex").slice(0, 16)}`;
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
  let closed = false;
  let client: pg.Client | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(options.connection);
    next.on("notification", (message) => {
      if (message.channel === channel) waiters.bump();
    });
    next.on("error", () => scheduleReconnect(next));
    next.on("end", () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN "${channel}"`);
    client = next;
  };

  const scheduleReconnect = (failed: pg.Client): void => {
    if (closed || client !== failed || reconnectTimer !== undefined) return;
    client = undefined;
    failed.end().catch(() => undefined);
    const retry = (): void => {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        if (closed) return;
        connect().then(
          () => waiters.bump(),
          () => retry(),
        );
      }, options.reconnectDelayMs ?? 1000);
    };
    retry();
  };

  await connect();
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
      closed = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      waiters.releaseAll();
      const current = client;
      client = undefined;
      if (current !== undefined) await current.end().catch(() => undefined);
    },
  };
}
