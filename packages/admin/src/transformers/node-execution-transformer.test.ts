import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  NodeExecutionClosureSchema,
  NodeExecutionMetaDataSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { TaskExecutionClosureSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { NodeExecution_Phase, TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  NodeExecutionIdentifierSchema,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import { asStored } from "../repositories/rows.test-helper.js";
import { nodeExecutionFromRecord, nodeExecutionToRow } from "./node-execution-transformer.js";
import {
  taskExecutionChangesFromClosure,
  taskExecutionFromRecord,
  taskExecutionToRow,
} from "./task-execution-transformer.js";

const at = create(TimestampSchema, { seconds: 1714564800n });
const times = { id: 4, created_at: "2024-05-01T12:00:00.000000Z", updated_at: "2024-05-01T12:00:00.000000Z" };

describe("node and task execution transformers", () => {
  it("builds a node execution row from its first closure, promoting phase, times and cache status", () => {
    const closure = create(NodeExecutionClosureSchema, {
      phase: NodeExecution_Phase.SUCCEEDED,
      createdAt: at,
      updatedAt: at,
      duration: { seconds: 2n },
      targetMetadata: {
        case: "taskNodeMetadata",
        value: { cacheStatus: CatalogCacheStatus.CACHE_HIT, catalogKey: {} },
      },
    });
    const row = nodeExecutionToRow({
      id: create(NodeExecutionIdentifierSchema, {
        nodeId: "n0",
        executionId: { project: "p", domain: "d", name: "e" },
      }),
      closure,
      metadata: create(NodeExecutionMetaDataSchema, { specNodeId: "n0" }),
      inputUri: "s3://in",
      eventVersion: 1,
    });
    expect(row).toMatchObject({
      execution_name: "e",
      node_id: "n0",
      phase: "SUCCEEDED",
      node_execution_created_at: "2024-05-01T12:00:00.000000Z",
      duration: 2_000_000_000,
      cache_status: "CACHE_HIT",
      parent_id: null,
      event_version: 1,
    });
  });

  it("marks old parents with children as parent nodes (and dynamic with a dynamic closure)", () => {
    const row = nodeExecutionToRow({
      id: create(NodeExecutionIdentifierSchema, {
        nodeId: "n0",
        executionId: { project: "p", domain: "d", name: "e" },
      }),
      closure: create(NodeExecutionClosureSchema, {
        phase: NodeExecution_Phase.FAILED,
        outputResult: { case: "error", value: { message: "y".repeat(300) } },
      }),
      metadata: create(NodeExecutionMetaDataSchema),
      inputUri: "",
      dynamicWorkflowRemoteClosureReference: "s3://dyn",
      eventVersion: 0,
    });
    const record = asStored(row, { ...times, has_children: true });
    const node = nodeExecutionFromRecord(record, { trimErrorMessage: true });
    expect(node.metadata).toMatchObject({ isParentNode: true, isDynamic: true });
    expect(node.closure?.outputResult.case === "error" && node.closure.outputResult.value.message.length).toBe(100);
    expect(nodeExecutionFromRecord({ ...record, has_children: false }).metadata?.isParentNode).toBe(false);
  });

  it("round-trips task executions and reports is_parent from child rows", () => {
    const id = create(TaskExecutionIdentifierSchema, {
      taskId: { project: "p", domain: "d", name: "t", version: "v", resourceType: 1 },
      nodeExecutionId: { nodeId: "n0", executionId: { project: "p", domain: "d", name: "e" } },
      retryAttempt: 2,
    });
    const closure = create(TaskExecutionClosureSchema, {
      phase: TaskExecution_Phase.RUNNING,
      startedAt: at,
      createdAt: at,
    });
    const row = taskExecutionToRow({ id, closure, phaseVersion: 1, inputUri: "s3://in" });
    expect(row).toMatchObject({
      name: "t",
      node_id: "n0",
      retry_attempt: 2,
      phase: "RUNNING",
      started_at: "2024-05-01T12:00:00.000000Z",
    });
    const taskExecution = taskExecutionFromRecord(asStored(row, { ...times, has_children: true }));
    expect(taskExecution.id).toEqual(id);
    expect(taskExecution.isParent).toBe(true);
    closure.phase = TaskExecution_Phase.SUCCEEDED;
    expect(taskExecutionChangesFromClosure(closure, 3)).toMatchObject({ phase: "SUCCEEDED", phase_version: 3 });
  });
});
