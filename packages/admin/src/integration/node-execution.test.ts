/**
 * flyteadmin's `tests/node_execution_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { create, equals } from "@bufbuild/protobuf";
import { timestampFromMs, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { DynamicNodeWorkflowResponseSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { NodeExecutionIdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { beforeAll, describe, expect, it } from "vitest";
import { identifier } from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";
import {
  createTaskAndNodeExecution,
  executionId,
  inputUri,
  nodeExecutionId,
  taskExecutionIdentifier,
  taskIdentifier,
} from "./task-and-node-executions.test-helper.js";

const childId = create(NodeExecutionIdentifierSchema, { nodeId: "child", executionId });
const child2Id = create(NodeExecutionIdentifierSchema, { nodeId: "child2", executionId });
const childNodeExecutionId = create(NodeExecutionIdentifierSchema, { nodeId: "child_node", executionId });

describeIntegration("flyteadmin integration: node executions", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestCreateNodeExecution [${transport}]: a RUNNING node event creates the node execution`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: nodeExecutionId,
          phase: NodeExecution_Phase.RUNNING,
          inputValue: { case: "inputUri", value: inputUri },
          occurredAt,
        },
      });
      const response = await client.getNodeExecution({ id: nodeExecutionId });
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, response.id!)).toBe(true);
      expect(response.closure?.phase).toBe(NodeExecution_Phase.RUNNING);
      expect(response.inputUri).toBe(inputUri);
      expect(equals(TimestampSchema, occurredAt, response.closure!.startedAt!)).toBe(true);
    });

    it(`TestCreateNodeExecutionWithParent [${transport}]: a child event marks its parent node as a parent`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      const inputValue = { case: "inputUri", value: inputUri } as const;
      await client.createNodeEvent({
        requestId: "request id",
        event: { id: nodeExecutionId, phase: NodeExecution_Phase.RUNNING, inputValue, occurredAt },
      });
      let response = await client.getNodeExecution({ id: nodeExecutionId });
      expect(response.metadata?.isParentNode).toBe(false);
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, response.id!)).toBe(true);

      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: childId,
          phase: NodeExecution_Phase.RUNNING,
          inputValue,
          occurredAt,
          specNodeId: "spec",
          retryGroup: "1",
          parentNodeMetadata: { nodeId: nodeExecutionId.nodeId },
        },
      });
      response = await client.getNodeExecution({ id: childId });
      expect(equals(NodeExecutionIdentifierSchema, childId, response.id!)).toBe(true);
      expect(response.metadata?.isParentNode).toBe(false);

      response = await client.getNodeExecution({ id: nodeExecutionId });
      expect(response.metadata?.isParentNode).toBe(true);
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, response.id!)).toBe(true);
    });

    it(`TestCreateAndUpdateNodeExecution [${transport}]: RUNNING then SUCCEEDED updates one node and leaves another alone`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const beganMs = Date.now();
      const beganRunningAt = timestampFromMs(beganMs);
      const inputValue = { case: "inputUri", value: inputUri } as const;
      await client.createNodeEvent({
        requestId: "request id",
        event: { id: nodeExecutionId, phase: NodeExecution_Phase.RUNNING, inputValue, occurredAt: beganRunningAt },
      });
      const otherNodeExecutionId = create(NodeExecutionIdentifierSchema, { nodeId: "other node", executionId });
      await client.createNodeEvent({
        requestId: "other request id",
        event: {
          id: otherNodeExecutionId,
          phase: NodeExecution_Phase.QUEUED,
          inputValue,
          occurredAt: timestampFromMs(beganMs + 10_000),
        },
      });
      const succeededAt = timestampFromMs(beganMs + 60_000);
      const outputUri = "output uri";
      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: nodeExecutionId,
          phase: NodeExecution_Phase.SUCCEEDED,
          inputValue,
          occurredAt: succeededAt,
          outputResult: { case: "outputUri", value: outputUri },
        },
      });

      const response = await client.getNodeExecution({ id: nodeExecutionId });
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, response.id!)).toBe(true);
      expect(response.closure?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
      expect(response.inputUri).toBe(inputUri);
      expect(response.closure?.outputResult).toEqual({ case: "outputUri", value: outputUri });
      expect(equals(TimestampSchema, beganRunningAt, response.closure!.startedAt!)).toBe(true);
      expect(equals(TimestampSchema, succeededAt, response.closure!.updatedAt!)).toBe(true);

      const other = await client.getNodeExecution({ id: otherNodeExecutionId });
      expect(other.closure?.phase).toBe(NodeExecution_Phase.QUEUED);
    });

    it(`TestCreateAndListNodeExecutions [${transport}]: after a workflow and a node event the node is listed`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      await client.createWorkflowEvent({
        requestId: "request id",
        event: { executionId, phase: WorkflowExecution_Phase.RUNNING, occurredAt },
      });
      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: nodeExecutionId,
          phase: NodeExecution_Phase.RUNNING,
          inputValue: { case: "inputUri", value: inputUri },
          occurredAt,
        },
      });
      const response = await client.listNodeExecutions({ workflowExecutionId: executionId, limit: 10 });
      expect(response.nodeExecutions).toHaveLength(1);
      const node = response.nodeExecutions[0]!;
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, node.id!)).toBe(true);
      expect(node.closure?.phase).toBe(NodeExecution_Phase.RUNNING);
      expect(node.inputUri).toBe(inputUri);
      expect(equals(TimestampSchema, occurredAt, node.closure!.startedAt!)).toBe(true);
    });

    it(`TestListNodeExecutionWithParent [${transport}]: the default list is top-level only, unique_parent_id lists the children`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredAt = timestampFromMs(Date.now());
      const inputValue = { case: "inputUri", value: inputUri } as const;
      await client.createNodeEvent({
        requestId: "request id",
        event: { id: nodeExecutionId, phase: NodeExecution_Phase.RUNNING, inputValue, occurredAt },
      });
      for (const id of [childId, child2Id]) {
        await client.createNodeEvent({
          requestId: "request id",
          event: {
            id,
            phase: NodeExecution_Phase.RUNNING,
            inputValue,
            occurredAt,
            specNodeId: "spec",
            retryGroup: "1",
            parentNodeMetadata: { nodeId: nodeExecutionId.nodeId },
          },
        });
      }

      const topLevel = await client.listNodeExecutions({ workflowExecutionId: executionId, limit: 10 });
      expect(topLevel.nodeExecutions).toHaveLength(1);
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, topLevel.nodeExecutions[0]!.id!)).toBe(true);
      expect(topLevel.nodeExecutions[0]!.closure?.phase).toBe(NodeExecution_Phase.RUNNING);
      expect(topLevel.nodeExecutions[0]!.inputUri).toBe(inputUri);
      expect(equals(TimestampSchema, occurredAt, topLevel.nodeExecutions[0]!.closure!.startedAt!)).toBe(true);

      const children = await client.listNodeExecutions({
        workflowExecutionId: executionId,
        uniqueParentId: nodeExecutionId.nodeId,
        limit: 10,
      });
      // flyteadmin's query has no ORDER BY, so the Go test's child2-then-child order is whatever PostgreSQL's heap
      // gave it; Aloft lists in start order (id ascending). The assertion is on the two children, in either order.
      expect(children.nodeExecutions).toHaveLength(2);
      const ids = [...children.nodeExecutions.map((n) => n.id!)].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
      expect(equals(NodeExecutionIdentifierSchema, childId, ids[0]!)).toBe(true);
      expect(equals(NodeExecutionIdentifierSchema, child2Id, ids[1]!)).toBe(true);
      for (const node of children.nodeExecutions) {
        expect(node.closure?.phase).toBe(NodeExecution_Phase.RUNNING);
        expect(node.inputUri).toBe(inputUri);
        expect(equals(TimestampSchema, occurredAt, node.closure!.startedAt!)).toBe(true);
      }
    });

    it(`TestCreateChildNodeExecutionForTaskExecution [${transport}]: a node launched by a task is listed for the task, not at top level`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().client(transport);
      const occurredMs = Date.now();
      const occurredAt = timestampFromMs(occurredMs);
      await createTaskAndNodeExecution(client, occurredAt);
      await client.createTaskEvent({
        requestId: "request id",
        event: {
          taskId: taskIdentifier,
          parentNodeExecutionId: nodeExecutionId,
          phase: TaskExecution_Phase.RUNNING,
          retryAttempt: 1,
          occurredAt,
        },
      });
      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: childNodeExecutionId,
          phase: NodeExecution_Phase.RUNNING,
          inputValue: { case: "inputUri", value: inputUri },
          occurredAt: timestampFromMs(occurredMs + 60_000),
          parentTaskMetadata: { id: taskExecutionIdentifier },
        },
      });

      const response = await client.getNodeExecution({ id: nodeExecutionId });
      expect(equals(NodeExecutionIdentifierSchema, nodeExecutionId, response.id!)).toBe(true);

      const list = await client.listNodeExecutions({ workflowExecutionId: executionId, limit: 10 });
      expect(list.nodeExecutions.map((n) => n.id?.nodeId)).toEqual([nodeExecutionId.nodeId]);

      const forTask = await client.listNodeExecutionsForTask({
        taskExecutionId: {
          taskId: taskExecutionIdentifier.taskId,
          nodeExecutionId,
          retryAttempt: taskExecutionIdentifier.retryAttempt,
        },
        limit: 10,
      });
      expect(forTask.nodeExecutions).toHaveLength(1);
      expect(equals(NodeExecutionIdentifierSchema, childNodeExecutionId, forTask.nodeExecutions[0]!.id!)).toBe(true);

      const taskExecution = await client.getTaskExecution({ id: taskExecutionIdentifier });
      expect(taskExecution.id?.retryAttempt).toBe(1);
      expect(taskExecution.isParent).toBe(true);
    });
  }

  describe("TestGetDynamicNodeWorkflow", () => {
    const dynamicWfId = identifier(ResourceType.WORKFLOW, "admintests", "development", "name", "version");
    const dynamicWf = create(CompiledWorkflowClosureSchema, {
      primary: {
        template: {
          id: dynamicWfId,
          interface: {},
          nodes: [
            {
              id: "I'm a node",
              target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskIdentifier } } },
            },
          ],
        },
      },
    });

    beforeAll(async () => {
      await admin().truncateAllTables();
      await admin().insertExecution(executionId);
      const client = admin().grpc;
      const occurredMs = Date.now();
      const occurredAt = timestampFromMs(occurredMs);
      await createTaskAndNodeExecution(client, occurredAt);
      await client.createTaskEvent({
        requestId: "request id",
        event: {
          taskId: taskIdentifier,
          parentNodeExecutionId: nodeExecutionId,
          phase: TaskExecution_Phase.RUNNING,
          retryAttempt: 1,
          occurredAt,
        },
      });
      await client.createNodeEvent({
        requestId: "request id",
        event: {
          id: childNodeExecutionId,
          phase: NodeExecution_Phase.RUNNING,
          inputValue: { case: "inputUri", value: inputUri },
          occurredAt: timestampFromMs(occurredMs + 60_000),
          parentTaskMetadata: { id: taskExecutionIdentifier },
          isDynamic: true,
          isParent: true,
          targetMetadata: {
            case: "taskNodeMetadata",
            value: {
              dynamicWorkflow: { id: dynamicWfId, compiledWorkflow: dynamicWf, dynamicJobSpecUri: "s3://bla-bla" },
            },
          },
        },
      });
    });

    for (const transport of TRANSPORTS) {
      it(`TestGetDynamicNodeWorkflowGrpc [${transport} client]: answers the compiled dynamic workflow`, async () => {
        const response = await admin().client(transport).getDynamicNodeWorkflow({ id: childNodeExecutionId });
        expect(equals(CompiledWorkflowClosureSchema, dynamicWf, response.compiledWorkflow!)).toBe(true);
      });
    }

    it("TestGetDynamicNodeWorkflowHttp: the REST route, with a URL-encoded space in the execution name, answers it too", async () => {
      const response = await admin().httpGet(
        "/api/v1/node_executions/project/domain/execution%20name/child_node/dynamic_workflow",
        DynamicNodeWorkflowResponseSchema,
      );
      expect(equals(CompiledWorkflowClosureSchema, dynamicWf, response.compiledWorkflow!)).toBe(true);
    });
  });
});
