import { nowDbTime, inTransaction, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { NewDescriptionEntityRow, NewWorkflowRow, WorkflowRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { insertDescriptionEntity } from "./description-entity-repo.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import { type EntityKey, entityKeyText, type NamedEntityKey } from "./keys.js";
import { listIdentifiers } from "./list-identifiers.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** Workflow versions (`workflows`); each closure lives in the blob store at `remote_closure_identifier`. */
export interface WorkflowRepo {
  /**
   * Registers a workflow version, and its description entity in the same transaction when given.
   * @throws AloftError AlreadyExists when the version exists (the caller compares digests).
   */
  create(workflow: NewWorkflowRow, descriptionEntity?: NewDescriptionEntityRow): Promise<void>;
  /** @throws AloftError NotFound "missing entity of type WORKFLOW with identifier project:"p" …". */
  get(key: EntityKey): Promise<WorkflowRow>;
  /** The workflow version, or undefined. */
  find(key: EntityKey): Promise<WorkflowRow | undefined>;
  /** The version with row id `id` (other rows refer to it), or undefined. */
  findById(id: number): Promise<WorkflowRow | undefined>;
  /** Workflow versions matching `input.filters` (entity `w`), without closures; default order `id` descending. */
  list(input: ListInput): Promise<WorkflowRow[]>;
  /** Distinct workflow names matching `input.filters` (ListWorkflowIds). */
  listIdentifiers(input: ListInput): Promise<NamedEntityKey[]>;
}

/** The Kysely {@link WorkflowRepo}. */
export function createWorkflowRepo(db: AdminDbExecutor): WorkflowRepo {
  return withDbErrors<WorkflowRepo>({
    async create(workflow, descriptionEntity) {
      const now = nowDbTime();
      const row = { ...workflow, created_at: workflow.created_at ?? now, updated_at: workflow.updated_at ?? now };
      if (descriptionEntity === undefined) {
        await db.insertInto("workflows").values(row).execute();
        return;
      }
      await inTransaction(db, async (trx) => {
        await trx.insertInto("workflows").values(row).execute();
        await insertDescriptionEntity(trx, descriptionEntity);
      });
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined)
        throw AloftError.notFound(`missing entity of type WORKFLOW with identifier ${entityKeyText(key)}`);
      return row;
    },

    find(key) {
      return db
        .selectFrom("workflows")
        .selectAll()
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .where("version", "=", key.version)
        .executeTakeFirst();
    },

    findById(id) {
      return db.selectFrom("workflows").selectAll().where("id", "=", id).executeTakeFirst();
    },

    list(input) {
      validateLimit(input.limit);
      let query = db.selectFrom("workflows").selectAll();
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
      return listIdentifiers(db, "workflows", input);
    },
  });
}
