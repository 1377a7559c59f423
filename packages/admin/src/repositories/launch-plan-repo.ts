import { type DbTime, nowDbTime, inTransaction, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { LaunchPlanRow, NewLaunchPlanRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import { type EntityKey, entityKeyText, type NamedEntityKey } from "./keys.js";
import { listIdentifiers } from "./list-identifiers.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** `admin.LaunchPlanState`. */
export const LAUNCH_PLAN_INACTIVE = 0;
/** `admin.LaunchPlanState`. */
export const LAUNCH_PLAN_ACTIVE = 1;

/** Columns of a launch plan version an update may change. */
export interface LaunchPlanChanges {
  state?: number;
  spec?: Uint8Array;
  closure?: Uint8Array;
  updated_at?: DbTime;
}

/** Launch plan versions (`launch_plans`). */
export interface LaunchPlanRepo {
  /** Registers a launch plan version. @throws AloftError AlreadyExists when the version exists. */
  create(launchPlan: NewLaunchPlanRow): Promise<void>;
  /** @throws AloftError NotFound "missing entity of type LAUNCH_PLAN with identifier …". */
  get(key: EntityKey): Promise<LaunchPlanRow>;
  /** The launch plan version, or undefined. */
  find(key: EntityKey): Promise<LaunchPlanRow | undefined>;
  /** The version with row id `id`, or undefined. */
  findById(id: number): Promise<LaunchPlanRow | undefined>;
  /** The ACTIVE version of a launch plan name, or undefined when none is active. */
  findActive(key: NamedEntityKey): Promise<LaunchPlanRow | undefined>;
  /** Writes the given columns (and `updated_at`). @throws AloftError NotFound if the version does not exist. */
  update(key: EntityKey, changes: LaunchPlanChanges): Promise<void>;
  /**
   * Activation in one transaction: `deactivate` (the previously active version, if any) becomes
   * INACTIVE and `activate` becomes ACTIVE. @throws AloftError NotFound if `activate` does not exist.
   */
  setActive(input: { activate: EntityKey; deactivate?: EntityKey }): Promise<void>;
  /**
   * Versions matching `input.filters` (entity `l`, joins `w`). Always inner-joins `workflows`, as
   * flyteadmin does, so `workflow.*` filters work; default order `id` descending.
   */
  list(input: ListInput): Promise<LaunchPlanRow[]>;
  /** Distinct launch plan names matching `input.filters` (ListLaunchPlanIds). */
  listIdentifiers(input: ListInput): Promise<NamedEntityKey[]>;
}

/** The Kysely {@link LaunchPlanRepo}. */
export function createLaunchPlanRepo(db: AdminDbExecutor): LaunchPlanRepo {
  const update = async (executor: AdminDbExecutor, key: EntityKey, changes: LaunchPlanChanges): Promise<void> => {
    const result = await executor
      .updateTable("launch_plans")
      .set({ ...changes, updated_at: changes.updated_at ?? nowDbTime() })
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound(key);
  };

  return withDbErrors<LaunchPlanRepo>({
    async create(launchPlan) {
      const now = nowDbTime();
      await db
        .insertInto("launch_plans")
        .values({ ...launchPlan, created_at: launchPlan.created_at ?? now, updated_at: launchPlan.updated_at ?? now })
        .execute();
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined) throw notFound(key);
      return row;
    },

    find(key) {
      return db
        .selectFrom("launch_plans")
        .selectAll()
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("version", "=", key.version)
        .executeTakeFirst();
    },

    findById(id) {
      return db.selectFrom("launch_plans").selectAll().where("id", "=", id).executeTakeFirst();
    },

    findActive(key) {
      return db
        .selectFrom("launch_plans")
        .selectAll()
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("state", "=", LAUNCH_PLAN_ACTIVE)
        .orderBy("id", "desc")
        .executeTakeFirst();
    },

    update(key, changes) {
      return update(db, key, changes);
    },

    async setActive(input) {
      await inTransaction(db, async (trx) => {
        const now = nowDbTime();
        if (input.deactivate !== undefined) {
          await update(trx, input.deactivate, { state: LAUNCH_PLAN_INACTIVE, updated_at: now });
        }
        await update(trx, input.activate, { state: LAUNCH_PLAN_ACTIVE, updated_at: now });
      });
    },

    list(input) {
      validateLimit(input.limit);
      let query = db
        .selectFrom("launch_plans")
        .innerJoin("workflows", "workflows.id", "launch_plans.workflow_id")
        .selectAll("launch_plans");
      for (const filter of input.filters ?? []) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "desc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      return query
        .orderBy("launch_plans.id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
    },

    listIdentifiers(input) {
      return listIdentifiers(db, "launch_plans", input);
    },
  });
}

function notFound(key: EntityKey): AloftError {
  return AloftError.notFound(`missing entity of type LAUNCH_PLAN with identifier ${entityKeyText(key)}`);
}
