/**
 * Execution changes across admin processes on one PostgreSQL database (schema). Each change is delivered to this
 * process's subscribers at once and relayed with `pg_notify` (ids only); every process `LISTEN`s and delivers
 * what other processes published. Relaying is never polled and never waits for watchers: the caller's RPC
 * returns while a single in-flight statement sends everything published meanwhile, in order.
 */
import { randomBytes } from "node:crypto";
import { listenToPostgresChannel, type PostgresChannelListenerOptions, postgresChannelName } from "@aloft/db";
import { type Kysely, sql } from "kysely";
import type { Logger } from "pino";
import { executionChangeFromPayload, executionChangeToPayload } from "./execution-change.js";
import { ExecutionChangeFanout, type ExecutionChangeFeed } from "./execution-change-feed.js";

/** The channel's base name; the schema makes it unique per installation. */
export const EXECUTION_CHANGES_CHANNEL = "aloft_execution_changes";

/** Options of {@link createPostgresExecutionChangeFeed}. */
export interface PostgresExecutionChangeFeedOptions {
  /** Sends the notifications (any pooled connection). */
  db: Kysely<unknown>;
  /** The dedicated `LISTEN` connection's settings (`SqlDatabase.postgresConnection`). */
  connection: PostgresChannelListenerOptions["connection"];
  /** The installation's schema (`SqlDatabase.schema`). */
  schema: string | undefined;
  /** Where relay failures are reported. */
  logger: Logger;
  /** @default 1000 */
  reconnectDelayMs?: number;
}

/** Starts listening; resolves once the `LISTEN` is in place. */
export async function createPostgresExecutionChangeFeed(
  options: PostgresExecutionChangeFeedOptions,
): Promise<ExecutionChangeFeed> {
  const channel = postgresChannelName(EXECUTION_CHANGES_CHANNEL, options.schema);
  // Tells this process's own notifications apart: they were delivered locally already.
  const origin = randomBytes(8).toString("hex");
  const fanout = new ExecutionChangeFanout();
  const listener = await listenToPostgresChannel({
    connection: options.connection,
    channel,
    ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
    onNotification(payload) {
      const decoded = executionChangeFromPayload(payload);
      if (decoded === undefined || decoded.origin === origin) return;
      fanout.deliver(decoded.change);
    },
    onReconnect: () => fanout.resyncAll(),
  });

  let pending: string[] = [];
  let sending: Promise<void> | undefined;
  let closed = false;
  let relayScheduled = false;
  const send = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await sql`select pg_notify(${channel}, payload) from unnest(${batch}::text[]) with ordinality as sent(payload, position) order by position`.execute(
          options.db,
        );
      } catch (error) {
        // Watchers of other processes miss these changes until their next one; the write itself succeeded.
        options.logger.warn({ err: error, changes: batch.length }, "could not relay execution changes");
      }
    }
  };

  const kick = (): void => {
    if (sending !== undefined || pending.length === 0) return;
    sending = send().finally(() => {
      sending = undefined;
      // Published after the loop saw an empty queue but before it finished.
      kick();
    });
  };

  return {
    publish(change, options) {
      fanout.deliver(change);
      if (closed || options?.relayed === true) return;
      pending.push(executionChangeToPayload(change, origin));
      // In the next turn: the caller's response goes out first, and changes published meanwhile share the statement.
      if (!relayScheduled) {
        relayScheduled = true;
        setImmediate(() => {
          relayScheduled = false;
          kick();
        });
      }
    },
    noticeFor: (change) => ({ channel, payload: executionChangeToPayload(change, origin) }),
    subscribe: (executionId, subscriber) => fanout.subscribe(executionId, subscriber),
    subscriptionCount: () => fanout.count(),
    async close() {
      if (closed) return;
      closed = true;
      kick();
      while (sending !== undefined) await sending;
      await listener.close();
    },
  };
}
