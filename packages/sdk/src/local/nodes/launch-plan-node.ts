/*
 * Launch-plan nodes (propeller's nodes/subworkflow/launchplan.go, with flyteadmin's part done here):
 * the launch plan runs as a child execution named `fixedLen20(<parent>-<node>-<attempt>)` with its
 * defaults and fixed inputs merged in; its nodes are recorded below this node's path.
 */
import { userError } from "@aloft/engine";
import { fixedLengthUniqueIdForParts } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { RunContext, type AttemptContext, type AttemptResult } from "../execution-context.js";
import { mergeLaunchInputs, resolveLaunchPlan } from "../launch-plan-support.js";
import { Semaphore } from "../semaphore.js";

/** One attempt of a launch-plan node. */
export async function runLaunchPlanAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation } = ctx;
  const { scope, node } = invocation;
  const run = scope.run;
  const ref =
    node.target.case === "workflowNode" && node.target.value.reference.case === "launchplanRef"
      ? node.target.value.reference.value
      : undefined;
  if (ref === undefined) {
    return {
      kind: "failure",
      error: userError("RuntimeExecutionError", "launch plan reference missing"),
      retryable: false,
    };
  }
  const resolved = await resolveLaunchPlan(run.options.launchPlans, ref);
  if (!resolved.ok)
    return { kind: "failure", error: userError("RuntimeExecutionError", resolved.message), retryable: false };
  const merged = mergeLaunchInputs(ctx.inputs, resolved.launchPlan.fixedInputs, resolved.expectedInputs);
  if (!merged.ok)
    return { kind: "failure", error: userError("RuntimeExecutionError", merged.message), retryable: false };

  const childName = fixedLengthUniqueIdForParts(
    20,
    [run.executionId.name, invocation.uniqueNodeId, String(ctx.attempt)],
    { algorithm: "fnv64a" },
  );
  const childId = create(WorkflowExecutionIdentifierSchema, {
    project: run.executionId.project,
    domain: run.executionId.domain,
    name: childName,
  });
  const child = new RunContext(
    run.options,
    childId,
    new Semaphore(run.options.maxParallelism),
    run.engine,
    run.records,
  );
  const outcome = await run.engine.runWorkflow({
    run: child,
    closure: resolved.launchPlan.closure,
    inputs: merged.inputs,
    pathPrefix: `${invocation.path}/`,
    signal: ctx.signal,
  });
  switch (outcome.phase) {
    case "succeeded":
      return { kind: "success", outputs: outcome.outputs };
    case "failed":
      return { kind: "failure", error: outcome.error, retryable: false };
    default:
      return {
        kind: "failure",
        error: userError(
          "RemoteChildWorkflowExecutionFailed",
          `failed at Node[${invocation.nodeId}]. RemoteChildWorkflowExecutionFailed: launchplan [${childName}] aborted, caused by: launchplan execution aborted`,
        ),
        retryable: false,
      };
  }
}
