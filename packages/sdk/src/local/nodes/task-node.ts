/*
 * Task nodes (propeller's task handler wrapped by the dynamic handler): run the task through the
 * runner; a thrown failure is classified as `error.pb` would be; a dynamic result is compiled and
 * run as a child graph whose end-node outputs become the node's outputs.
 */
import {
  buildDynamicWorkflow,
  dynamicUserError,
  executionError,
  systemError,
  userError,
  containerErrorFromThrown,
  taskFailureFromContainerError,
} from "@aloft/engine";
import { formatIdentifier } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { generatedName } from "@aloft/storage";
import type { TaskResult } from "../../entities/task-result.js";
import { closureLookup, type AttemptContext, type AttemptResult } from "../execution-context.js";
import { resolveLaunchPlan } from "../launch-plan-support.js";

/** One attempt of a task node. */
export async function runTaskAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation, template } = ctx;
  if (template?.id === undefined) {
    return {
      kind: "failure",
      error: systemError("BadSpecificationError", "task template has no id"),
      retryable: false,
    };
  }
  const run = invocation.scope.run;
  const node = invocation.node;
  let result: TaskResult;
  try {
    result = await run.options.runner.runTask({
      taskId: template.id,
      template,
      inputs: ctx.inputs,
      nodeId: invocation.nodeId,
      uniqueNodeId: invocation.uniqueNodeId,
      attempt: ctx.attempt,
      executionId: run.executionId,
      generatedName: generatedName({
        executionName: run.executionId.name,
        uniqueNodeId: invocation.uniqueNodeId,
        attempt: ctx.attempt,
      }),
      arrayIndex: invocation.arrayIndex,
      overrides: node.target.case === "taskNode" ? node.target.value.overrides : undefined,
      signal: ctx.signal,
    });
  } catch (thrown) {
    const failure = taskFailureFromContainerError(containerErrorFromThrown(thrown));
    return { kind: "failure", error: failure.error, retryable: failure.recoverable };
  }
  if (result.kind === "outputs") return { kind: "success", outputs: result.outputs };

  // The parent task is done: its slot goes to the children, which take their own.
  ctx.slot.release();
  return runDynamicChildren(ctx, template, result);
}

async function runDynamicChildren(
  ctx: AttemptContext,
  template: TaskTemplate,
  result: Extract<TaskResult, { kind: "dynamic" }>,
): Promise<AttemptResult> {
  const { invocation } = ctx;
  const run = invocation.scope.run;
  const built = await buildDynamicWorkflow({
    spec: result.spec,
    parentTask: template,
    nodeId: invocation.uniqueNodeId,
    executionId: run.executionId,
    launchPlan: async (id) => {
      const resolved = await resolveLaunchPlan(run.options.launchPlans, id);
      if (resolved.ok) return resolved.interface;
      return { userError: dynamicUserError(`failed to get launch plan ${formatIdentifier(id)}`, [resolved.message]) };
    },
  });
  if (!built.ok)
    return { kind: "failure", error: userError("DynamicWorkflowBuildFailed", built.message), retryable: false };
  ctx.record.dynamicWorkflow = built.closure;
  const primary = built.closure.primary;
  if (primary === undefined) {
    return { kind: "failure", error: systemError("MalformedDynamicWorkflow", "no primary workflow"), retryable: false };
  }

  const outcome = await run.engine.runGraph({
    run,
    lookup: closureLookup(built.closure),
    workflow: primary,
    inputs: create(LiteralMapSchema),
    pathPrefix: `${invocation.path}/`,
    parent: { uniqueId: invocation.uniqueNodeId, attempt: ctx.attempt },
    signal: ctx.signal,
  });
  switch (outcome.phase) {
    case "succeeded":
      return {
        kind: "success",
        outputs: (primary.template?.outputs.length ?? 0) > 0 ? outcome.outputs : create(LiteralMapSchema),
      };
    case "failed":
      return { kind: "failure", error: outcome.error, retryable: false };
    case "timed-out":
      // A timed-out child graph fails the dynamic node with a retryable error (IsFailurePermanent = false).
      return {
        kind: "failure",
        error: executionError(ExecutionError_ErrorKind.UNKNOWN, "DynamicNodeFailing", "Dynamic workflow failed"),
        retryable: true,
      };
    case "aborted":
      return { kind: "failure", error: systemError("NodeAborted", "dynamic workflow aborted"), retryable: false };
  }
}
