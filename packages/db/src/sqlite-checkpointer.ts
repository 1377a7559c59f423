/**
 * Checkpoints a WAL-mode SQLite database from a worker thread, so the connection that writes does not.
 *
 * SQLite's own automatic checkpoint runs inside the COMMIT that crosses `wal_autocheckpoint` pages: it copies the
 * log's pages into the database file and syncs both, on the writer's thread. Under load that was half of what a
 * commit cost admin's event loop. Here the writer only counts its commits; every {@link CHECKPOINT_EVERY_COMMITS}
 * it asks a worker thread, which holds a second connection, for a PASSIVE checkpoint (one that never waits for, nor
 * blocks, readers and writers). The writer keeps a raised `wal_autocheckpoint` as a backstop, so the log stays
 * bounded if the worker falls behind or fails.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Commits between two checkpoint requests. */
export const CHECKPOINT_EVERY_COMMITS = 100;

/** Log pages past which the writer checkpoints itself while the worker runs (SQLite's default is 1,000). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/** What {@link createSqliteCheckpointer} needs. */
export interface SqliteCheckpointerOptions {
  /** The database file. */
  path: string;
  busyTimeoutMs: number;
  /** Called once if the worker fails; the writer should then checkpoint as SQLite does by default. */
  onFailure: (error: unknown) => void;
}

/** The writer's side of the checkpoint worker. */
export interface SqliteCheckpointer {
  /** Tells the checkpointer a write transaction committed. */
  committed(): void;
  /** Stops the worker (after the checkpoint it may be running). */
  close(): void;
}

/** Messages from the worker. */
type FromWorker = { checkpointed: true } | { failed: string };

/**
 * The worker's code, evaluated as CommonJS (`eval: true`) so it runs the same from sources under a test runner and
 * from the built package. It opens the database when first asked and answers each request with one PASSIVE
 * checkpoint.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
let db;
parentPort.on("message", (message) => {
  if (message === "close") {
    db?.close();
    parentPort.close();
    return;
  }
  try {
    if (db === undefined) {
      db = new Database(workerData.path, { fileMustExist: true });
      db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
    }
    db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ checkpointed: true });
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.stack || error) });
  }
});
`;

/** A checkpointer for the WAL-mode database at `path`; its worker starts with the first checkpoint request. */
export function createSqliteCheckpointer(options: SqliteCheckpointerOptions): SqliteCheckpointer {
  let worker: Worker | undefined;
  let commits = 0;
  let running = false;
  let stopped = false;

  const fail = (error: unknown) => {
    if (stopped) return;
    stopped = true;
    void worker?.terminate();
    options.onFailure(error);
  };

  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path: options.path,
        busyTimeoutMs: options.busyTimeoutMs,
        betterSqlite3: createRequire(import.meta.url).resolve("better-sqlite3"),
      },
    });
    // The worker is maintenance: it must never keep the process alive.
    started.unref();
    started.on("message", (message: FromWorker) => {
      running = false;
      if ("failed" in message) fail(new Error(`background checkpoint of ${options.path} failed: ${message.failed}`));
    });
    started.on("error", fail);
    started.on("exit", (code) => {
      if (!stopped) fail(new Error(`the checkpoint worker for ${options.path} exited (code ${code})`));
    });
    return started;
  };

  return {
    committed() {
      if (stopped || ++commits < CHECKPOINT_EVERY_COMMITS || running) return;
      commits = 0;
      running = true;
      worker ??= start();
      worker.postMessage("checkpoint");
    },
    close() {
      if (stopped) return;
      stopped = true;
      worker?.postMessage("close");
    },
  };
}
