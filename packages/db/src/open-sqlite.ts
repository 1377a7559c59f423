import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

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
 * - a prepared-statement cache;
 * - the SQLite half of value normalisation: booleans are bound as 1/0, and columns declared
 *   `boolean` come back as JS booleans (SQLite itself only has integers).
 */
export function openSqlite(options: OpenSqliteOptions): SqliteDatabase {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new BetterSqlite3(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  db.pragma("foreign_keys = ON");
  db.pragma("case_sensitive_like = ON");
  return new NormalizingSqliteDatabase(db, options.statementCacheSize ?? 500);
}

class NormalizingSqliteDatabase implements SqliteDatabase {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, NormalizingStatement>();
  readonly #cacheSize: number;

  constructor(db: BetterSqlite3.Database, cacheSize: number) {
    this.#db = db;
    this.#cacheSize = cacheSize;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) {
      // Re-insert to keep the map in least-recently-used order.
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const statement = new NormalizingStatement(this.#db.prepare(sql));
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
    this.#cache.clear();
    this.#db.close();
  }
}

class NormalizingStatement implements SqliteStatement {
  readonly #statement: BetterSqlite3.Statement;
  readonly reader: boolean;
  #booleanColumns: readonly string[] | undefined;

  constructor(statement: BetterSqlite3.Statement) {
    this.#statement = statement;
    this.reader = statement.reader;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const rows = this.#statement.all(...bindable(parameters)) as Record<string, unknown>[];
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
    return this.#statement.run(...bindable(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...bindable(parameters));
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
