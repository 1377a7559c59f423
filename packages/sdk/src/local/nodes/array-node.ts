/*
 * Array nodes, Flyte's map tasks (propeller's nodes/array): every list input not bound whole is
 * sliced, all such lists must have one length, and element i runs the sub-node as `n<i>` with its own
 * retries, timeout and cache, at most `parallelism` at a time (default: all). The node fails as soon
 * as the minimum number of successes can no longer be reached (aborting the rest); otherwise it
 * waits for every element and gathers each output into a list in index order, with `none` for
 * elements that did not succeed.
 */
import { clone, create } from "@bufbuild/protobuf";
import { inferLiteralType } from "@aloft/compiler";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { VariableSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
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
import { executionError, systemError, userError } from "../execution-errors.js";
import { Semaphore } from "../semaphore.js";
import { summarizeIndexedErrors } from "./indexed-errors.js";

/** propeller's `events.MaxErrorMessageLength`. */
const MAX_ERROR_MESSAGE_LENGTH = 102_400;

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
  const sized = arraySize(inputs, bound);
  if (!sized.ok) return { kind: "failure", error: sized.error, retryable: false };
  const size = sized.size;

  let minSuccesses = size;
  if (arrayNode.successCriteria.case === "minSuccesses") minSuccesses = arrayNode.successCriteria.value;
  else if (arrayNode.successCriteria.case === "minSuccessRatio") {
    // The ratio is a float32 in the proto and Go widens it before multiplying: 0.3 × 10 needs 4.
    minSuccesses = Math.ceil(Math.fround(arrayNode.successCriteria.value) * size);
  }
  const parallelism =
    arrayNode.parallelismOption.case === "parallelism" && arrayNode.parallelismOption.value > 0
      ? arrayNode.parallelismOption.value
      : 0;

  const task = sub.target.case === "taskNode" ? taskOf(ctx, sub) : undefined;
  const elementTask = task === undefined ? undefined : withElementOutputs(task);

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
      if (settled === size) resolve({ kind: "success", outputs: gatherOutputs(outcomes, task) });
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
            inputs: elementInputs(inputs, bound, index),
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

/** propeller's sizing rules; the error is a USER failure as propeller reports it. */
function arraySize(
  inputs: LiteralMap,
  bound: ReadonlySet<string>,
): { ok: true; size: number } | { ok: false; error: ReturnType<typeof userError> } {
  let size = -1;
  for (const [name, literal] of Object.entries(inputs.literals)) {
    if (bound.has(name)) continue;
    const type = inferLiteralType(literal);
    if (type === undefined) {
      return {
        ok: false,
        error: userError(
          "IDLNotFoundErr",
          `Failed to validate literal type for [${name}] with err: unknown literal type`,
        ),
      };
    }
    if (literal.value.case === "offloadedMetadata") {
      return { ok: false, error: systemError("RuntimeExecutionError", "couldn't read the offloaded literal") };
    }
    if (type.type.case !== "collectionType") continue;
    const length = literal.value.case === "collection" ? literal.value.value.literals.length : 0;
    if (size === -1) size = length;
    else if (size !== length) {
      return {
        ok: false,
        error: userError(
          "InvalidArrayLength",
          `input arrays have different lengths: expecting '${size}' found '${length}'`,
        ),
      };
    }
  }
  if (size !== -1) return { ok: true, size };
  // Every input bound whole: one element.
  if (bound.size === Object.keys(inputs.literals).length) return { ok: true, size: 1 };
  return { ok: false, error: userError("InvalidArrayLength", "no input array provided") };
}

/** propeller's `constructLiteralMap`: element `index` of each list not bound whole; everything else as is. */
function elementInputs(inputs: LiteralMap, bound: ReadonlySet<string>, index: number): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(inputs.literals)) {
    const element =
      literal.value.case === "collection" && !bound.has(name) ? literal.value.value.literals[index] : undefined;
    literals[name] = element ?? literal;
  }
  return create(LiteralMapSchema, { literals });
}

/** The task as each element sees it: list outputs become their element types (propeller's `arrayTaskReader`). */
function withElementOutputs(task: TaskTemplate): TaskTemplate {
  const outputs = task.interface?.outputs?.variables ?? {};
  if (!Object.values(outputs).some((v) => v.type?.type.case === "collectionType")) return task;
  const copy = clone(TaskTemplateSchema, task);
  const variables = copy.interface?.outputs?.variables ?? {};
  for (const [name, variable] of Object.entries(variables)) {
    if (variable.type?.type.case === "collectionType") {
      variables[name] = create(VariableSchema, { type: variable.type.type.value, description: variable.description });
    }
  }
  return copy;
}

function gatherOutputs(outcomes: readonly (NodeOutcome | undefined)[], task: TaskTemplate | undefined): LiteralMap {
  const names = Object.keys(task?.interface?.outputs?.variables ?? {});
  const lists = new Map<string, Literal[]>(names.map((name) => [name, []]));
  const append = (name: string, literal: Literal): void => {
    let list = lists.get(name);
    if (list === undefined) lists.set(name, (list = []));
    list.push(literal);
  };
  for (const outcome of outcomes) {
    if (outcome?.phase === "succeeded") {
      for (const [name, literal] of Object.entries(outcome.outputs.literals)) append(name, literal);
    } else {
      for (const name of names) append(name, noneLiteral());
    }
  }
  const literals: Record<string, Literal> = {};
  for (const [name, list] of lists) {
    literals[name] = create(LiteralSchema, { value: { case: "collection", value: { literals: list } } });
  }
  return create(LiteralMapSchema, { literals });
}

function noneLiteral(): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
}
