import { homedir } from "node:os";
import { resolve } from "node:path";
import { AloftError } from "@aloft/idl";
import { createHash } from "node:crypto";
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, SqliteDialect } from "kysely";
import pg from "pg";
import { postgresTimestampToDbTime } from "./db-time.js";
import {
  type DialectCapabilities,
  POSTGRES_CAPABILITIES,
  SQLITE_CAPABILITIES,
} from "./dialects/dialect-capabilities.js";
import { translateDbError } from "./dialects/translate-db-error.js";
import { openSqlite } from "./open-sqlite.js";

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions {
  /**
   * Where the data lives:
   * - `sqlite::memory:` — a private in-memory database;
   * - `sqlite:///abs/path.db`, `sqlite://~/x.db`, `sqlite://./rel.db` — a SQLite file (parents created);
   * - `postgres://user@host:5432/db` (or `postgresql://`) — PostgreSQL; `?schema=name` selects a schema.
   */
  url: string;
  /**
   * PostgreSQL schema to use (created if missing); overrides `?schema=` in the URL.
   * Lets several Aloft installations, or several test runs, share one database.
   */
  schema?: string;
  /**
   * Most PostgreSQL connections in the pool.
   * @default 10
   */
  poolSize?: number;
  /**
   * SQLite `busy_timeout`, the wait for another process's write lock.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * An open database: the Kysely instance, what its dialect can do, and how to close it. `DB` describes the
 * tables its user works with (admin's, the engine's, the catalog's and the hand-off's share one database).
 */
export interface SqlDatabase<DB> {
  /** The Kysely instance; repositories are built on it. */
  readonly db: Kysely<DB>;
  readonly capabilities: DialectCapabilities;
  /** The PostgreSQL schema in use, if one was chosen. */
  readonly schema: string | undefined;
  /**
   * Connection settings for a dedicated PostgreSQL client (used for `LISTEN`); undefined for SQLite.
   * @internal
   */
  readonly postgresConnection: pg.ClientConfig | undefined;
  /** Closes every connection. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Opens the database named by `options.url` and returns it with its dialect capabilities. `DB` is the
 * caller's table types (Kysely's own convention); run `migrateToLatest` with the caller's migration sets
 * before use.
 *
 * Values are normalised here, once, so repository code never branches on the dialect: times are
 * `DbTime` strings (PostgreSQL's `timestamptz` parser, SQLite text), int64 is a JS number in both
 * (PostgreSQL `int8` parsed with `Number`), booleans are JS booleans (the SQLite wrapper converts),
 * and bytes are `Uint8Array` (`Buffer`).
 *
 * @throws AloftError InvalidArgument for an unsupported URL or schema name, Unavailable when
 *   PostgreSQL cannot be reached.
 */
export async function createDatabase<DB>(options: CreateDatabaseOptions): Promise<SqlDatabase<DB>> {
  const url = options.url.trim();
  if (url.startsWith("sqlite:")) return createSqlite<DB>(sqlitePath(url), options);
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return createPostgres<DB>(url, options);
  throw AloftError.invalidArgument(
    `unsupported database url '${redactUrl(url)}': use sqlite:///path/to/file.db, sqlite::memory: or postgres://…`,
  );
}

function sqlitePath(url: string): string {
  const rest = url.slice("sqlite:".length);
  if (rest === ":memory:" || rest === "//:memory:") return ":memory:";
  let path = rest.startsWith("//") ? rest.slice(2) : rest;
  try {
    path = decodeURIComponent(path);
  } catch {
    throw AloftError.invalidArgument(`sqlite url has a malformed path: ${rest}`);
  }
  if (path === "") throw AloftError.invalidArgument("sqlite url has no path: use sqlite:///path/to/file.db");
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return resolve(path);
}

function createSqlite<DB>(path: string, options: CreateDatabaseOptions): SqlDatabase<DB> {
  const database = openSqlite({
    path,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    capabilities: SQLITE_CAPABILITIES,
    schema: undefined,
    postgresConnection: undefined,
    close: () => db.destroy(),
  };
}

async function createPostgres<DB>(url: string, options: CreateDatabaseOptions): Promise<SqlDatabase<DB>> {
  const parsed = new URL(url);
  const schema = options.schema ?? (parsed.searchParams.get("schema") || undefined);
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw AloftError.invalidArgument(`invalid PostgreSQL schema name '${schema}'`);
  }
  const settings = ["-c TimeZone=UTC", "-c DateStyle=ISO"];
  if (schema !== undefined) settings.push(`-c search_path=${schema}`);
  const connection: pg.ClientConfig = {
    connectionString: parsed.toString(),
    options: settings.join(" "),
    types: { getTypeParser: typeParser as pg.CustomTypesConfig["getTypeParser"] },
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
  // An idle client's connection can drop (server restart); without a listener that would crash the process.
  pool.on("error", () => undefined);
  try {
    if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    else await pool.query("SELECT 1");
  } catch (error) {
    await pool.end();
    throw translateDbError(error);
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
  return {
    db,
    capabilities: POSTGRES_CAPABILITIES,
    schema,
    postgresConnection: connection,
    close: () => db.destroy(),
  };
}

/** Most statements prepared on one connection; beyond it, new statement texts run unprepared. */
const MAX_PREPARED_PER_CONNECTION = 256;
const STATEMENT_NAMES_REMEMBERED = 4096;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * Runs data statements as named prepared statements, so PostgreSQL plans each statement text once per
 * connection instead of on every call (planning a lookup on `executions`, with its many indexes, costs more than
 * running it). node-postgres prepares a named statement on first use and reuses it after; the texts are
 * Kysely's compiled SQL with `$n` parameters, so values never change the text. A connection prepares at most
 * {@link MAX_PREPARED_PER_CONNECTION} texts (server memory stays bounded however many filter shapes clients use).
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const prepared = new WeakMap<pg.PoolClient, Set<string>>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `aloft_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
      if (names.size >= STATEMENT_NAMES_REMEMBERED) names.delete(names.keys().next().value!);
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let names = prepared.get(client);
      if (names === undefined) {
        names = new Set();
        prepared.set(client, names);
      }
      const known = names;
      const wrapped = {
        query(textOrCursor: unknown, parameters?: ReadonlyArray<unknown>): unknown {
          // Only single statements can be prepared; a raw script of several runs as it is.
          if (typeof textOrCursor !== "string" || !PREPARABLE.test(textOrCursor) || textOrCursor.includes(";")) {
            return client.query(textOrCursor as string, parameters as unknown[]);
          }
          const name = nameOf(textOrCursor);
          if (!known.has(name)) {
            if (known.size >= MAX_PREPARED_PER_CONNECTION) return client.query(textOrCursor, parameters as unknown[]);
            known.add(name);
          }
          return client.query({ name, text: textOrCursor, values: parameters as unknown[] });
        },
        release: () => client.release(),
      };
      return wrapped as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

const INT8_OID = 20;
const TIMESTAMP_OID = 1114;
const TIMESTAMPTZ_OID = 1184;

/** node-postgres type parsers for this pool only (the driver's global parsers stay untouched). */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8_OID) return Number;
  if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) return postgresTimestampToDbTime;
  return pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/**
 * The same open database, typed for another package's tables. Admin, the engine and the catalog share one
 * database in embedded mode; each migrates and queries only its own tables, so only the type changes.
 */
export function sharedDatabase<DB>(
  database: Omit<SqlDatabase<unknown>, "db"> & { readonly db: object },
): SqlDatabase<DB> {
  return database as unknown as SqlDatabase<DB>;
}
