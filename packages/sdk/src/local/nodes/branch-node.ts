/*
 * Branch nodes (propeller's nodes/branch): decide the case from the node's inputs, mark the other
 * cases skipped (without events, as propeller), then run the taken case as a leaf of the same graph
 * once its own upstream nodes are done; its outputs become the branch node's outputs.
 */
import {
  decideBranch,
  MALFORMED_BRANCH,
  USER_PROVIDED_ERROR,
  type BranchDecision,
  CodedError,
  messageOf,
  systemError,
  userError,
} from "@aloft/engine";
import { create } from "@bufbuild/protobuf";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { uniqueNodeId } from "@aloft/storage";
import { nodeKindOf, type AttemptContext, type AttemptResult } from "../execution-context.js";

/** One attempt of a branch node. */
export async function runBranchAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation } = ctx;
  const { scope, node } = invocation;
  if (node.target.case !== "branchNode") throw new Error("not a branch node");

  let decision: BranchDecision;
  try {
    decision = decideBranch(node.target.value, ctx.inputs);
  } catch (e) {
    if (e instanceof CodedError && (e.code === MALFORMED_BRANCH || e.code === USER_PROVIDED_ERROR)) {
      return { kind: "failure", error: userError(e.code, e.message), retryable: false };
    }
    return {
      kind: "failure",
      error: systemError("IllegalStateError", `Branch evaluation failed. Error [${messageOf(e)}]`),
      retryable: false,
    };
  }

  const parent = { uniqueId: invocation.uniqueNodeId, attempt: ctx.attempt };
  const childOf = (child: Node): { path: string; uniqueNodeId: string } => ({
    path: `${invocation.path}/${child.id}`,
    uniqueNodeId: uniqueNodeId({ nodeId: child.id, parent }),
  });
  for (const skipped of decision.skipped) {
    const record = scope.run.newRecord({ ...childOf(skipped), nodeId: skipped.id, kind: nodeKindOf(skipped) });
    record.phase = NodeExecution_Phase.SKIPPED;
    scope.settle(skipped.id, { phase: "skipped" });
  }

  const chosen = decision.chosen;
  let blocked = false;
  for (const upstream of scope.upstreamOf(chosen.id)) {
    if (upstream === invocation.nodeId) continue;
    const done = await scope.whenDone(upstream);
    if (done.phase !== "succeeded") blocked = true;
  }
  if (blocked) {
    const target = childOf(chosen);
    const record = scope.run.newRecord({ ...target, nodeId: chosen.id, kind: nodeKindOf(chosen) });
    record.phase = NodeExecution_Phase.SKIPPED;
    scope.run.emit({ kind: "skipped", path: target.path, nodeId: chosen.id, nodeKind: record.kind, attempt: 0 });
    scope.settle(chosen.id, { phase: "skipped" });
    return { kind: "success", outputs: create(LiteralMapSchema) };
  }

  const outcome = await scope.run.engine.executeNode({
    scope,
    node: chosen,
    nodeId: chosen.id,
    ...childOf(chosen),
    signal: ctx.signal,
  });
  scope.settle(chosen.id, outcome);
  switch (outcome.phase) {
    case "succeeded":
      return { kind: "success", outputs: outcome.outputs };
    case "skipped":
      return { kind: "success", outputs: create(LiteralMapSchema) };
    case "failed":
    case "timed-out":
      return { kind: "failure", error: outcome.error, retryable: false };
    case "aborted":
      return { kind: "failure", error: systemError("NodeAborted", "branch case aborted"), retryable: false };
  }
}
