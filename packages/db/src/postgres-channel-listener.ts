import { createHash } from "node:crypto";
import pg from "pg";

/** Options of {@link listenToPostgresChannel}. */
export interface PostgresChannelListenerOptions {
  /** Connection settings for the dedicated `LISTEN` client (`SqlDatabase.postgresConnection`). */
  connection: pg.ClientConfig;
  /** The channel, e.g. from {@link postgresChannelName}. */
  channel: string;
  /** Receives each notification's payload, in the order PostgreSQL delivers them. */
  onNotification: (payload: string) => void;
  /**
   * Called once a lost connection is listening again. Notifications sent in the gap are gone, so the listener
   * should re-read whatever it follows.
   */
  onReconnect?: () => void;
  /** Called when the connection is lost, before reconnecting: notifications may be missed until `onReconnect`. */
  onDisconnect?: () => void;
  /**
   * Wait before reconnecting a lost connection.
   * @default 1000
   */
  reconnectDelayMs?: number;
}

/** A running `LISTEN`. */
export interface PostgresChannelListener {
  /** Stops listening and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * The channel named `base` for the installation in `schema`, so installations on different schemas of one
 * database do not hear each other: `base` itself without a schema, else `base_` + 16 hex digits of the schema's
 * SHA-1 (channel names are identifiers, at most 63 bytes).
 */
export function postgresChannelName(base: string, schema: string | undefined): string {
  if (schema === undefined) return base;
  return `${base}_${createHash("sha1").update(schema).digest("hex").slice(0, 16)}`;
}

/**
 * Listens to one channel on a dedicated connection (a pooled one would lose its `LISTEN` when returned), passing
 * each payload on. Senders use `pg_notify(channel, payload)` through any connection; PostgreSQL delivers only
 * what committed. A dropped connection is re-opened after `reconnectDelayMs`, then `onReconnect` runs.
 *
 * @throws whatever `pg` throws when the first connection or `LISTEN` fails.
 */
export async function listenToPostgresChannel(
  options: PostgresChannelListenerOptions,
): Promise<PostgresChannelListener> {
  const { channel } = options;
  let closed = false;
  let client: pg.Client | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(options.connection);
    next.on("notification", (message) => {
      if (message.channel === channel) options.onNotification(message.payload ?? "");
    });
    next.on("error", () => scheduleReconnect(next));
    next.on("end", () => scheduleReconnect(next));
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
  };

  const scheduleReconnect = (failed: pg.Client): void => {
    if (closed || client !== failed || reconnectTimer !== undefined) return;
    client = undefined;
    failed.end().catch(() => undefined);
    options.onDisconnect?.();
    const retry = (): void => {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        if (closed) return;
        connect().then(
          () => {
            if (!closed) options.onReconnect?.();
          },
          () => retry(),
        );
      }, options.reconnectDelayMs ?? 1000);
    };
    retry();
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      const current = client;
      client = undefined;
      if (current !== undefined) await current.end().catch(() => undefined);
    },
  };
}
