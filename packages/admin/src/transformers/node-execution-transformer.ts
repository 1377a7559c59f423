import { create } from "@bufbuild/protobuf";
import {
  type NodeExecution,
  type NodeExecutionClosure,
  NodeExecutionClosureSchema,
  type NodeExecutionMetaData,
  NodeExecutionMetaDataSchema,
  NodeExecutionSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { NodeExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { NewNodeExecutionRow } from "../db/schema.js";
import type { NodeExecutionChanges, NodeExecutionRecord } from "../repositories/node-execution-repo.js";
import { durationToNanos, errorColumns, optionalDbTime, trimErrorMessage } from "./closure-columns.js";
import { nodeExecutionKeyToId } from "./identifier-transformer.js";
import { decodeColumn, decodeOptionalColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link nodeExecutionToRow}. */
export interface NodeExecutionToRowInput {
  id: NodeExecutionIdentifier;
  /** The closure built from the first event; phase, times, duration and errors are promoted from it. */
  closure: NodeExecutionClosure;
  metadata: NodeExecutionMetaData;
  inputUri: string;
  /** `node_executions.id` of the parent node, if any. */
  parentId?: number | null;
  /** `task_executions.id` of the launching task execution, if any. */
  parentTaskExecutionId?: number | null;
  /** Blob URI of the dynamic workflow closure, if any. */
  dynamicWorkflowRemoteClosureReference?: string;
  /** The event version propeller reported. */
  eventVersion: number;
}

/** A node execution created from its first event → a `node_executions` row. */
export function nodeExecutionToRow(input: NodeExecutionToRowInput): NewNodeExecutionRow {
  const changes = nodeExecutionChangesFromClosure(input.closure);
  return {
    execution_project: input.id.executionId?.project ?? "",
    execution_domain: input.id.executionId?.domain ?? "",
    execution_name: input.id.executionId?.name ?? "",
    node_id: input.id.nodeId,
    phase: changes.phase ?? "",
    input_uri: input.inputUri,
    closure: encodeColumn(NodeExecutionClosureSchema, input.closure),
    started_at: changes.started_at ?? null,
    node_execution_created_at: optionalDbTime(input.closure.createdAt),
    node_execution_updated_at: changes.node_execution_updated_at ?? null,
    duration: changes.duration ?? 0,
    node_execution_metadata: encodeColumn(NodeExecutionMetaDataSchema, input.metadata),
    parent_id: input.parentId ?? null,
    parent_task_execution_id: input.parentTaskExecutionId ?? null,
    error_kind: changes.error_kind ?? null,
    error_code: changes.error_code ?? null,
    cache_status: changes.cache_status ?? null,
    dynamic_workflow_remote_closure_reference: input.dynamicWorkflowRemoteClosureReference ?? "",
    event_version: input.eventVersion,
  };
}

/**
 * The row columns that mirror `closure` after an update (phase, times, duration, error and cache
 * columns) plus the serialized closure. Error and cache columns are only written when present.
 */
export function nodeExecutionChangesFromClosure(closure: NodeExecutionClosure): NodeExecutionChanges {
  const taskNode = closure.targetMetadata.case === "taskNodeMetadata" ? closure.targetMetadata.value : undefined;
  return {
    phase: NodeExecution_Phase[closure.phase],
    closure: encodeColumn(NodeExecutionClosureSchema, closure),
    started_at: optionalDbTime(closure.startedAt),
    node_execution_updated_at: optionalDbTime(closure.updatedAt),
    duration: durationToNanos(closure.duration),
    ...(closure.outputResult.case === "error" ? errorColumns(closure.outputResult.value) : {}),
    ...(taskNode?.catalogKey === undefined ? {} : { cache_status: CatalogCacheStatus[taskNode.cacheStatus] }),
  };
}

/** Options of {@link nodeExecutionFromRecord}. */
export interface NodeExecutionFromRecordOptions {
  /** Cut `closure.error.message` to 100 bytes (list responses). */
  trimErrorMessage?: boolean;
}

/**
 * A node execution row → `admin.NodeExecution`. For rows written before propeller reported
 * `is_parent`, a node with children is marked parent (and dynamic if it has a dynamic closure).
 */
export function nodeExecutionFromRecord(
  record: NodeExecutionRecord,
  options: NodeExecutionFromRecordOptions = {},
): NodeExecution {
  const closure = decodeColumn(NodeExecutionClosureSchema, record.closure, "closure");
  if (options.trimErrorMessage === true && closure.outputResult.case === "error") {
    closure.outputResult.value.message = trimErrorMessage(closure.outputResult.value.message);
  }
  const metadata =
    decodeOptionalColumn(NodeExecutionMetaDataSchema, record.node_execution_metadata, "nodeExecutionMetadata") ??
    create(NodeExecutionMetaDataSchema);
  if (!metadata.isParentNode && !metadata.isDynamic && record.has_children) {
    metadata.isParentNode = true;
    if (record.dynamic_workflow_remote_closure_reference !== "") metadata.isDynamic = true;
  }
  return create(NodeExecutionSchema, {
    id: nodeExecutionKeyToId({
      executionId: { project: record.execution_project, domain: record.execution_domain, name: record.execution_name },
      nodeId: record.node_id,
    }),
    inputUri: record.input_uri,
    closure,
    metadata,
  });
}
