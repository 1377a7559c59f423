import type { Kysely } from "kysely";

/**
 * Where a repository sends its queries: the database itself, or a transaction opened with
 * `db.transaction().execute(async (trx) => …)` (a Kysely `Transaction` is a `Kysely` too). `DB` is the
 * repository's table types.
 */
export type DbExecutor<DB> = Kysely<DB>;

/**
 * Runs `work` in a transaction on `db`: a new one, or `db` itself when it already is a transaction
 * (so a repository method that needs atomicity joins its caller's transaction instead of nesting).
 * Everything `work` writes is rolled back if it throws.
 */
export async function inTransaction<DB, T>(db: DbExecutor<DB>, work: (trx: DbExecutor<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
