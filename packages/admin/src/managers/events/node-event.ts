/**
 * CreateNodeEvent (flyteadmin `NodeExecutionManager.CreateNodeEvent` and the node execution transformers):
 * the first event of a node creates its row, later ones move it along.
 */
import { timestampToDbTime } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { AloftError, Code, TERMINAL_NODE_PHASES } from "@aloft/idl";
import {
  type NodeExecutionEventRequest,
  type NodeExecutionEventResponse,
  NodeExecutionEventResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import {
  type NodeExecutionClosure,
  NodeExecutionClosureSchema,
  NodeExecutionMetaDataSchema,
  TaskNodeMetadataSchema,
  WorkflowNodeMetadataSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type NodeExecutionEvent, NodeExecutionEventSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { type BlobStore, writeProto } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../../config/admin-config.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import { executionKeyText, type NodeExecutionKey, nodeExecutionKeyText } from "../../repositories/keys.js";
import type { NodeExecutionChanges, NodeExecutionRecord } from "../../repositories/node-execution-repo.js";
import { nodeExecutionEventToRow } from "../../transformers/event-transformer.js";
import {
  executionKeyFromId,
  nodeExecutionKeyFromId,
  taskExecutionKeyFromId,
} from "../../transformers/identifier-transformer.js";
import { nodeExecutionChangesFromClosure, nodeExecutionToRow } from "../../transformers/node-execution-transformer.js";
import { decodeColumn, decodeOptionalColumn, encodeColumn } from "../../transformers/proto-bytes.js";
import { validateWorkflowExecutionIdentifier } from "../../validation/identifier-validation.js";
import { validateNodeEventRequest } from "../../validation/node-execution-validation.js";
import { validateTaskExecutionIdentifier } from "../../validation/task-execution-validation.js";
import { offloadLiteralMap } from "../execution/literal-data.js";
import type { ManagerContext } from "../interfaces.js";
import { alreadyInTerminalStateError, validateEventCluster } from "./event-errors.js";
import { createExecutionClusterLookup } from "./execution-clusters.js";
import { durationSince, occurredAtOf, reportedAtOf } from "./event-time.js";
import { retryOnConcurrentUpdate } from "./retry-on-concurrent-update.js";
import { nodePhaseOf } from "./phase-names.js";

/** What {@link createNodeEventHandler} reads. */
export interface NodeEventDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** `application.metadataStoragePrefix`: where dynamic workflow closures are written. */
  metadataStoragePrefix: readonly string[];
  /** `remoteData.maxSizeInBytes`. */
  maxOutputSizeBytes: number;
  /** `remoteData.inlineEventDataPolicy`. */
  inlineEventDataPolicy: InlineEventDataPolicy;
}

/** The CreateNodeEvent handler. */
export type NodeEventHandler = (
  request: NodeExecutionEventRequest,
  context: ManagerContext,
) => Promise<NodeExecutionEventResponse>;

/**
 * Builds CreateNodeEvent. As flyteadmin: request validation problems are ignored (flyteadmin only logs
 * them); the workflow execution must exist (its NOT_FOUND is passed on) and the event must come from its
 * cluster; a node without a row is created from whatever phase arrives; for an existing node the same
 * phase again is ALREADY_EXISTS and any event after a terminal phase is FAILED_PRECONDITION with
 * `already_in_terminal_state` carrying the **incoming** phase; other orders (QUEUED after RUNNING) are
 * accepted. A dynamic workflow in the event is written to the blob store first.
 */
export function createNodeEventHandler(deps: NodeEventDeps): NodeEventHandler {
  const clusterOf = createExecutionClusterLookup(deps.repos.executions);
  return async (request) => {
    try {
      validateNodeEventRequest(request, deps.maxOutputSizeBytes);
    } catch {
      // flyteadmin logs and carries on; what the event lacks surfaces below (e.g. NOT_FOUND).
    }
    const event = request.event ?? create(NodeExecutionEventSchema);
    const key = nodeExecutionKeyFromId(event.id);
    let cluster;
    try {
      cluster = await clusterOf(key.executionId);
    } catch (error) {
      const cause = AloftError.from(error);
      throw new AloftError(
        cause.code,
        `Failed to get existing execution id: [${executionKeyText(key.executionId)}] with err: ${cause.rawMessage}`,
        { cause },
      );
    }
    validateEventCluster(cluster, event.producerId);
    const dynamicReference = await uploadDynamicWorkflow(deps, event, key);

    await retryOnConcurrentUpdate(async () => {
      const existing = await deps.repos.nodeExecutions.find(key);
      if (existing === undefined) {
        try {
          await createNodeExecution(deps, event, key, dynamicReference);
          return;
        } catch (error) {
          // Another event created the row first: apply this one as an update instead.
          if (error instanceof AloftError && error.code === Code.AlreadyExists) {
            throw new AloftError(Code.Aborted, "node execution created concurrently", { cause: error });
          }
          throw error;
        }
      }
      await updateNodeExecution(deps, event, existing, dynamicReference);
    });
    await deps.repos.nodeExecutions.createEvents([nodeExecutionEventToRow(request)]).catch(() => undefined);
    return create(NodeExecutionEventResponseSchema);
  };
}

/** `<prefix>/<p>/<d>/<exec>/<node>/<wfp>_<wfd>_<wfn>_<wfv>`, flyteadmin's dynamic closure location. */
async function uploadDynamicWorkflow(
  deps: NodeEventDeps,
  event: NodeExecutionEvent,
  key: NodeExecutionKey,
): Promise<string | undefined> {
  const dynamic =
    event.targetMetadata.case === "taskNodeMetadata" ? event.targetMetadata.value.dynamicWorkflow : undefined;
  if (dynamic === undefined) return undefined;
  const uri = deps.blobStore.join(
    deps.blobStore.baseUri,
    ...deps.metadataStoragePrefix,
    key.executionId.project,
    key.executionId.domain,
    key.executionId.name,
    key.nodeId,
    dynamicWorkflowFileName(dynamic.id),
  );
  try {
    await writeProto(
      deps.blobStore,
      uri,
      CompiledWorkflowClosureSchema,
      dynamic.compiledWorkflow ?? create(CompiledWorkflowClosureSchema),
    );
  } catch (error) {
    throw AloftError.internal(
      `Failed to upload dynamic workflow closure for node id [${nodeExecutionKeyText(key)}] and workflow id [${dynamicWorkflowFileName(dynamic.id)}] with err: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return uri;
}

function dynamicWorkflowFileName(id: Identifier | undefined): string {
  return `${id?.project ?? ""}_${id?.domain ?? ""}_${id?.name ?? ""}_${id?.version ?? ""}`;
}

async function createNodeExecution(
  deps: NodeEventDeps,
  event: NodeExecutionEvent,
  key: NodeExecutionKey,
  dynamicReference: string | undefined,
): Promise<void> {
  let parentTaskExecutionId: number | null = null;
  if (event.parentTaskMetadata !== undefined) {
    validateTaskExecutionIdentifier(event.parentTaskMetadata.id);
    const parent = await deps.repos.taskExecutions.get(taskExecutionKeyFromId(event.parentTaskMetadata.id));
    parentTaskExecutionId = parent.id;
  }
  let parentId: number | null = null;
  if (event.parentNodeMetadata !== undefined) {
    const parent = await deps.repos.nodeExecutions.get({
      executionId: key.executionId,
      nodeId: event.parentNodeMetadata.nodeId,
    });
    parentId = parent.id;
  }
  const occurredAt = occurredAtOf(event);
  const closure = create(NodeExecutionClosureSchema, {
    phase: event.phase,
    createdAt: occurredAt,
    updatedAt: reportedAtOf(event),
  });
  const inputUri = await eventInputUri(deps, event, key);
  let startedAt: string | null = null;
  if (event.phase === NodeExecution_Phase.RUNNING) {
    startedAt = timestampToDbTime(occurredAt);
    closure.startedAt = occurredAt;
    closure.deckUri = event.deckUri;
  }
  if (TERMINAL_NODE_PHASES.has(event.phase)) await addTerminalState(deps, event, key, closure, startedAt);
  setTaskNodeMetadata(closure, event, false);
  const metadata = create(NodeExecutionMetaDataSchema, {
    retryGroup: event.retryGroup,
    specNodeId: event.specNodeId,
    isParentNode: event.isParent,
    isDynamic: event.isDynamic,
    isArray: event.isArray,
  });
  await deps.repos.nodeExecutions.create(
    nodeExecutionToRow({
      id: event.id!,
      closure,
      metadata,
      inputUri,
      parentId,
      parentTaskExecutionId,
      ...(dynamicReference === undefined ? {} : { dynamicWorkflowRemoteClosureReference: dynamicReference }),
      eventVersion: event.eventVersion,
    }),
  );
}

async function updateNodeExecution(
  deps: NodeEventDeps,
  event: NodeExecutionEvent,
  existing: NodeExecutionRecord,
  dynamicReference: string | undefined,
): Promise<void> {
  const key = nodeExecutionKeyFromId(event.id);
  const current = nodePhaseOf(existing.phase);
  if (current === event.phase) {
    throw AloftError.alreadyExists(
      `This phase was already recorded ${existing.phase} for ${nodeExecutionKeyText(key)}`,
    );
  }
  const incoming = NodeExecution_Phase[event.phase] ?? String(event.phase);
  if (TERMINAL_NODE_PHASES.has(current)) {
    throw alreadyInTerminalStateError(
      `Invalid phase change from ${existing.phase} to ${incoming} for node execution ${existing.id}`,
      incoming,
    );
  }
  const childExecution =
    event.targetMetadata.case === "workflowNodeMetadata" ? event.targetMetadata.value.executionId : undefined;
  if (event.targetMetadata.case === "workflowNodeMetadata") {
    try {
      validateWorkflowExecutionIdentifier(childExecution);
    } catch {
      // flyteadmin only logs a malformed child id; the lookup below decides.
    }
    await deps.repos.executions.get(executionKeyFromId(childExecution));
  }

  const closure = decodeColumn(NodeExecutionClosureSchema, existing.closure, "closure");
  const inputUri = existing.input_uri !== "" ? existing.input_uri : await eventInputUri(deps, event, key);
  closure.phase = event.phase;
  const reportedAt = reportedAtOf(event);
  closure.updatedAt = reportedAt;
  let startedAt = existing.started_at;
  if (event.phase === NodeExecution_Phase.RUNNING) {
    const occurredAt = occurredAtOf(event);
    startedAt = timestampToDbTime(occurredAt);
    closure.startedAt = occurredAt;
    closure.deckUri = event.deckUri;
  }
  if (TERMINAL_NODE_PHASES.has(event.phase)) await addTerminalState(deps, event, key, closure, startedAt);
  if (childExecution !== undefined && closure.targetMetadata.case !== "workflowNodeMetadata") {
    closure.targetMetadata = {
      case: "workflowNodeMetadata",
      value: create(WorkflowNodeMetadataSchema, { executionId: childExecution }),
    };
  }
  setTaskNodeMetadata(closure, event, true);

  const changes: NodeExecutionChanges = {
    ...nodeExecutionChangesFromClosure(closure),
    input_uri: inputUri,
    started_at: startedAt,
    node_execution_updated_at: timestampToDbTime(reportedAt),
  };
  // Kept when a later event carries no dynamic workflow (flyteadmin would clear the reference).
  if (dynamicReference !== undefined) changes.dynamic_workflow_remote_closure_reference = dynamicReference;
  if (event.isParent || event.isDynamic || event.isArray) {
    const metadata =
      decodeOptionalColumn(NodeExecutionMetaDataSchema, existing.node_execution_metadata, "node execution metadata") ??
      create(NodeExecutionMetaDataSchema);
    if (event.isParent) metadata.isParentNode = true;
    if (event.isDynamic) metadata.isDynamic = true;
    if (event.isArray) metadata.isArray = true;
    changes.node_execution_metadata = encodeColumn(NodeExecutionMetaDataSchema, metadata);
  }
  await deps.repos.nodeExecutions.update(existing.id, changes, { expectPhase: existing.phase });
}

/** The event's input URI, offloading inline input data to `metadata/<p>/<d>/<exec>/<node>/offloaded_inputs`. */
async function eventInputUri(deps: NodeEventDeps, event: NodeExecutionEvent, key: NodeExecutionKey): Promise<string> {
  const input = event.inputValue;
  if (input.case === "inputUri") return input.value;
  if (input.case === "inputData") {
    return offloadLiteralMap(
      deps.blobStore,
      input.value,
      key.executionId.project,
      key.executionId.domain,
      key.executionId.name,
      key.nodeId,
      "offloaded_inputs",
    );
  }
  return "";
}

async function addTerminalState(
  deps: NodeEventDeps,
  event: NodeExecutionEvent,
  key: NodeExecutionKey,
  closure: NodeExecutionClosure,
  startedAt: string | null,
): Promise<void> {
  if (closure.startedAt !== undefined && startedAt !== null) {
    closure.duration = durationSince(startedAt, occurredAtOf(event));
  }
  const output = event.outputResult;
  if (output.case === "outputUri" && output.value !== "") {
    closure.outputResult = { case: "outputUri", value: output.value };
  } else if (output.case === "outputData") {
    if (deps.inlineEventDataPolicy === "StoreInline") {
      closure.outputResult = { case: "outputData", value: output.value };
    } else {
      const uri = await offloadLiteralMap(
        deps.blobStore,
        output.value,
        key.executionId.project,
        key.executionId.domain,
        key.executionId.name,
        key.nodeId,
        "offloaded_outputs",
      );
      closure.outputResult = { case: "outputUri", value: uri };
    }
  } else if (output.case === "error") {
    closure.outputResult = { case: "error", value: output.value };
  }
  closure.deckUri = event.deckUri;
}

/** Checkpoint URI, cache status and catalog key (and, on updates, the dynamic job spec URI) of a task node. */
function setTaskNodeMetadata(closure: NodeExecutionClosure, event: NodeExecutionEvent, isUpdate: boolean): void {
  if (event.targetMetadata.case !== "taskNodeMetadata") return;
  const reported = event.targetMetadata.value;
  const metadata = create(TaskNodeMetadataSchema, { checkpointUri: reported.checkpointUri });
  if (reported.catalogKey !== undefined) {
    metadata.cacheStatus = reported.cacheStatus;
    metadata.catalogKey = reported.catalogKey;
  }
  closure.targetMetadata = { case: "taskNodeMetadata", value: metadata };
  const specUri = reported.dynamicWorkflow?.dynamicJobSpecUri ?? "";
  if (isUpdate && specUri !== "") closure.dynamicJobSpecUri = specUri;
}
