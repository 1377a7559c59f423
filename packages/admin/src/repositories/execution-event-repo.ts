import { nowDbTime, withDbErrors } from "@aloft/db";
import type { NewExecutionEventRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";

/** The phase timeline of workflow executions (`execution_events`), written best effort after each event. */
export interface ExecutionEventRepo {
  /** Records one phase. @throws AloftError AlreadyExists if that phase is already recorded. */
  create(event: NewExecutionEventRow): Promise<void>;
  /** Records many phases in one statement; already recorded phases are skipped. */
  createMany(events: readonly NewExecutionEventRow[]): Promise<void>;
}

/** The Kysely {@link ExecutionEventRepo}. */
export function createExecutionEventRepo(db: AdminDbExecutor): ExecutionEventRepo {
  return withDbErrors<ExecutionEventRepo>({
    async create(event) {
      const now = nowDbTime();
      await db
        .insertInto("execution_events")
        .values({ ...event, created_at: event.created_at ?? now, updated_at: event.updated_at ?? now })
        .execute();
    },

    async createMany(events) {
      if (events.length === 0) return;
      const now = nowDbTime();
      await db
        .insertInto("execution_events")
        .values(
          events.map((event) => ({
            ...event,
            created_at: event.created_at ?? now,
            updated_at: event.updated_at ?? now,
          })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    },
  });
}
