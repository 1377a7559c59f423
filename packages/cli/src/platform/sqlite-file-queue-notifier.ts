/**
 * Queue wake-ups across processes sharing one SQLite file (`aloft serve admin` and `aloft serve engine`). SQLite has
 * no LISTEN/NOTIFY, and @aloft/db's local notifier only hears announcements made in its own process, so an engine
 * in another process would never hear of the executions admin queues. Every commit appends to the database's
 * write-ahead log (`<file>-wal`; WAL mode is how @aloft/db opens SQLite), so a file-system watch on it (inotify,
 * FSEvents: pushed by the kernel, not polled) tells this process that another one wrote; the consumer then looks
 * for work, which is one indexed query. Changes that are not queue rows wake it too: harmless, only a query.
 */
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { QueueNotifier } from "@aloft/db";

/** Options of {@link createSqliteFileQueueNotifier}. */
export interface SqliteFileQueueNotifierOptions {
  /** This process's notifier for the database (`createQueueNotifier` of a SQLite database), which this one wraps. */
  local: QueueNotifier;
  /** The SQLite database file (not `:memory:`). */
  path: string;
  /** Told when the watch fails (the folder went away); wake-ups then come only from this process. */
  onWatchError?: (error: Error) => void;
}

/**
 * `local`, also woken by writes other processes make to the SQLite file at `path`. The folder
 * is watched rather than the log itself, so the watch survives SQLite deleting and recreating the log when the
 * last connection closes.
 */
export function createSqliteFileQueueNotifier(options: SqliteFileQueueNotifierOptions): QueueNotifier {
  const { local } = options;
  const database = basename(options.path);
  const names = new Set([database, `${database}-wal`]);
  let watcher: FSWatcher | undefined = watch(dirname(options.path), { persistent: false }, (_event, file) => {
    // Some platforms give no file name; then any change in the folder counts.
    if (file === null || names.has(file.toString())) void local.announce(undefined as never);
  });
  watcher.on("error", (error) => {
    watcher?.close();
    watcher = undefined;
    options.onWatchError?.(error);
  });
  return {
    announce: local.announce,
    generation: () => local.generation(),
    wait: (waitOptions) => local.wait(waitOptions),
    async close() {
      watcher?.close();
      watcher = undefined;
      await local.close();
    },
  };
}
