import { nowDbTime, withDbErrors } from "@aloft/db";
import type { NewSchedulableEntityRow, SchedulableEntityRow, ScheduleEntitiesSnapshotRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import type { EntityKey } from "./keys.js";

/** Schedules of launch plan versions (`schedulable_entities`), kept in step with activation; read by the scheduler. */
export interface SchedulableEntityRepo {
  /**
   * Marks the schedule active, creating its row from `schedule` if it has none (an existing row keeps
   * its schedule, as flyteadmin's `Activate`).
   */
  activate(schedule: NewSchedulableEntityRow): Promise<void>;
  /** Marks the schedule of a launch plan version inactive; nothing happens if it has none. */
  deactivate(key: EntityKey): Promise<void>;
  /** Every schedule, active or not, in row order. */
  listAll(): Promise<SchedulableEntityRow[]>;
  /** The latest scheduler snapshot, or undefined. */
  findLatestSnapshot(): Promise<ScheduleEntitiesSnapshotRow | undefined>;
  /** Stores a new scheduler snapshot. */
  writeSnapshot(snapshot: Uint8Array): Promise<void>;
}

/** The Kysely {@link SchedulableEntityRepo}. */
export function createSchedulableEntityRepo(db: AdminDbExecutor): SchedulableEntityRepo {
  return withDbErrors<SchedulableEntityRepo>({
    async activate(schedule) {
      const now = nowDbTime();
      await db
        .insertInto("schedulable_entities")
        .values({
          ...schedule,
          active: true,
          created_at: schedule.created_at ?? now,
          updated_at: schedule.updated_at ?? now,
        })
        .onConflict((conflict) =>
          conflict.columns(["project", "domain", "name", "version"]).doUpdateSet({ active: true, updated_at: now }),
        )
        .execute();
    },

    async deactivate(key) {
      await db
        .updateTable("schedulable_entities")
        .set({ active: false, updated_at: nowDbTime() })
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("version", "=", key.version)
        .execute();
    },

    listAll() {
      return db.selectFrom("schedulable_entities").selectAll().orderBy("id").execute();
    },

    findLatestSnapshot() {
      return db.selectFrom("schedule_entities_snapshots").selectAll().orderBy("id", "desc").executeTakeFirst();
    },

    async writeSnapshot(snapshot) {
      const now = nowDbTime();
      await db
        .insertInto("schedule_entities_snapshots")
        .values({ snapshot, created_at: now, updated_at: now })
        .execute();
    },
  });
}
