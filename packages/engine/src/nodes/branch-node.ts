/**
 * Branch nodes (nodes/branch/handler.go): decide the case once, mark the cases not taken Skipped (without
 * events), then run the taken case as a leaf DAG below the branch node — upstream of it its own upstream
 * plus the branch node — and copy its outputs to the branch's output dir when it completes.
 */
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { nestedNodeDataDir, nodeOutputDir, outputsPath } from "@aloft/storage";
import { leafNodeGraph } from "../executor/dag-graph.js";
import { CodedError, executionError, messageOf, systemError } from "../semantics/execution-errors.js";
import { decideBranch, MALFORMED_BRANCH, USER_PROVIDED_ERROR } from "../semantics/branch-condition.js";
import { BranchPhase, NodePhase } from "../state/phases.js";
import { nodeStatusIn, updateNodePhase } from "../state/workflow-status.js";
import type { DagScope, NodeContext, NodeHandler, SubDag, Transition } from "./node-handler.js";

/** The branch node handler. */
export function createBranchNodeHandler(): NodeHandler {
  return {
    kind: "branch",
    finalizeRequired: false,
    async handle(ctx) {
      const target = ctx.node.target;
      if (target.case !== "branchNode") {
        return {
          phase: "failed",
          error: systemError("IllegalStateError", "Invoked branch handler, for a non branch node."),
        };
      }
      const state = ctx.state.branch();
      if (state?.finalNodeId === undefined) {
        let chosen: Node;
        let skipped: Node[];
        try {
          ({ chosen, skipped } = decideBranch(target.value, await ctx.inputs()));
        } catch (error) {
          if (error instanceof CodedError && (error.code === MALFORMED_BRANCH || error.code === USER_PROVIDED_ERROR)) {
            return { phase: "failed", error: executionError(ExecutionError_ErrorKind.USER, error.code, error.message) };
          }
          return {
            phase: "failed",
            error: systemError("IllegalStateError", `Branch evaluation failed. Error [${messageOf(error)}]`),
          };
        }
        const now = ctx.execution.now();
        for (const node of skipped) {
          const status = nodeStatusIn(ctx.scope.statuses, node.id);
          if (updateNodePhase(status, NodePhase.Skipped, now, "Branch evaluated to false")) ctx.markDirty(status);
        }
        ctx.state.putBranch({ phase: BranchPhase.Success, finalNodeId: chosen.id });
        const childStatus = nodeStatusIn(ctx.scope.statuses, chosen.id);
        if (childStatus.parentNode !== ctx.nodeId) {
          childStatus.parentNode = ctx.nodeId;
          ctx.markDirty(childStatus);
        }
        return recurseDownstream(ctx, chosen.id);
      }
      return recurseDownstream(ctx, state.finalNodeId);
    },
    async abort(ctx, reason) {
      const finalNodeId = ctx.state.branch()?.finalNodeId;
      if (finalNodeId === undefined) return;
      await ctx.abortDag(takenCaseDag(ctx, finalNodeId), reason);
    },
    finalize: async (ctx) => {
      const finalNodeId = ctx.state.branch()?.finalNodeId;
      if (finalNodeId === undefined) return;
      await ctx.finalizeDag(takenCaseDag(ctx, finalNodeId));
    },
  };
}

/** The taken case as a leaf DAG of the branch node's DAG; its data dir is below the branch's output dir. */
function takenCaseDag(ctx: NodeContext, caseId: string): SubDag {
  const base = ctx.scope;
  const caseDataDir = nestedNodeDataDir({ parentOutputDir: ctx.outputDir, nodeId: caseId });
  const scope: DagScope = {
    graph: leafNodeGraph(base.graph, caseId, ctx.nodeId),
    statuses: base.statuses,
    dataDirOf: (id) => (id === caseId ? caseDataDir : base.dataDirOf(id)),
    parent: { uniqueId: ctx.uniqueId, attempt: ctx.attempt, inDynamicChain: base.parent?.inDynamicChain ?? false },
    failFast: base.failFast,
    ...(base.parentTaskExecutionId === undefined ? {} : { parentTaskExecutionId: base.parentTaskExecutionId }),
  };
  return { scope, startNodeId: caseId };
}

async function recurseDownstream(ctx: NodeContext, caseId: string): Promise<Transition> {
  if (ctx.scope.graph.node(caseId) === undefined) {
    return {
      phase: "failed",
      error: systemError(
        "DownstreamNodeNotFound",
        `Branch downstream finalized node not found. FinalizedNode [${caseId}]`,
      ),
    };
  }
  const dag = takenCaseDag(ctx, caseId);
  const status = await ctx.executeDag(dag);
  if (status.kind === "complete") {
    const caseStatus = ctx.scope.statuses[caseId];
    const caseOutputs = outputsPath(
      nodeOutputDir({ nodeDataDir: dag.scope.dataDirOf(caseId), attempt: caseStatus?.attempts ?? 0 }),
    );
    const blobs = ctx.execution.services.blobs;
    if (await blobs.exists(caseOutputs)) await blobs.copy(caseOutputs, ctx.outputsPath);
    return { phase: "success", info: { outputUri: ctx.outputsPath } };
  }
  if (status.kind === "failed") return { phase: "failed", error: status.error };
  if (status.kind === "timedOut") {
    return { phase: "failed", error: executionError(ExecutionError_ErrorKind.USER, "Timeout", "Timeout in node") };
  }
  return { phase: "running" };
}
