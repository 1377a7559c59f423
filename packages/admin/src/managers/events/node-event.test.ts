import { Code, literalMap, stringLiteral } from "@aloft/idl";
import { readProto } from "@aloft/storage";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventFailureReasonSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import {
  NodeExecutionClosureSchema,
  NodeExecutionGetRequestSchema,
  NodeExecutionMetaDataSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../../repositories/test-databases.test-helper.js";
import {
  at,
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
} from "../execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };
const nodeKey = (nodeId = "n0") => ({ executionId: execKey, nodeId });
const nodeIdText = 'node_id:"n0" execution_id:{project:"admintests" domain:"development" name:"exec1"}';

describeEachDialect("CreateNodeEvent", (db) => {
  async function launched() {
    const h = createExecutionHarness(db(), blobStore());
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    return h;
  }
  const getNode = async (nodeId = "n0") => {
    const record = await db().repos.nodeExecutions.get(nodeKey(nodeId));
    return { record, closure: fromBinary(NodeExecutionClosureSchema, record.closure) };
  };

  it("creates the node from its first event with input URI and start time (TestCreateNodeExecution)", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, { occurredAt: at(1000), inputValue: { case: "inputUri", value: "s3://in/inputs.pb" } }),
      ctx,
    );
    const node = await h.nodeExecutions.getNodeExecution(create(NodeExecutionGetRequestSchema, { id: nodeKey() }), ctx);
    expect(node.inputUri).toBe("s3://in/inputs.pb");
    expect(node.closure?.phase).toBe(Phase.RUNNING);
    expect(node.closure?.startedAt?.seconds).toBe(1000n);
    expect(node.closure?.createdAt?.seconds).toBe(1000n);
    expect(node.metadata?.specNodeId).toBe("n0");
  });

  it("moves a node through RUNNING to SUCCEEDED with outputs and duration (TestCreateAndUpdateNodeExecution)", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING, { occurredAt: at(1000) }), ctx);
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.QUEUED, { id: nodeKey("n1"), specNodeId: "n1" }), ctx);
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.SUCCEEDED, {
        occurredAt: at(1030),
        reportedAt: at(1031),
        outputResult: { case: "outputUri", value: "s3://out/outputs.pb" },
        deckUri: "s3://out/deck.html",
      }),
      ctx,
    );
    const { record, closure } = await getNode();
    expect(record).toMatchObject({ phase: "SUCCEEDED", duration: 30_000_000_000 });
    expect(record.node_execution_updated_at).toBe("1970-01-01T00:17:11.000000Z");
    expect(closure.outputResult).toEqual({ case: "outputUri", value: "s3://out/outputs.pb" });
    expect(closure.startedAt?.seconds).toBe(1000n);
    expect(closure.duration?.seconds).toBe(30n);
    expect(closure.deckUri).toBe("s3://out/deck.html");
    expect((await getNode("n1")).record.phase).toBe("QUEUED");
  });

  it("accepts phases out of order but not the same phase twice", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.QUEUED), ctx);
    expect((await getNode()).record.phase).toBe("QUEUED");
    const error = await failure(() => h.nodeExecutions.createNodeEvent(nodeEvent(Phase.QUEUED), ctx));
    expect([error.code, error.rawMessage]).toEqual([
      Code.AlreadyExists,
      `This phase was already recorded QUEUED for ${nodeIdText}`,
    ]);
  });

  it.each([Phase.SUCCEEDED, Phase.FAILED, Phase.TIMED_OUT, Phase.ABORTED, Phase.SKIPPED, Phase.RECOVERED])(
    "refuses events after the terminal phase %s, naming the incoming phase in the detail",
    async (terminal) => {
      const h = await launched();
      await h.nodeExecutions.createNodeEvent(nodeEvent(terminal), ctx);
      const { record } = await getNode();
      const error = await failure(() => h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx));
      expect([error.code, error.rawMessage]).toEqual([
        Code.FailedPrecondition,
        `Invalid phase change from ${Phase[terminal]} to RUNNING for node execution ${record.id}`,
      ]);
      expect(error.details).toEqual([
        create(EventFailureReasonSchema, {
          reason: {
            case: "alreadyInTerminalState",
            value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase: "RUNNING" }),
          },
        }),
      ]);
    },
  );

  it("passes on NOT_FOUND for an unknown execution and checks the cluster", async () => {
    const h = await launched();
    const missing = await failure(() =>
      h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, { id: { nodeId: "n0", executionId: { ...execKey, name: "nope" } } }),
        ctx,
      ),
    );
    expect([missing.code, missing.rawMessage]).toEqual([
      Code.NotFound,
      'Failed to get existing execution id: [project:"admintests" domain:"development" name:"nope"] with err: missing entity of type execution with identifier project:"admintests" domain:"development" name:"nope"',
    ]);
    const foreign = await failure(() =>
      h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING, { producerId: "other" }), ctx),
    );
    expect(foreign.code).toBe(Code.FailedPrecondition);
  });

  it("links a child node to its parent node (TestCreateNodeExecutionWithParent)", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, { id: nodeKey("child"), parentNodeMetadata: { nodeId: "n0" } }),
      ctx,
    );
    const parent = await getNode();
    const child = await getNode("child");
    expect(child.record.parent_id).toBe(parent.record.id);
    const get = (nodeId: string) =>
      h.nodeExecutions.getNodeExecution(create(NodeExecutionGetRequestSchema, { id: nodeKey(nodeId) }), ctx);
    expect((await get("n0")).metadata?.isParentNode).toBe(true);
    expect((await get("child")).metadata?.isParentNode).toBe(false);
    const orphan = await failure(() =>
      h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, { id: nodeKey("x"), parentNodeMetadata: { nodeId: "ghost" } }),
        ctx,
      ),
    );
    expect(orphan.code).toBe(Code.NotFound);
  });

  it("links a node launched by a task execution to that attempt", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.RUNNING), ctx);
    await h.taskExecutions.createTaskEvent(taskEvent(TaskExecution_Phase.RUNNING), ctx);
    const task = await db().repos.taskExecutions.get({
      taskId: { project: "admintests", domain: "development", name: "task", version: "123" },
      nodeExecutionId: nodeKey(),
      retryAttempt: 0,
    });
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, {
        id: nodeKey("n0-0-sub"),
        parentTaskMetadata: {
          id: {
            taskId: {
              resourceType: ResourceType.TASK,
              project: "admintests",
              domain: "development",
              name: "task",
              version: "123",
            },
            nodeExecutionId: nodeKey(),
            retryAttempt: 0,
          },
        },
      }),
      ctx,
    );
    expect((await getNode("n0-0-sub")).record.parent_task_execution_id).toBe(task.id);
  });

  it("stores a dynamic workflow's closure in the blob store and keeps its reference", async () => {
    const h = await launched();
    const compiledWorkflow = create(CompiledWorkflowClosureSchema, {
      primary: {
        template: {
          id: {
            resourceType: ResourceType.WORKFLOW,
            project: "admintests",
            domain: "development",
            name: "dyn",
            version: "v1",
          },
        },
      },
    });
    const dynamicWorkflow = {
      id: {
        resourceType: ResourceType.WORKFLOW,
        project: "admintests",
        domain: "development",
        name: "dyn",
        version: "v1",
      },
      compiledWorkflow,
      dynamicJobSpecUri: "s3://dyn/futures.pb",
    };
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, {
        isDynamic: true,
        targetMetadata: { case: "taskNodeMetadata", value: { dynamicWorkflow } },
      }),
      ctx,
    );
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.SUCCEEDED, { targetMetadata: { case: "taskNodeMetadata", value: { dynamicWorkflow } } }),
      ctx,
    );
    const { record, closure } = await getNode();
    const uri = "s3://bucket/metadata/admin/admintests/development/exec1/n0/admintests_development_dyn_v1";
    expect(record.dynamic_workflow_remote_closure_reference).toBe(uri);
    expect(closure.dynamicJobSpecUri).toBe("s3://dyn/futures.pb");
    expect(await readProto(blobStore(), uri, CompiledWorkflowClosureSchema)).toEqual(compiledWorkflow);
    const metadata = fromBinary(NodeExecutionMetaDataSchema, record.node_execution_metadata!);
    expect(metadata.isDynamic).toBe(true);
  });

  it("offloads inline inputs once and keeps the first input URI", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.QUEUED, { inputValue: { case: "inputData", value: literalMap({ a: stringLiteral("1") }) } }),
      ctx,
    );
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, { inputValue: { case: "inputUri", value: "s3://elsewhere/inputs.pb" } }),
      ctx,
    );
    const uri = "s3://bucket/metadata/admintests/development/exec1/n0/offloaded_inputs";
    expect((await getNode()).record.input_uri).toBe(uri);
    expect((await readProto(blobStore(), uri, LiteralMapSchema)).literals.a).toEqual(stringLiteral("1"));
  });

  it("records cache status and catalog key of task nodes", async () => {
    const h = await launched();
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.SUCCEEDED, {
        targetMetadata: {
          case: "taskNodeMetadata",
          value: {
            cacheStatus: CatalogCacheStatus.CACHE_HIT,
            catalogKey: { datasetId: { name: "ds" } },
            checkpointUri: "s3://cp",
          },
        },
      }),
      ctx,
    );
    const { record, closure } = await getNode();
    expect(record.cache_status).toBe("CACHE_HIT");
    expect(closure.targetMetadata).toMatchObject({
      case: "taskNodeMetadata",
      value: { cacheStatus: CatalogCacheStatus.CACHE_HIT, checkpointUri: "s3://cp" },
    });
  });

  it("requires the child execution a workflow node reports to exist", async () => {
    const h = await launched();
    await h.executions.createExecution(executionRequest({ name: "child" }), ctx);
    await h.nodeExecutions.createNodeEvent(nodeEvent(Phase.QUEUED), ctx);
    const missing = await failure(() =>
      h.nodeExecutions.createNodeEvent(
        nodeEvent(Phase.RUNNING, {
          targetMetadata: { case: "workflowNodeMetadata", value: { executionId: { ...execKey, name: "ghost" } } },
        }),
        ctx,
      ),
    );
    expect(missing.code).toBe(Code.NotFound);
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(Phase.RUNNING, {
        targetMetadata: { case: "workflowNodeMetadata", value: { executionId: { ...execKey, name: "child" } } },
      }),
      ctx,
    );
    expect((await getNode()).closure.targetMetadata).toMatchObject({
      case: "workflowNodeMetadata",
      value: { executionId: { name: "child" } },
    });
  });
});

describe("node event phases", () => {
  it("treats SKIPPED and RECOVERED as terminal besides the workflow's terminal phases", async () => {
    const { TERMINAL_NODE_PHASES } = await import("@aloft/idl");
    expect([...TERMINAL_NODE_PHASES].map((p) => Phase[p]).sort()).toEqual([
      "ABORTED",
      "FAILED",
      "RECOVERED",
      "SKIPPED",
      "SUCCEEDED",
      "TIMED_OUT",
    ]);
  });
});
