import { create } from "@bufbuild/protobuf";
import { WorkflowExecutionGetMetricsRequestSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { Span } from "@aloft/idl/gen/flyteidl/core/metrics_pb";
import { expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  at,
  createExecutionHarness,
  executionRequest,
  nodeEvent,
  NodeExecution_Phase,
  seedLaunchPlan,
  taskEvent,
  TaskExecution_Phase,
  testContext as ctx,
  useSigningBlobStore,
  workflowEvent,
  WorkflowExecution_Phase,
} from "./execution/execution-harness.test-helper.js";

const blobStore = useSigningBlobStore();
const execKey = { project: "admintests", domain: "development", name: "exec1" };

/** A span as `label start→end [children]`, seconds only, for readable expectations. */
function outline(span: Span): unknown {
  const label = span.id.case === "operationId" ? span.id.value : span.id.case;
  const range = `${span.startTime?.seconds ?? "-"}→${span.endTime?.seconds ?? "-"}`;
  return span.spans.length === 0 ? `${label} ${range}` : { [`${label} ${range}`]: span.spans.map(outline) };
}

describeEachDialect("MetricsManager", (db) => {
  async function finishedExecution() {
    const h = createExecutionHarness(db(), blobStore(), { now: () => new Date(1_000_000) });
    await seedLaunchPlan(h);
    await h.executions.createExecution(executionRequest(), ctx);
    const node = (nodeId: string) => ({ id: { executionId: execKey, nodeId }, specNodeId: nodeId });
    await h.executions.createWorkflowEvent(
      workflowEvent(WorkflowExecution_Phase.RUNNING, { occurredAt: at(1005) }),
      ctx,
    );
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(NodeExecution_Phase.SUCCEEDED, { ...node("start-node"), occurredAt: at(1010) }),
      ctx,
    );
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(NodeExecution_Phase.RUNNING, { ...node("n0"), occurredAt: at(1020) }),
      ctx,
    );
    await h.taskExecutions.createTaskEvent(taskEvent(TaskExecution_Phase.RUNNING, { occurredAt: at(1025) }), ctx);
    await h.taskExecutions.createTaskEvent(taskEvent(TaskExecution_Phase.SUCCEEDED, { occurredAt: at(1055) }), ctx);
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(NodeExecution_Phase.SUCCEEDED, { ...node("n0"), occurredAt: at(1060) }),
      ctx,
    );
    await h.nodeExecutions.createNodeEvent(
      nodeEvent(NodeExecution_Phase.SUCCEEDED, { ...node("end-node"), occurredAt: at(1062) }),
      ctx,
    );
    await h.executions.createWorkflowEvent(
      workflowEvent(WorkflowExecution_Phase.SUCCEEDED, { occurredAt: at(1070) }),
      ctx,
    );
    return h;
  }

  it("breaks a finished execution into workflow, node, task and overhead spans", async () => {
    const h = await finishedExecution();
    const { span } = await h.metrics.getExecutionMetrics(
      create(WorkflowExecutionGetMetricsRequestSchema, { id: execKey, depth: 3 }),
      ctx,
    );
    expect(outline(span!)).toEqual({
      "workflowId 1000→1070": [
        "WORKFLOW_SETUP 1000→1010",
        {
          "nodeId 1020→1060": [
            "NODE_TRANSITION 1010→1020",
            "NODE_SETUP 1020→1025",
            { "taskId 1025→1055": ["TASK_SETUP 1025→1025", "TASK_RUNTIME 1025→1055", "TASK_TEARDOWN 1055→1055"] },
            "NODE_TEARDOWN 1055→1060",
          ],
        },
        "WORKFLOW_TEARDOWN 1060→1070",
      ],
    });
  });

  it("stops descending at the requested depth", async () => {
    const h = await finishedExecution();
    const shallow = await h.metrics.getExecutionMetrics(
      create(WorkflowExecutionGetMetricsRequestSchema, { id: execKey, depth: 0 }),
      ctx,
    );
    expect(outline(shallow.span!)).toBe("workflowId 1000→1070");
  });
});
