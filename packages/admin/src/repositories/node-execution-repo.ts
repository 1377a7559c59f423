import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import { type Kysely, sql } from "kysely";
import type {
  Database,
  NewNodeExecutionEventRow,
  NewNodeExecutionRow,
  NodeExecutionRow,
  NodeExecutionRowUpdate,
} from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterEntities, filterToSql, sortExpression } from "./filters/filter-sql.js";
import { type NodeExecutionKey, nodeExecutionKeyText } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";
import { concurrentUpdateError, type GuardedUpdateOptions } from "./row-update.js";

/** A node execution row plus whether other node executions name it as their parent. */
export interface NodeExecutionRecord extends NodeExecutionRow {
  /** True if a child row has `parent_id` = this id (infers `is_parent_node` for old data). */
  has_children: boolean;
}

/** Columns of a node execution an update may change. */
export type NodeExecutionChanges = Omit<
  NodeExecutionRowUpdate,
  "id" | "execution_project" | "execution_domain" | "execution_name" | "node_id" | "created_at"
>;

/** Which level of the node tree a list returns. */
export type NodeExecutionParentScope =
  /** Nodes with neither a parent node nor a parent task execution (ListNodeExecutions' default). */
  | "top-level"
  /** Children of the node execution with this row id (`unique_parent_id`). */
  | { parentId: number }
  /** Nodes launched by the task execution with this row id (ListNodeExecutionsForTask). */
  | { parentTaskExecutionId: number };

/** Input of {@link NodeExecutionRepo.list}. */
export interface ListNodeExecutionsInput extends ListInput {
  /** Restricts the list to one level; all levels when omitted. */
  parent?: NodeExecutionParentScope;
}

/** Node executions (`node_executions`) and their phase timeline (`node_execution_events`). */
export interface NodeExecutionRepo {
  /** Inserts a node execution and returns its row id. @throws AloftError AlreadyExists for an existing key. */
  create(row: NewNodeExecutionRow): Promise<number>;
  /** @throws AloftError NotFound "missing entity of type node execution with identifier …". */
  get(key: NodeExecutionKey): Promise<NodeExecutionRecord>;
  /** The node execution, or undefined. */
  find(key: NodeExecutionKey): Promise<NodeExecutionRecord | undefined>;
  /** The node execution with row id `id`, or undefined. */
  findById(id: number): Promise<NodeExecutionRecord | undefined>;
  /** True if the node execution exists (reads only its id). */
  exists(key: NodeExecutionKey): Promise<boolean>;
  /**
   * Writes the given columns (and `updated_at`) of row `id`.
   * @throws AloftError NotFound if the row is gone; Aborted if `expectPhase` no longer holds.
   */
  update(id: number, changes: NodeExecutionChanges, options?: GuardedUpdateOptions): Promise<void>;
  /**
   * Node executions matching `input.filters` (entity `ne`, joins `e`) at the `parent` level, each with
   * `has_children`, in one query. Default order `id` ascending (the order nodes started in).
   */
  list(input: ListNodeExecutionsInput): Promise<NodeExecutionRecord[]>;
  /** Records one phase of a node. @throws AloftError AlreadyExists if that phase is already recorded. */
  createEvent(event: NewNodeExecutionEventRow): Promise<void>;
  /** Records many phases in one statement; already recorded phases are skipped (the timeline is best effort). */
  createEvents(events: readonly NewNodeExecutionEventRow[]): Promise<void>;
}

/** The Kysely {@link NodeExecutionRepo}. */
export function createNodeExecutionRepo(db: AdminDbExecutor): NodeExecutionRepo {
  return withDbErrors<NodeExecutionRepo>({
    async create(row) {
      const now = nowDbTime();
      const { id } = await db
        .insertInto("node_executions")
        .values({ ...row, created_at: row.created_at ?? now, updated_at: row.updated_at ?? now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return id;
    },

    async get(key) {
      const row = await this.find(key);
      if (row === undefined) {
        throw AloftError.notFound(`missing entity of type node execution with identifier ${nodeExecutionKeyText(key)}`);
      }
      return row;
    },

    async find(key) {
      const row = await withChildren(db)
        .where("node_executions.execution_project", "=", key.executionId.project)
        .where("node_executions.execution_domain", "=", key.executionId.domain)
        .where("node_executions.execution_name", "=", key.executionId.name)
        .where("node_executions.node_id", "=", key.nodeId)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async findById(id) {
      const row = await withChildren(db).where("node_executions.id", "=", id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async exists(key) {
      const row = await db
        .selectFrom("node_executions")
        .select("id")
        .where("execution_project", "=", key.executionId.project)
        .where("execution_domain", "=", key.executionId.domain)
        .where("execution_name", "=", key.executionId.name)
        .where("node_id", "=", key.nodeId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async update(id, changes, options = {}) {
      let query = db
        .updateTable("node_executions")
        .set({ ...changes, updated_at: changes.updated_at ?? nowDbTime() })
        .where("id", "=", id);
      if (options.expectPhase !== undefined) query = query.where("phase", "=", options.expectPhase);
      const result = await query.executeTakeFirst();
      if (result.numUpdatedRows > 0n) return;
      if (options.expectPhase !== undefined && (await this.findById(id)) !== undefined) {
        throw concurrentUpdateError("node execution", id, options.expectPhase);
      }
      throw AloftError.notFound("missing entity of type node execution");
    },

    async list(input) {
      validateLimit(input.limit);
      const filters = input.filters ?? [];
      let query = withChildren(db).$if(filterEntities(filters).has("e"), (joined) =>
        joined.innerJoin("executions", (join) =>
          join
            .onRef("executions.execution_project", "=", "node_executions.execution_project")
            .onRef("executions.execution_domain", "=", "node_executions.execution_domain")
            .onRef("executions.execution_name", "=", "node_executions.execution_name"),
        ),
      );
      for (const filter of filters) query = query.where(filterToSql(filter));
      const parent = input.parent;
      if (parent === "top-level") {
        query = query
          .where("node_executions.parent_id", "is", null)
          .where("node_executions.parent_task_execution_id", "is", null);
      } else if (parent !== undefined && "parentId" in parent) {
        query = query.where("node_executions.parent_id", "=", parent.parentId);
      } else if (parent !== undefined) {
        query = query.where("node_executions.parent_task_execution_id", "=", parent.parentTaskExecutionId);
      }
      const direction = input.sort?.direction ?? "asc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      const rows = await query
        .orderBy("node_executions.id", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
      return rows.map(toRecord);
    },

    async createEvent(event) {
      const now = nowDbTime();
      await db
        .insertInto("node_execution_events")
        .values({ ...event, created_at: event.created_at ?? now, updated_at: event.updated_at ?? now })
        .execute();
    },

    async createEvents(events) {
      if (events.length === 0) return;
      const now = nowDbTime();
      await db
        .insertInto("node_execution_events")
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

/** `node_executions.*` plus `has_children` (0/1 in both dialects; see {@link toRecord}). */
function withChildren(db: Kysely<Database>) {
  return db
    .selectFrom("node_executions")
    .selectAll("node_executions")
    .select((eb) =>
      sql<number>`CASE WHEN ${eb.exists(
        eb
          .selectFrom("node_executions as children")
          .select(sql.lit(1).as("one"))
          .whereRef("children.parent_id", "=", "node_executions.id"),
      )} THEN 1 ELSE 0 END`.as("has_children"),
    );
}

function toRecord(row: NodeExecutionRow & { has_children: number }): NodeExecutionRecord {
  return { ...row, has_children: Number(row.has_children) !== 0 };
}
