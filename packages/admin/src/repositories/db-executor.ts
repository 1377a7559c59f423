import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

/**
 * Where a repository sends its queries: the database itself, or a transaction opened with
 * `db.transaction().execute(async (trx) => …)` (a Kysely `Transaction` is a `Kysely` too).
 */
export type DbExecutor = Kysely<Database>;

/**
 * Runs `work` in a transaction on `db`: a new one, or `db` itself when it already is a transaction
 * (so a repository method that needs atomicity joins its caller's transaction instead of nesting).
 * Everything `work` writes is rolled back if it throws.
 */
export async function inTransaction<T>(db: DbExecutor, work: (trx: DbExecutor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
