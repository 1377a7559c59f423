import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  GetDynamicNodeWorkflowRequestSchema,
  NodeExecutionForTaskListRequestSchema,
  NodeExecutionGetDataRequestSchema,
  NodeExecutionListRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { TaskExecutionGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createExecutionHarness,
  executionRequest,
  failure,
  nodeEvent,
  NodeExecution_Phase as Phase,
  seedLaunchPlan,
  taskEvent,
  TaskExecution_Phase,
  testContext as ctx,
  useSigningBlobStore,
} from "./execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const nodeKey = (nodeId = "n0") => ({ executionId: execKey, nodeId });
const taskId = {
  resourceType: ResourceType.TASK,
  project: "admintests",
  domain: "development",
  name: "task",
  version: "123",
};
const taskExecutionId = { taskId, nodeExecutionId: nodeKey(), retryAttempt: 0 };

describeEachDialect("NodeExecutionManager", (db) => {
  async function launched() {
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    return h;
  }
  const list = (init: { uniqueParentId?: string; filters?: string; limit?: number; token?: string } = {}) =>
    create(NodeExecutionListRequestSchema, { workflowExecutionId: execKey, limit: 10, ...init });

  describe("lists", () => {
    it("lists top-level nodes by default and a node's children by unique_parent_id (TestListNodeExecutionWithParent)", async () => {
      const h = await launched();
      await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
      for (const child of ["c1", "c2"]) {
        await h.nodeExecutions.createNodeEvent(
          nodeEvent(Phase.RUNNING, { id: nodeKey(child), specNodeId: child, parentNodeMetadata: { nodeId: "n0" } }),
          ctx,
        );
      }
      const top = await h.nodeExecutions.listNodeExecutions(list(), ctx);
      expect(top.nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["n0"]);
      expect(top.nodeExecutions[0]?.metadata?.isParentNode).toBe(true);
      const children = await h.nodeExecutions.listNodeExecutions(list({ uniqueParentId: "n0" }), ctx);
      expect(children.nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["c1", "c2"]);
      const page = await h.nodeExecutions.listNodeExecutions(list({ uniqueParentId: "n0", limit: 1 }), ctx);
      expect(page.token).toBe("1");
    });

    it("lists nodes a task execution launched, not at the top level (TestCreateChildNodeExecutionForTaskExecution)", async () => {
      const h = await launched();
      await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
      await h.taskExecutions.createTaskEvent(taskEvent(TaskExecution_Phase.RUNNING), ctx);
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, {
          id: nodeKey("sub"),
          specNodeId: "sub",
          parentTaskMetadata: { id: taskExecutionId },
        }),
        ctx,
      );
      const top = await h.nodeExecutions.listNodeExecutions(list(), ctx);
      expect(top.nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["n0"]);
      const forTask = await h.nodeExecutions.listNodeExecutionsForTask(
        create(NodeExecutionForTaskListRequestSchema, { taskExecutionId, limit: 10 }),
        ctx,
      );
      expect(forTask.nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["sub"]);
      const task = await h.taskExecutions.getTaskExecution(
        create(TaskExecutionGetRequestSchema, { id: taskExecutionId }),
        ctx,
      );
      expect(task.isParent).toBe(true);
    });

    it("filters on node columns and joined executions and checks the request", async () => {
      const h = await launched();
      await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
      await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.QUEUED, { id: nodeKey("n1"), specNodeId: "n1" }), ctx);
      const running = await h.nodeExecutions.listNodeExecutions(
        list({ filters: "eq(phase,RUNNING)+eq(execution.phase,UNDEFINED)" }),
        ctx,
      );
      expect(running.nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["n0"]);
      const noLimit = await failure(() => h.nodeExecutions.listNodeExecutions(list({ limit: 0 }), ctx));
      expect([noLimit.code, noLimit.rawMessage]).toEqual([Code.InvalidArgument, "invalid value for limit"]);
      const noExecution = await failure(() =>
        h.nodeExecutions.listNodeExecutions(create(NodeExecutionListRequestSchema, { limit: 1 }), ctx),
      );
      expect(noExecution.rawMessage).toBe("missing execution_id");
      const badToken = await failure(() => h.nodeExecutions.listNodeExecutions(list({ token: "-1" }), ctx));
      expect(badToken.rawMessage).toBe("invalid pagination token -1 for ListNodeExecutions");
    });
  });

  describe("data and dynamic workflows", () => {
    it("returns inputs, offloaded outputs and flyte:// URLs, with the deck only when the node has one", async () => {
      const h = await launched();
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, { inputValue: { case: "inputData", value: literalMap({ a: stringLiteral("in") }) } }),
        ctx,
      );
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.SUCCEEDED, {
          outputResult: { case: "outputData", value: literalMap({ b: stringLiteral("out") }) },
          deckUri: "s3://d/deck.html",
        }),
        ctx,
      );
      const data = await h.nodeExecutions.getNodeExecutionData(
        create(NodeExecutionGetDataRequestSchema, { id: nodeKey() }),
        ctx,
      );
      expect(data.fullInputs?.literals.a).toEqual(stringLiteral("in"));
      expect(data.fullOutputs?.literals.b).toEqual(stringLiteral("out"));
      expect(data.flyteUrls).toMatchObject({
        inputs: "flyte://v1/admintests/development/exec1/n0/i",
        outputs: "flyte://v1/admintests/development/exec1/n0/o",
        deck: "flyte://v1/admintests/development/exec1/n0/d",
      });
      expect(data.dynamicWorkflow).toBeUndefined();
    });

    it("serves a stored dynamic workflow and NOT_FOUND for nodes without one (TestGetDynamicNodeWorkflow)", async () => {
      const h = await launched();
      const id = {
        resourceType: ResourceType.WORKFLOW,
        project: "admintests",
        domain: "development",
        name: "dyn",
        version: "v1",
      };
      const compiledWorkflow = create(CompiledWorkflowClosureSchema, { primary: { template: { id } } });
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, {
          targetMetadata: { case: "taskNodeMetadata", value: { dynamicWorkflow: { id, compiledWorkflow } } },
        }),
        ctx,
      );
      const response = await h.nodeExecutions.getDynamicNodeWorkflow(
        create(GetDynamicNodeWorkflowRequestSchema, { id: nodeKey() }),
        ctx,
      );
      expect(response.compiledWorkflow).toEqual(compiledWorkflow);
      const data = await h.nodeExecutions.getNodeExecutionData(
        create(NodeExecutionGetDataRequestSchema, { id: nodeKey() }),
        ctx,
      );
      expect(data.dynamicWorkflow?.id).toMatchObject({ name: "dyn" });
      await h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, { id: nodeKey("plain"), specNodeId: "plain" }),
        ctx,
      );
      const error = await failure(() =>
        h.nodeExecutions.getDynamicNodeWorkflow(
          create(GetDynamicNodeWorkflowRequestSchema, { id: nodeKey("plain") }),
          ctx,
        ),
      );
      expect([error.code, error.rawMessage]).toEqual([Code.NotFound, "node does not contain dynamic workflow"]);
    });
  });
});
