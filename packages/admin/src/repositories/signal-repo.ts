import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { NewSignalRow, SignalRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import type { SignalKey } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** Gate-node signals (`signals`). */
export interface SignalRepo {
  /**
   * Inserts the signal unless one with the same key exists, and returns the stored row either way
   * (`created` tells which). Concurrent calls for one key all get the same row.
   */
  getOrCreate(signal: NewSignalRow): Promise<{ row: SignalRow; created: boolean }>;
  /** @throws AloftError NotFound "signal does not exist". */
  get(key: SignalKey): Promise<SignalRow>;
  /** Signals matching `input.filters` (entity `s`); default order `id` ascending. */
  list(input: ListInput): Promise<SignalRow[]>;
  /** Stores the signal's value (serialized `core.Literal`). @throws AloftError NotFound "signal does not exist". */
  setValue(key: SignalKey, value: Uint8Array): Promise<void>;
}

/** The Kysely {@link SignalRepo}. */
export function createSignalRepo(db: AdminDbExecutor): SignalRepo {
  const find = (key: SignalKey) =>
    db
      .selectFrom("signals")
      .selectAll()
      .where("execution_project", "=", key.executionId.project)
      .where("execution_domain", "=", key.executionId.domain)
      .where("execution_name", "=", key.executionId.name)
      .where("signal_id", "=", key.signalId)
      .executeTakeFirst();

  return withDbErrors<SignalRepo>({
    async getOrCreate(signal) {
      const now = nowDbTime();
      const inserted = await db
        .insertInto("signals")
        .values({ ...signal, created_at: signal.created_at ?? now, updated_at: signal.updated_at ?? now })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted !== undefined) return { row: inserted, created: true };
      const key = {
        executionId: {
          project: signal.execution_project,
          domain: signal.execution_domain,
          name: signal.execution_name,
        },
        signalId: signal.signal_id,
      };
      const existing = await find(key);
      if (existing === undefined) throw AloftError.internal("signal vanished while it was being created");
      return { row: existing, created: false };
    },

    async get(key) {
      const row = await find(key);
      if (row === undefined) throw AloftError.notFound("signal does not exist");
      return row;
    },

    list(input) {
      validateLimit(input.limit);
      let query = db.selectFrom("signals").selectAll();
      for (const filter of input.filters ?? []) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "asc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      return query
        .orderBy("id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
    },

    async setValue(key, value) {
      const result = await db
        .updateTable("signals")
        .set({ value, updated_at: nowDbTime() })
        .where("execution_project", "=", key.executionId.project)
        .where("execution_domain", "=", key.executionId.domain)
        .where("execution_name", "=", key.executionId.name)
        .where("signal_id", "=", key.signalId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw AloftError.notFound("signal does not exist");
    },
  });
}
