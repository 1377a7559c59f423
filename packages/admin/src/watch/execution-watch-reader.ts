/**
 * The reads behind a watch: the current state of an execution and of its node and task executions, shaped as
 * admin's Get calls answer them (untrimmed error messages, the default namespace filled in).
 */
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { NodeExecution } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { TaskExecution } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { namespaceFor } from "../managers/execution/namespace.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { identifierFilters } from "../repositories/filters/filter-expression.js";
import type { ExecutionKey, NodeExecutionKey, TaskExecutionKey } from "../repositories/keys.js";
import { executionFromRow } from "../transformers/execution-transformer.js";
import { nodeExecutionFromRecord } from "../transformers/node-execution-transformer.js";
import { taskExecutionFromRecord } from "../transformers/task-execution-transformer.js";

/** Reads one execution's state for watchers. */
export interface ExecutionWatchReader {
  /** @throws AloftError NotFound "missing entity of type execution …" for an unknown execution. */
  execution(id: ExecutionKey): Promise<Execution>;
  /** Every node execution of the execution, at every depth, in the order they were first recorded. */
  nodeExecutions(id: ExecutionKey): Promise<NodeExecution[]>;
  /** Every task execution (attempt) of the execution, in the order they were first recorded. */
  taskExecutions(id: ExecutionKey): Promise<TaskExecution[]>;
  /** The node execution, or undefined. */
  findNodeExecution(key: NodeExecutionKey): Promise<NodeExecution | undefined>;
  /** The task execution, or undefined. */
  findTaskExecution(key: TaskExecutionKey): Promise<TaskExecution | undefined>;
}

/** What {@link createExecutionWatchReader} reads. */
export interface ExecutionWatchReaderDeps {
  repos: Pick<Repositories, "executions" | "nodeExecutions" | "taskExecutions">;
  /** `namespaceMapping.template`, for GetExecution's default namespace. */
  namespaceTemplate: string;
  /** Rows per query when listing. @default 1000 */
  pageSize?: number;
}

/** Builds the reader over admin's repositories. */
export function createExecutionWatchReader(deps: ExecutionWatchReaderDeps): ExecutionWatchReader {
  const { repos } = deps;
  const pageSize = deps.pageSize ?? 1000;

  /** Pages through a list ordered by row id; rows added meanwhile land after the current page. */
  async function listAll<Row, Out>(page: (offset: number) => Promise<Row[]>, convert: (row: Row) => Out) {
    const out: Out[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const rows = await page(offset);
      for (const row of rows) out.push(convert(row));
      if (rows.length < pageSize) return out;
    }
  }

  return {
    async execution(id) {
      const row = await repos.executions.get(id);
      return executionFromRow(row, { defaultNamespace: namespaceFor(deps.namespaceTemplate, id.project, id.domain) });
    },

    nodeExecutions(id) {
      const filters = identifierFilters(Entity.NodeExecution, id);
      return listAll(
        (offset) => repos.nodeExecutions.list({ filters, limit: pageSize, offset }),
        (record) => nodeExecutionFromRecord(record),
      );
    },

    taskExecutions(id) {
      // Execution-scoped entities read `project`, `domain` and `name` as the execution's.
      const filters = identifierFilters(Entity.TaskExecution, id);
      return listAll(
        (offset) => repos.taskExecutions.list({ filters, limit: pageSize, offset }),
        taskExecutionFromRecord,
      );
    },

    async findNodeExecution(key) {
      const record = await repos.nodeExecutions.find(key);
      return record === undefined ? undefined : nodeExecutionFromRecord(record);
    },

    async findTaskExecution(key) {
      const record = await repos.taskExecutions.find(key);
      return record === undefined ? undefined : taskExecutionFromRecord(record);
    },
  };
}
