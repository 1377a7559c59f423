/*
 * Sub-workflow nodes (propeller's nodes/subworkflow/subworkflow.go): run the sub-workflow's graph
 * with the node's inputs; on failure run its failure node (the node still fails, with the failure
 * node's error if that failed too); on success its end-node outputs are the node's outputs.
 */
import { systemError, userError } from "@aloft/engine";
import { create } from "@bufbuild/protobuf";
import { formatIdentifier } from "@aloft/idl";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { AttemptContext, AttemptResult } from "../execution-context.js";

/** One attempt of a sub-workflow node. */
export async function runSubWorkflowAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation } = ctx;
  const { scope, node } = invocation;
  const ref =
    node.target.case === "workflowNode" && node.target.value.reference.case === "subWorkflowRef"
      ? node.target.value.reference.value
      : undefined;
  const sub = scope.lookup.subWorkflow(ref);
  if (sub === undefined) {
    const name = ref === undefined ? "<none>" : formatIdentifier(ref);
    return {
      kind: "failure",
      error: systemError("SubWorkflowExecutionFailed", `failed to find sub workflow with ID [${name}]`),
      retryable: false,
    };
  }

  const run = scope.run;
  const graph = {
    run,
    lookup: scope.lookup,
    workflow: sub,
    inputs: ctx.inputs,
    pathPrefix: `${invocation.path}/`,
    parent: { uniqueId: invocation.uniqueNodeId, attempt: ctx.attempt },
    signal: ctx.signal,
  };
  const outcome = await run.engine.runGraph(graph);
  if (outcome.phase === "succeeded") {
    const hasOutputs = (sub.template?.outputs.length ?? 0) > 0;
    return { kind: "success", outputs: hasOutputs ? outcome.outputs : create(LiteralMapSchema) };
  }
  if (outcome.phase === "aborted") {
    return { kind: "failure", error: systemError("NodeAborted", "sub-workflow aborted"), retryable: false };
  }

  const original = outcome.phase === "failed" ? outcome.error : userError("Timeout", "Timeout in node");
  if (sub.template?.failureNode !== undefined) {
    const handled = await run.engine.runFailureNode({ ...graph, error: original });
    if (handled.phase === "failed") return { kind: "failure", error: handled.error, retryable: false };
  }
  return { kind: "failure", error: original, retryable: false };
}
