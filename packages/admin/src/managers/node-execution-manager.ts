/**
 * The {@link NodeExecutionManager} (flyteadmin `node_execution_manager.go`): reads of node executions, their
 * data and dynamic workflows; node events are handled in `events/node-event.ts`.
 */
import { create } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import {
  DynamicNodeWorkflowResponseSchema,
  DynamicWorkflowNodeMetadataSchema,
  NodeExecutionGetDataResponseSchema,
  NodeExecutionListSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { type CompiledWorkflowClosure, CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { type BlobStore, readProto } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../config/admin-config.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { identifierFilters } from "../repositories/filters/filter-expression.js";
import type { NodeExecutionKey } from "../repositories/keys.js";
import type { NodeExecutionParentScope } from "../repositories/node-execution-repo.js";
import {
  executionKeyFromId,
  nodeExecutionKeyFromId,
  taskExecutionKeyFromId,
} from "../transformers/identifier-transformer.js";
import { nodeExecutionFromRecord } from "../transformers/node-execution-transformer.js";
import { listInputFrom, type ListRequestFields, pageTokenAfter } from "../validation/list-input.js";
import {
  validateNodeExecutionIdentifier,
  validateNodeExecutionListRequest,
} from "../validation/node-execution-validation.js";
import { validateNodeExecutionForTaskListRequest } from "../validation/task-execution-validation.js";
import { createNodeEventHandler } from "./events/node-event.js";
import { nodeFlyteUrls } from "./execution/flyte-url.js";
import { fetchInputs, fetchOutputs, type RemoteDataSettings } from "./execution/literal-data.js";
import type { NodeExecutionManager } from "./interfaces.js";

/** What {@link createNodeExecutionManager} reads. */
export interface NodeExecutionManagerDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** `application.metadataStoragePrefix`: where dynamic workflow closures are written. */
  metadataStoragePrefix: readonly string[];
  /** `config.remoteData`. */
  remoteData: RemoteDataSettings & { inlineEventDataPolicy: InlineEventDataPolicy };
}

/** Builds the {@link NodeExecutionManager}. */
export function createNodeExecutionManager(deps: NodeExecutionManagerDeps): NodeExecutionManager {
  const { repos, blobStore } = deps;
  const createNodeEvent = createNodeEventHandler({
    repos,
    blobStore,
    metadataStoragePrefix: deps.metadataStoragePrefix,
    maxOutputSizeBytes: deps.remoteData.maxSizeInBytes,
    inlineEventDataPolicy: deps.remoteData.inlineEventDataPolicy,
  });

  async function list(input: {
    executionId: NodeExecutionKey["executionId"];
    parent: NodeExecutionParentScope;
    request: ListRequestFields;
  }) {
    const checked = listInputFrom(input.request, {
      entity: Entity.NodeExecution,
      listName: "ListNodeExecutions",
      baseFilters: identifierFilters(Entity.NodeExecution, input.executionId),
    });
    const records = await repos.nodeExecutions.list({ ...checked, parent: input.parent });
    return create(NodeExecutionListSchema, {
      nodeExecutions: records.map((record) => nodeExecutionFromRecord(record, { trimErrorMessage: true })),
      token: pageTokenAfter(checked, records.length),
    });
  }

  return {
    async getNodeExecution(request) {
      ignoreInvalid(() => validateNodeExecutionIdentifier(request.id));
      return nodeExecutionFromRecord(await repos.nodeExecutions.get(nodeExecutionKeyFromId(request.id)));
    },

    async getDynamicNodeWorkflow(request) {
      ignoreInvalid(() => validateNodeExecutionIdentifier(request.id));
      const record = await repos.nodeExecutions.get(nodeExecutionKeyFromId(request.id));
      if (record.dynamic_workflow_remote_closure_reference === "") {
        throw AloftError.notFound("node does not contain dynamic workflow");
      }
      const compiledWorkflow = await readDynamicWorkflow(blobStore, record.dynamic_workflow_remote_closure_reference);
      return create(DynamicNodeWorkflowResponseSchema, { compiledWorkflow });
    },

    async listNodeExecutions(request) {
      validateNodeExecutionListRequest(request);
      const executionId = executionKeyFromId(request.workflowExecutionId);
      let parent: NodeExecutionParentScope = "top-level";
      if (request.uniqueParentId !== "") {
        const parentRecord = await repos.nodeExecutions.get({ executionId, nodeId: request.uniqueParentId });
        parent = { parentId: parentRecord.id };
      }
      return list({ executionId, parent, request });
    },

    async listNodeExecutionsForTask(request) {
      validateNodeExecutionForTaskListRequest(request);
      const taskKey = taskExecutionKeyFromId(request.taskExecutionId);
      const parentTask = await repos.taskExecutions.get(taskKey);
      return list({
        executionId: taskKey.nodeExecutionId.executionId,
        parent: { parentTaskExecutionId: parentTask.id },
        request,
      });
    },

    async getNodeExecutionData(request) {
      ignoreInvalid(() => validateNodeExecutionIdentifier(request.id));
      const key = nodeExecutionKeyFromId(request.id);
      const record = await repos.nodeExecutions.get(key);
      const nodeExecution = nodeExecutionFromRecord(record);
      const closure = nodeExecution.closure;
      const outputResult = closure?.outputResult;
      const [inputs, outputs] = await Promise.all([
        fetchInputs(blobStore, deps.remoteData, nodeExecution.inputUri),
        fetchOutputs(blobStore, deps.remoteData, {
          uri: outputResult?.case === "outputUri" ? outputResult.value : "",
          data: outputResult?.case === "outputData" ? outputResult.value : undefined,
        }),
      ]);
      const response = create(NodeExecutionGetDataResponseSchema, {
        inputs: inputs.blob,
        outputs: outputs.blob,
        fullInputs: inputs.full,
        fullOutputs: outputs.full,
        flyteUrls: nodeFlyteUrls(key, (closure?.deckUri ?? "") !== ""),
      });
      if (record.dynamic_workflow_remote_closure_reference !== "") {
        const compiledWorkflow = await readDynamicWorkflow(blobStore, record.dynamic_workflow_remote_closure_reference);
        response.dynamicWorkflow = create(DynamicWorkflowNodeMetadataSchema, {
          ...(compiledWorkflow.primary?.template?.id === undefined ? {} : { id: compiledWorkflow.primary.template.id }),
          compiledWorkflow,
          dynamicJobSpecUri: closure?.dynamicJobSpecUri ?? "",
        });
      }
      return response;
    },

    createNodeEvent,
  };
}

/** flyteadmin logs identifier problems on these reads and lets the lookup answer (usually NOT_FOUND). */
function ignoreInvalid(check: () => void): void {
  try {
    check();
  } catch {
    // See above.
  }
}

/**
 * The dynamic workflow closure a node event stored.
 * @throws AloftError Internal "Unable to read WorkflowClosure from location …" or when it has no primary template.
 */
async function readDynamicWorkflow(store: BlobStore, uri: string): Promise<CompiledWorkflowClosure> {
  let closure: CompiledWorkflowClosure;
  try {
    closure = await readProto(store, uri, CompiledWorkflowClosureSchema);
  } catch (error) {
    throw AloftError.internal(
      `Unable to read WorkflowClosure from location ${uri} : ${error instanceof AloftError ? error.rawMessage : String(error)}`,
      { cause: error },
    );
  }
  if (closure.primary === undefined) {
    throw AloftError.internal("Empty primary workflow definition in loaded dynamic workflow model.");
  }
  if (closure.primary.template === undefined) {
    throw AloftError.internal("Empty primary workflow template in loaded dynamic workflow model.");
  }
  return closure;
}
