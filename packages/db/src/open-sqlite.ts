import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  createSqliteCheckpointer,
  type SqliteCheckpointer,
} from "./sqlite-checkpointer.js";

/** Options of {@link openSqlite}. */
export interface OpenSqliteOptions {
  /** A file path, or `:memory:`. Missing parent directories are created. */
  path: string;
  /**
   * How long a statement waits for another process's write lock before failing with SQLITE_BUSY.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * Prepared statements kept for reuse (the services issue the same few hundred statements over and over).
   * @default 500
   */
  statementCacheSize?: number;
}

/**
 * Opens a better-sqlite3 database configured for Aloft and wraps it for Kysely's `SqliteDialect`:
 *
 * - WAL journal with `synchronous=NORMAL` (durable at checkpoints, fast commits), `busy_timeout`,
 *   foreign keys on, and `case_sensitive_like` so `LIKE` matches the way PostgreSQL's does;
 * - a file database's checkpoints run on a worker thread (`sqlite-checkpointer.ts`);
 * - temporary tables and statement journals in memory (`temp_store=MEMORY`): SQLite otherwise creates and
 *   deletes a file for them, and on ext4 without a journal a burst of deleted files makes every new file slower
 *   to create for about two minutes (bench/README.md);
 * - a prepared-statement cache;
 * - the SQLite half of value normalisation: booleans are bound as 1/0, and columns declared
 *   `boolean` come back as JS booleans (SQLite itself only has integers).
 */
export function openSqlite(options: OpenSqliteOptions): SqliteDatabase {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new BetterSqlite3(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000));
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma("foreign_keys = ON");
  db.pragma("case_sensitive_like = ON");
  db.pragma("temp_store = MEMORY");
  let checkpointer: SqliteCheckpointer | undefined;
  if (options.path !== ":memory:") {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    checkpointer = createSqliteCheckpointer({
      path: options.path,
      busyTimeoutMs,
      onFailure: () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      },
    });
  }
  return new NormalizingSqliteDatabase(db, options.statementCacheSize ?? 500, checkpointer);
}

/** SQLite's own `wal_autocheckpoint`, restored when the checkpoint worker fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

class NormalizingSqliteDatabase implements SqliteDatabase {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, NormalizingStatement>();
  readonly #cacheSize: number;
  readonly #checkpointer: SqliteCheckpointer | undefined;

  constructor(db: BetterSqlite3.Database, cacheSize: number, checkpointer: SqliteCheckpointer | undefined) {
    this.#db = db;
    this.#cacheSize = cacheSize;
    this.#checkpointer = checkpointer;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) {
      // Re-insert to keep the map in least-recently-used order.
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const statement = new NormalizingStatement(this.#db.prepare(sql), this.#checkpointer);
    if (this.#cacheSize > 0) {
      if (this.#cache.size >= this.#cacheSize) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#checkpointer?.close();
    this.#cache.clear();
    this.#db.close();
  }
}

class NormalizingStatement implements SqliteStatement {
  readonly #statement: BetterSqlite3.Statement;
  readonly reader: boolean;
  #booleanColumns: readonly string[] | undefined;
  readonly #checkpointer: SqliteCheckpointer | undefined;

  constructor(statement: BetterSqlite3.Statement, checkpointer: SqliteCheckpointer | undefined) {
    this.#statement = statement;
    this.reader = statement.reader;
    this.#checkpointer = checkpointer;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const inTransaction = this.#inTransaction();
    const rows = this.#statement.all(...bindable(parameters)) as Record<string, unknown>[];
    this.#afterRun(inTransaction);
    const booleans = this.#booleans();
    if (booleans.length > 0) {
      for (const row of rows) {
        for (const column of booleans) {
          const value = row[column];
          if (typeof value === "number" || typeof value === "bigint") row[column] = Number(value) !== 0;
        }
      }
    }
    return rows;
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    const inTransaction = this.#inTransaction();
    const result = this.#statement.run(...bindable(parameters));
    this.#afterRun(inTransaction);
    return result;
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...bindable(parameters));
  }

  /** Whether a transaction is open, read only when a checkpointer needs to know. */
  #inTransaction(): boolean {
    return this.#checkpointer !== undefined && this.#statement.database.inTransaction;
  }

  /** Tells the checkpointer when this statement committed: it ended a transaction, or wrote outside one. */
  #afterRun(wasInTransaction: boolean): void {
    if (this.#checkpointer === undefined || this.#inTransaction()) return;
    // COMMIT counts as read-only (it writes nothing itself), hence the transaction's end is checked too.
    if (wasInTransaction || !this.#statement.readonly) this.#checkpointer.committed();
  }

  #booleans(): readonly string[] {
    if (this.#booleanColumns === undefined) {
      this.#booleanColumns = this.reader
        ? this.#statement
            .columns()
            .filter((column) => column.type?.toLowerCase() === "boolean")
            .map((column) => column.name)
        : [];
    }
    return this.#booleanColumns;
  }
}

function bindable(parameters: ReadonlyArray<unknown>): unknown[] {
  return parameters.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
}
