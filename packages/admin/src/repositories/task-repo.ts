import { nowDbTime, inTransaction, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { NewDescriptionEntityRow, NewTaskRow, TaskRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { insertDescriptionEntity } from "./description-entity-repo.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import { type EntityKey, entityKeyText, type NamedEntityKey } from "./keys.js";
import { listIdentifiers } from "./list-identifiers.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** Task versions (`tasks`). */
export interface TaskRepo {
  /**
   * Registers a task version, and its description entity in the same transaction when given.
   * @throws AloftError AlreadyExists when the version exists (the caller compares digests).
   */
  create(task: NewTaskRow, descriptionEntity?: NewDescriptionEntityRow): Promise<void>;
  /** @throws AloftError NotFound "missing entity of type TASK with identifier project:"p" …". */
  get(key: EntityKey): Promise<TaskRow>;
  /** The task version, or undefined. */
  find(key: EntityKey): Promise<TaskRow | undefined>;
  /** The version with row id `id` (other rows refer to it), or undefined. */
  findById(id: number): Promise<TaskRow | undefined>;
  /** Task versions matching `input.filters` (entity `t`), with closures; default order `id` descending. */
  list(input: ListInput): Promise<TaskRow[]>;
  /** Distinct task names matching `input.filters` (ListTaskIds). */
  listIdentifiers(input: ListInput): Promise<NamedEntityKey[]>;
}

/** The Kysely {@link TaskRepo}. */
export function createTaskRepo(db: AdminDbExecutor): TaskRepo {
  return withDbErrors<TaskRepo>({
    async create(task, descriptionEntity) {
      const now = nowDbTime();
      const row = { ...task, created_at: task.created_at ?? now, updated_at: task.updated_at ?? now };
      if (descriptionEntity === undefined) {
        await db.insertInto("tasks").values(row).execute();
        return;
      }
      await inTransaction(db, async (trx) => {
        await trx.insertInto("tasks").values(row).execute();
        await insertDescriptionEntity(trx, descriptionEntity);
      });
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined)
        throw AloftError.notFound(`missing entity of type TASK with identifier ${entityKeyText(key)}`);
      return row;
    },

    find(key) {
      return db
        .selectFrom("tasks")
        .selectAll()
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("version", "=", key.version)
        .executeTakeFirst();
    },

    findById(id) {
      return db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
    },

    list(input) {
      validateLimit(input.limit);
      let query = db.selectFrom("tasks").selectAll();
      for (const filter of input.filters ?? []) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "desc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      return query
        .orderBy("id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
    },

    listIdentifiers(input) {
      return listIdentifiers(db, "tasks", input);
    },
  });
}
