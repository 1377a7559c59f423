/*
 * Array nodes, Flyte's map tasks (propeller's nodes/array), with the rules of `@aloft/engine`: element i
 * runs the sub-node as `n<i>` with its own retries, timeout and cache, at most `parallelism` at a time
 * (default: all). The node fails as soon as the minimum number of successes can no longer be reached
 * (aborting the rest); otherwise it waits for every element and gathers their outputs.
 */
import {
  arrayElementInputs,
  arrayElementTask,
  arrayMinSuccesses,
  arrayNodeSize,
  arrayParallelism,
  executionError,
  gatherArrayOutputs,
  MAX_ERROR_MESSAGE_LENGTH,
  summarizeIndexedErrors,
  systemError,
} from "@aloft/engine";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { uniqueNodeId } from "@aloft/storage";
import {
  RunContext,
  type AttemptContext,
  type AttemptResult,
  type GraphScope,
  type NodeOutcome,
} from "../execution-context.js";
import { AbortFanout } from "../abort-fanout.js";
import { Semaphore } from "../semaphore.js";

/** One attempt of an array node. */
export async function runArrayAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { invocation, inputs } = ctx;
  const { scope, node } = invocation;
  if (node.target.case !== "arrayNode") throw new Error("not an array node");
  const arrayNode = node.target.value;
  const sub = arrayNode.node;
  if (sub === undefined) {
    return {
      kind: "failure",
      error: systemError("BadSpecificationError", "array node has no sub-node"),
      retryable: false,
    };
  }

  const bound = new Set(arrayNode.boundInputs);
  const sized = arrayNodeSize(inputs, bound);
  if (!sized.ok) return { kind: "failure", error: sized.error, retryable: false };
  const size = sized.size;
  const minSuccesses = arrayMinSuccesses(arrayNode, size);
  const parallelism = arrayParallelism(arrayNode);

  const task = sub.target.case === "taskNode" ? taskOf(ctx, sub) : undefined;
  const elementTask = task === undefined ? undefined : arrayElementTask(task);

  // Elements, and whatever they run, are bounded by this node's parallelism, not the run's (as propeller
  // runs sub-nodes with max-parallelism 0): they see the run through an unthrottled view.
  const run = scope.run;
  const elementScope: GraphScope = {
    run: new RunContext(run.options, run.executionId, new Semaphore(0), run.engine, run.records),
    lookup: scope.lookup,
    workflow: scope.workflow,
    pathPrefix: scope.pathPrefix,
    parent: scope.parent,
    source: scope.source,
    upstreamOf: (id) => scope.upstreamOf(id),
    whenDone: (id) => scope.whenDone(id),
    settle: (id, outcome) => scope.settle(id, outcome),
  };
  const fanout = new AbortFanout(ctx.signal);
  const limiter = new Semaphore(parallelism);
  const outcomes: (NodeOutcome | undefined)[] = new Array<NodeOutcome | undefined>(size).fill(undefined);
  const parent = { uniqueId: invocation.uniqueNodeId, attempt: ctx.attempt };

  return new Promise<AttemptResult>((resolve) => {
    let failed = 0;
    let settled = 0;
    let inFlight = 0;
    let failing: AttemptResult | undefined;
    const errors: { index: number; message: string }[] = [];

    const check = (): void => {
      if (failing !== undefined) {
        if (inFlight === 0) resolve(failing);
        return;
      }
      if (size - failed < minSuccesses) {
        const summary = summarizeIndexedErrors(errors, MAX_ERROR_MESSAGE_LENGTH);
        failing = {
          kind: "failure",
          error: executionError(ExecutionError_ErrorKind.UNKNOWN, "", summary),
          retryable: false,
        };
        fanout.abort("ArrayNodeFailing");
        if (inFlight === 0) resolve(failing);
        return;
      }
      if (settled === size) {
        resolve({
          kind: "success",
          outputs: gatherArrayOutputs({
            elements: outcomes.map((outcome) => (outcome?.phase === "succeeded" ? outcome.outputs : undefined)),
            outputNames: Object.keys(task?.interface?.outputs?.variables ?? {}),
          }),
        });
      }
    };

    const runElement = async (index: number): Promise<void> => {
      inFlight++;
      let outcome: NodeOutcome = { phase: "aborted" };
      const controller = fanout.child();
      const signal = controller.signal;
      if (await limiter.acquire(signal)) {
        const nodeId = `n${index}`;
        try {
          outcome = await run.engine.executeNode({
            scope: elementScope,
            node: sub,
            nodeId,
            path: `${invocation.path}/${nodeId}`,
            uniqueNodeId: uniqueNodeId({ nodeId, parent }),
            inputs: arrayElementInputs(inputs, bound, index),
            arrayIndex: index,
            taskTemplate: elementTask,
            signal,
          });
        } finally {
          limiter.release();
        }
      }
      fanout.release(controller);
      inFlight--;
      outcomes[index] = outcome;
      settled++;
      if (outcome.phase === "failed" || outcome.phase === "timed-out") {
        failed++;
        errors.push({ index, message: outcome.error.message });
      }
      check();
    };

    // Asking for more successes than elements fails at once, as propeller's first evaluation does.
    check();
    if (failing === undefined) for (let i = 0; i < size; i++) void runElement(i);
  }).finally(() => fanout.dispose());
}

function taskOf(ctx: AttemptContext, sub: Node): TaskTemplate | undefined {
  if (sub.target.case !== "taskNode") return undefined;
  const ref = sub.target.value.reference;
  return ctx.invocation.scope.lookup.task(ref.case === "referenceId" ? ref.value : undefined);
}
