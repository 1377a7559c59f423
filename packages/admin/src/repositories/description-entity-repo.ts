import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { DescriptionEntityRow, NewDescriptionEntityRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import type { EntityKey } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** A description entity: a versioned entity key plus its `core.ResourceType` (TASK=1, WORKFLOW=2). */
export interface DescriptionEntityKey extends EntityKey {
  resourceType: number;
}

/** Long descriptions of tasks and workflows (`description_entities`). */
export interface DescriptionEntityRepo {
  /**
   * Stores a description. Usually written by `TaskRepo.create`/`WorkflowRepo.create` in the same
   * transaction as the entity. @throws AloftError AlreadyExists for an existing key.
   */
  create(row: NewDescriptionEntityRow): Promise<void>;
  /** @throws AloftError NotFound "entry not found" (flyteadmin's message). */
  get(key: DescriptionEntityKey): Promise<DescriptionEntityRow>;
  /** The description, or undefined. */
  find(key: DescriptionEntityKey): Promise<DescriptionEntityRow | undefined>;
  /** Descriptions matching `input.filters` (entity `de`); default order `id` descending. */
  list(input: ListInput): Promise<DescriptionEntityRow[]>;
}

/** The Kysely {@link DescriptionEntityRepo}. */
export function createDescriptionEntityRepo(db: AdminDbExecutor): DescriptionEntityRepo {
  return withDbErrors<DescriptionEntityRepo>({
    async create(row) {
      await insertDescriptionEntity(db, row);
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined) throw AloftError.notFound("entry not found");
      return row;
    },

    find(key) {
      return db
        .selectFrom("description_entities")
        .selectAll()
        .where("resource_type", "=", key.resourceType)
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("version", "=", key.version)
        .executeTakeFirst();
    },

    list(input) {
      validateLimit(input.limit);
      let query = db.selectFrom("description_entities").selectAll();
      for (const filter of input.filters ?? []) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "desc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      return query
        .orderBy("id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
    },
  });
}

/** @internal Inserts a description entity row through `db` (shared with the task and workflow repos). */
export async function insertDescriptionEntity(db: AdminDbExecutor, row: NewDescriptionEntityRow): Promise<void> {
  const now = nowDbTime();
  await db
    .insertInto("description_entities")
    .values({ ...row, created_at: row.created_at ?? now, updated_at: row.updated_at ?? now })
    .execute();
}
