/**
 * Sub-workflow nodes (nodes/subworkflow/subworkflow.go): the node's inputs become the sub-workflow's
 * start-node outputs, the sub-DAG runs inside the node (statuses under the node's `nodes`, data dirs
 * below its output dir), its end-node outputs are copied to the node's outputs. A failed sub-DAG is
 * aborted and its failure node, if any, runs before the node fails with the original error.
 */
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { END_NODE_ID, nestedNodeDataDir, nodeOutputDir, outputsPath, START_NODE_ID, writeProto } from "@aloft/storage";
import { failureNodeGraph, type WorkflowGraph } from "../executor/dag-graph.js";
import { executionError, systemError } from "../semantics/execution-errors.js";
import { WorkflowNodePhase } from "../state/phases.js";
import { loadError, storeError } from "../state/workflow-status.js";
import type { DagScope, NodeContext, NodeHandler, SubDag, Transition } from "./node-handler.js";

const SUB_WORKFLOW_EXECUTION_FAILED = "SubWorkflowExecutionFailed";

/** The sub-workflow node handler. */
export function createSubWorkflowNodeHandler(): NodeHandler {
  return {
    kind: "subworkflow",
    finalizeRequired: false,
    async handle(ctx) {
      const graph = subWorkflowOf(ctx);
      if (graph === undefined) {
        return {
          phase: "failed",
          error: systemError(SUB_WORKFLOW_EXECUTION_FAILED, `failed to find sub workflow of node [${ctx.nodeId}]`),
        };
      }
      const state = ctx.state.workflow() ?? { phase: WorkflowNodePhase.Undefined };
      if (state.phase === WorkflowNodePhase.Undefined) {
        ctx.state.putWorkflow({ phase: WorkflowNodePhase.Executing });
        const dag = subDag(ctx, graph);
        const startOutputs = outputsPath(
          nodeOutputDir({ nodeDataDir: dag.scope.dataDirOf(START_NODE_ID), attempt: 0 }),
        );
        await writeProto(ctx.execution.services.blobs, startOutputs, LiteralMapSchema, await ctx.inputs());
        return runSubWorkflow(ctx, graph);
      }
      if (state.phase === WorkflowNodePhase.Executing) return runSubWorkflow(ctx, graph);
      return handleFailing(ctx, graph);
    },
    async abort(ctx, reason) {
      const graph = subWorkflowOf(ctx);
      if (graph === undefined) return;
      await ctx.abortDag(subDag(ctx, graph), reason);
    },
    finalize: async (ctx) => {
      const graph = subWorkflowOf(ctx);
      if (graph === undefined) return;
      await ctx.finalizeDag(subDag(ctx, graph));
    },
  };
}

function subWorkflowOf(ctx: NodeContext): WorkflowGraph | undefined {
  const target = ctx.node.target;
  if (target.case !== "workflowNode" || target.value.reference.case !== "subWorkflowRef") return undefined;
  return ctx.execution.closure.subWorkflow(target.value.reference.value);
}

function subScope(ctx: NodeContext, graph: WorkflowGraph): DagScope {
  const outputDir = ctx.outputDir;
  return {
    graph,
    statuses: ctx.subNodeStatuses(),
    dataDirOf: (id) => nestedNodeDataDir({ parentOutputDir: outputDir, nodeId: id }),
    parent: { uniqueId: ctx.uniqueId, attempt: ctx.attempt, inDynamicChain: ctx.scope.parent?.inDynamicChain ?? false },
    failFast: graph.failFast,
  };
}

function subDag(ctx: NodeContext, graph: WorkflowGraph): SubDag {
  return { scope: subScope(ctx, graph), startNodeId: START_NODE_ID };
}

async function runSubWorkflow(ctx: NodeContext, graph: WorkflowGraph): Promise<Transition> {
  const dag = subDag(ctx, graph);
  const status = await ctx.executeDag(dag);
  if (status.kind === "failed" || status.kind === "timedOut") {
    const error =
      status.kind === "failed"
        ? status.error
        : executionError(ExecutionError_ErrorKind.USER, "Timeout", "Timeout in node");
    ctx.state.putWorkflow({ phase: WorkflowNodePhase.Failing, error: storeError(error) });
    return { phase: "running" };
  }
  if (status.kind !== "complete") return { phase: "running" };
  if ((graph.compiled.template?.outputs.length ?? 0) === 0) return { phase: "success" };
  const endStatus = dag.scope.statuses[END_NODE_ID];
  const source = outputsPath(
    nodeOutputDir({ nodeDataDir: dag.scope.dataDirOf(END_NODE_ID), attempt: endStatus?.attempts ?? 0 }),
  );
  const blobs = ctx.execution.services.blobs;
  if (!(await blobs.exists(source))) {
    return {
      phase: "failed",
      error: systemError(
        SUB_WORKFLOW_EXECUTION_FAILED,
        `Subworkflow is expected to produce outputs but no outputs file was written to ${source}.`,
      ),
    };
  }
  await blobs.copy(source, ctx.outputsPath);
  return { phase: "success", info: { outputUri: ctx.outputsPath } };
}

async function handleFailing(ctx: NodeContext, graph: WorkflowGraph): Promise<Transition> {
  await ctx.abortDag(subDag(ctx, graph), "subworkflow failed");
  const stored = ctx.state.workflow()?.error;
  const originalError = stored === undefined ? undefined : loadError(stored);
  const failureNode = graph.failureNode;
  if (failureNode === undefined || originalError === undefined) {
    return originalError === undefined
      ? { phase: "failed", error: executionError(ExecutionError_ErrorKind.UNKNOWN, "SubworkflowNodeFailing", "") }
      : { phase: "failed", error: originalError };
  }
  const base = subScope(ctx, graph);
  const scope: DagScope = { ...base, graph: failureNodeGraph(graph, failureNode), originalError };
  const status = await ctx.executeDag({ scope, startNodeId: failureNode.id });
  if (status.kind === "failed") return { phase: "failed", error: status.error };
  if (status.kind === "complete") return { phase: "failed", error: originalError };
  if (status.kind === "timedOut") return { phase: "failed", error: originalError };
  return { phase: "running" };
}
