/**
 * Statement text written directly, for the few statements run on every call (admin's launch write and execution
 * lookup): building and compiling them with Kysely's query builder cost more CPU than the database spent running
 * them. They still run through Kysely (its driver, connection handling and plugins). A multi-row insert's text is
 * what Kysely compiles the same insert to: the columns are the rows' keys in first-seen order, a row without
 * a column (or with `undefined` in it) gets `DEFAULT`, and every value is a parameter. Table and column names come
 * from the caller's code (typed row objects), never from a request.
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { DialectName } from "./dialects/dialect-capabilities.js";

/** `sql` with its parameters, typed as returning rows of `R`, for `db.executeQuery`. */
export function compiledQuery<R>(sql: string, parameters: unknown[]): CompiledQuery<R> {
  return CompiledQuery.raw(sql, parameters) as CompiledQuery<R>;
}

/** A statement's parameters as it is written. */
export interface SqlParameters {
  /** The values, in placeholder order. */
  readonly values: unknown[];
  /** Adds `value` and returns its placeholder (`$3` on PostgreSQL, `?` on SQLite). */
  add(value: unknown): string;
  /** What a row's missing column is written as: `default`, or `null` on SQLite, which has no `DEFAULT` there. */
  readonly missingValue: string;
}

/** Empty parameters in the style of `dialect`. */
export function sqlParameters(dialect: DialectName): SqlParameters {
  const values: unknown[] = [];
  if (dialect === "postgres") return { values, add: (value) => `$${values.push(value)}`, missingValue: "default" };
  return {
    values,
    add(value) {
      values.push(value);
      return "?";
    },
    missingValue: "null",
  };
}

/** `name` as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `insert into "table" (…) values (…), (…) [returning …]`, its values added to `parameters`. */
export function insertValuesSql(
  parameters: SqlParameters,
  table: string,
  rows: readonly Readonly<Record<string, unknown>>[],
  returning: readonly string[] = [],
): string {
  if (rows.length === 0) throw new Error(`insertValuesSql: no rows for ${table}`);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key in row) {
      if (row[key] === undefined || seen.has(key)) continue;
      seen.add(key);
      columns.push(key);
    }
  }
  const tuples = rows.map((row) => {
    const values = columns.map((column) => {
      const value = row[column];
      return value === undefined ? parameters.missingValue : parameters.add(value);
    });
    return `(${values.join(", ")})`;
  });
  const head = `insert into ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) values ${tuples.join(", ")}`;
  return returning.length === 0 ? head : `${head} returning ${returning.map(quoteIdentifier).join(", ")}`;
}

/**
 * Inserts `row` into `table` and answers its `id`. PostgreSQL returns it (`returning "id"`); SQLite reports the last
 * insert rowid with every insert, while its `RETURNING` collects the rows in a temporary table first.
 */
export async function insertRowReturningId(
  executor: Pick<Kysely<unknown>, "executeQuery">,
  dialect: DialectName,
  table: string,
  row: Readonly<Record<string, unknown>>,
): Promise<number> {
  const parameters = sqlParameters(dialect);
  const returning = dialect === "postgres" ? ["id"] : [];
  const text = insertValuesSql(parameters, table, [row], returning);
  const result = await executor.executeQuery(compiledQuery<{ id: number | string }>(text, parameters.values));
  const id = dialect === "postgres" ? result.rows[0]?.id : result.insertId;
  if (id === undefined) throw new Error(`insertRowReturningId: the database reported no id for the ${table} row`);
  return Number(id);
}

/**
 * PostgreSQL: a scalar subquery that sends every notice (`pg_notify`, delivered when the statement's transaction
 * commits) and yields how many it sent, for a statement's select list.
 */
export function notifyEachSql(
  parameters: SqlParameters,
  notices: readonly { channel: string; payload: string }[],
): string {
  const channels = parameters.add(notices.map((notice) => notice.channel));
  const payloads = parameters.add(notices.map((notice) => notice.payload));
  return `(select count(pg_notify(n.channel, n.payload)) from unnest(${channels}::text[], ${payloads}::text[]) as n(channel, payload))`;
}
