import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import { type Kysely, sql } from "kysely";
import type { Database, NewTaskExecutionRow, TaskExecutionRow, TaskExecutionRowUpdate } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterEntities, filterToSql, sortExpression } from "./filters/filter-sql.js";
import { type TaskExecutionKey, taskExecutionKeyText } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";
import { concurrentUpdateError, type GuardedUpdateOptions } from "./row-update.js";

/** A task execution row plus whether it launched node executions (dynamic, array). */
export interface TaskExecutionRecord extends TaskExecutionRow {
  /** `TaskExecution.is_parent`: some node execution has `parent_task_execution_id` = this id. */
  has_children: boolean;
}

/** Columns of a task execution an update may change. */
export type TaskExecutionChanges = Omit<
  TaskExecutionRowUpdate,
  | "id"
  | "project"
  | "domain"
  | "name"
  | "version"
  | "execution_project"
  | "execution_domain"
  | "execution_name"
  | "node_id"
  | "retry_attempt"
  | "created_at"
>;

/** Task execution attempts (`task_executions`). */
export interface TaskExecutionRepo {
  /** Inserts a task execution and returns its row id. @throws AloftError AlreadyExists for an existing key. */
  create(row: NewTaskExecutionRow): Promise<number>;
  /** @throws AloftError NotFound "missing entity of type task execution with identifier …". */
  get(key: TaskExecutionKey): Promise<TaskExecutionRecord>;
  /** The task execution, or undefined. */
  find(key: TaskExecutionKey): Promise<TaskExecutionRecord | undefined>;
  /** The task execution with row id `id`, or undefined. */
  findById(id: number): Promise<TaskExecutionRecord | undefined>;
  /**
   * Writes the given columns (and `updated_at`) of row `id`.
   * @throws AloftError NotFound if the row is gone; Aborted if `expectPhase` no longer holds.
   */
  update(id: number, changes: TaskExecutionChanges, options?: GuardedUpdateOptions): Promise<void>;
  /**
   * Task executions matching `input.filters` (entity `te`; joins `t` (left), `ne`, `e`), each with
   * `has_children`, in one query. Default order `id` ascending (attempt order).
   */
  list(input: ListInput): Promise<TaskExecutionRecord[]>;
}

/** The Kysely {@link TaskExecutionRepo}. */
export function createTaskExecutionRepo(db: AdminDbExecutor): TaskExecutionRepo {
  return withDbErrors<TaskExecutionRepo>({
    async create(row) {
      const now = nowDbTime();
      const { id } = await db
        .insertInto("task_executions")
        .values({ ...row, created_at: row.created_at ?? now, updated_at: row.updated_at ?? now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return id;
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined) {
        throw AloftError.notFound(`missing entity of type task execution with identifier ${taskExecutionKeyText(key)}`);
      }
      return row;
    },

    async find(key) {
      const execution = key.nodeExecutionId.executionId;
      const row = await withChildren(db)
        .where("task_executions.project", "=", key.taskId.project)
        .where("task_executions.domain", "=", key.taskId.domain)
        .where("task_executions.name", "=", key.taskId.name)
        .where("task_executions.version", "=", key.taskId.version)
        .where("task_executions.execution_project", "=", execution.project)
        .where("task_executions.execution_domain", "=", execution.domain)
        .where("task_executions.execution_name", "=", execution.name)
        .where("task_executions.node_id", "=", key.nodeExecutionId.nodeId)
        .where("task_executions.retry_attempt", "=", key.retryAttempt)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async findById(id) {
      const row = await withChildren(db).where("task_executions.id", "=", id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async update(id, changes, options = {}) {
      let query = db
        .updateTable("task_executions")
        .set({ ...changes, updated_at: changes.updated_at ?? nowDbTime() })
        .where("id", "=", id);
      if (options.expectPhase !== undefined) query = query.where("phase", "=", options.expectPhase);
      const result = await query.executeTakeFirst();
      if (result.numUpdatedRows > 0n) return;
      if (options.expectPhase !== undefined && (await this.findById(id)) !== undefined) {
        throw concurrentUpdateError("task execution", id, options.expectPhase);
      }
      throw AloftError.notFound("missing entity of type task execution");
    },

    async list(input) {
      validateLimit(input.limit);
      const filters = input.filters ?? [];
      const entities = filterEntities(filters);
      let query = withChildren(db)
        .$if(entities.has("t"), (joined) =>
          joined.leftJoin("tasks", (join) =>
            join
              .onRef("tasks.project", "=", "task_executions.project")
              .onRef("tasks.domain", "=", "task_executions.domain")
              .onRef("tasks.name", "=", "task_executions.name")
              .onRef("tasks.version", "=", "task_executions.version"),
          ),
        )
        .$if(entities.has("ne"), (joined) =>
          joined.innerJoin("node_executions", (join) =>
            join
              .onRef("node_executions.node_id", "=", "task_executions.node_id")
              .onRef("node_executions.execution_project", "=", "task_executions.execution_project")
              .onRef("node_executions.execution_domain", "=", "task_executions.execution_domain")
              .onRef("node_executions.execution_name", "=", "task_executions.execution_name"),
          ),
        )
        .$if(entities.has("e"), (joined) =>
          joined.innerJoin("executions", (join) =>
            join
              .onRef("executions.execution_project", "=", "task_executions.execution_project")
              .onRef("executions.execution_domain", "=", "task_executions.execution_domain")
              .onRef("executions.execution_name", "=", "task_executions.execution_name"),
          ),
        );
      for (const filter of filters) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "asc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      const rows = await query
        .orderBy("task_executions.id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
      return rows.map(toRecord);
    },
  });
}

/** `task_executions.*` plus `has_children` (0/1 in both dialects). */
function withChildren(db: Kysely<Database>) {
  return db
    .selectFrom("task_executions")
    .selectAll("task_executions")
    .select((eb) =>
      sql<number>`CASE WHEN ${eb.exists(
        eb
          .selectFrom("node_executions as children")
          .select(sql.lit(1).as("one"))
          .whereRef("children.parent_task_execution_id", "=", "task_executions.id"),
      )} THEN 1 ELSE 0 END`.as("has_children"),
    );
}

function toRecord(row: TaskExecutionRow & { has_children: number }): TaskExecutionRecord {
  return { ...row, has_children: Number(row.has_children) !== 0 };
}
