/**
 * The {@link TaskExecutionManager} (flyteadmin `task_execution_manager.go`): reads of task attempts and their
 * data; task events are handled in `events/task-event.ts`.
 */
import { create } from "@bufbuild/protobuf";
import {
  TaskExecutionGetDataResponseSchema,
  TaskExecutionListSchema,
} from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import type { TaskExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { BlobStore } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../config/admin-config.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { fieldFilter, identifierFilters } from "../repositories/filters/filter-expression.js";
import { nodeExecutionKeyFromId, taskExecutionKeyFromId } from "../transformers/identifier-transformer.js";
import { taskExecutionFromRecord } from "../transformers/task-execution-transformer.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import {
  validateTaskExecutionIdentifier,
  validateTaskExecutionListRequest,
} from "../validation/task-execution-validation.js";
import { createTaskEventHandler } from "./events/task-event.js";
import { taskFlyteUrls } from "./execution/flyte-url.js";
import { fetchInputs, fetchOutputs, type RemoteDataSettings } from "./execution/literal-data.js";
import type { TaskExecutionManager } from "./interfaces.js";

/** What {@link createTaskExecutionManager} reads. */
export interface TaskExecutionManagerDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** `config.remoteData`. */
  remoteData: RemoteDataSettings & { inlineEventDataPolicy: InlineEventDataPolicy };
}

/** Builds the {@link TaskExecutionManager}. */
export function createTaskExecutionManager(deps: TaskExecutionManagerDeps): TaskExecutionManager {
  const { repos, blobStore } = deps;
  const createTaskEvent = createTaskEventHandler({
    repos,
    blobStore,
    maxOutputSizeBytes: deps.remoteData.maxSizeInBytes,
    inlineEventDataPolicy: deps.remoteData.inlineEventDataPolicy,
  });

  const findTaskExecution = async (id: TaskExecutionIdentifier | undefined) => {
    validateTaskExecutionIdentifier(id);
    return taskExecutionFromRecord(await repos.taskExecutions.get(taskExecutionKeyFromId(id)));
  };

  return {
    async getTaskExecution(request) {
      return findTaskExecution(request.id);
    },

    async listTaskExecutions(request) {
      validateTaskExecutionListRequest(request);
      const nodeKey = nodeExecutionKeyFromId(request.nodeExecutionId);
      const input = listInputFrom(request, {
        entity: Entity.TaskExecution,
        listName: "ListTaskExecutions",
        baseFilters: [
          ...identifierFilters(Entity.TaskExecution, nodeKey.executionId),
          fieldFilter({ entity: Entity.TaskExecution, fn: "eq", field: "node_id", value: nodeKey.nodeId }),
        ],
      });
      const records = await repos.taskExecutions.list(input);
      // Full error messages: the console shows each attempt's whole stack trace.
      return create(TaskExecutionListSchema, {
        taskExecutions: records.map(taskExecutionFromRecord),
        token: pageTokenAfter(input, records.length),
      });
    },

    async getTaskExecutionData(request) {
      const taskExecution = await findTaskExecution(request.id);
      const outputResult = taskExecution.closure?.outputResult;
      const [inputs, outputs] = await Promise.all([
        fetchInputs(blobStore, deps.remoteData, taskExecution.inputUri),
        fetchOutputs(blobStore, deps.remoteData, {
          uri: outputResult?.case === "outputUri" ? outputResult.value : "",
          data: outputResult?.case === "outputData" ? outputResult.value : undefined,
        }),
      ]);
      const key = taskExecutionKeyFromId(request.id);
      return create(TaskExecutionGetDataResponseSchema, {
        inputs: inputs.blob,
        outputs: outputs.blob,
        fullInputs: inputs.full,
        fullOutputs: outputs.full,
        flyteUrls: taskFlyteUrls(key.nodeExecutionId, key.retryAttempt, false),
      });
    },

    createTaskEvent,
  };
}
