/**
 * Test helper: the node and task execution fixtures shared by flyteadmin's `node_execution_test.go` and
 * `task_execution_test.go` (`nodeExecutionId`, `taskIdentifier`, `createTaskAndNodeExecution`).
 */
import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  NodeExecutionIdentifierSchema,
  ResourceType,
  TaskExecutionIdentifierSchema,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { domain, identifier, name, project, validTaskRequest } from "./flyteadmin-requests.test-helper.js";
import type { AdminClient } from "./integration-harness.test-helper.js";

/** The raw-inserted execution project/domain/"execution name". */
export const executionId = create(WorkflowExecutionIdentifierSchema, { project, domain, name });

export const nodeId = "nodey";
export const inputUri = "input uri";

export const nodeExecutionId = create(NodeExecutionIdentifierSchema, { nodeId, executionId });

/** Task "task name" version "task version" in project/development. */
export const taskIdentifier = identifier(ResourceType.TASK, project, "development", "task name", "task version");

/** Attempt 1 of `taskIdentifier` in `nodeExecutionId`. */
export const taskExecutionIdentifier = create(TaskExecutionIdentifierSchema, {
  taskId: taskIdentifier,
  nodeExecutionId,
  retryAttempt: 1,
});

/** `createTaskAndNodeExecution`: registers `taskIdentifier` and reports `nodeExecutionId` RUNNING. */
export async function createTaskAndNodeExecution(client: AdminClient, occurredAt: Timestamp): Promise<void> {
  await client.createTask({ id: taskIdentifier, spec: validTaskRequest().spec });
  await client.createNodeEvent({
    requestId: "request id",
    event: {
      id: nodeExecutionId,
      phase: NodeExecution_Phase.RUNNING,
      inputValue: { case: "inputUri", value: inputUri },
      occurredAt,
    },
  });
}
