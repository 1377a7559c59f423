/*
 * Runs one node the way propeller's node executor does (controller/nodes/executor.go): resolve the
 * inputs (a failure is a SYSTEM `BindingResolutionFailure`, never retried), look the task up in the
 * cache, wait for a parallelism slot (task, array and launch-plan nodes), then run attempts. A
 * retryable failure is retried within the node's budgets (retry-budget.ts); the node's timeout
 * bounds each attempt (retryable USER `TimeoutExpired`) and twice the timeout bounds the whole node
 * from when it was queued (TIMED_OUT, not retried).
 */
import {
  executionError,
  messageOf,
  systemError,
  userError,
  durationToNanos,
  formatGoDuration,
  resolveBindings,
  minAttemptsOf,
  retryDecision,
} from "@aloft/engine";
import { create } from "@bufbuild/protobuf";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, LiteralSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  nodeKindOf,
  ParallelismSlot,
  type AttemptContext,
  type AttemptResult,
  type NodeInvocation,
  type NodeOutcome,
} from "./execution-context.js";
import type { LocalNodeEventKind, LocalNodeKind } from "./local-run-result.js";
import { runArrayAttempt } from "./nodes/array-node.js";
import { runBranchAttempt } from "./nodes/branch-node.js";
import { runGateAttempt } from "./nodes/gate-node.js";
import { runLaunchPlanAttempt } from "./nodes/launch-plan-node.js";
import { runSubWorkflowAttempt } from "./nodes/subworkflow-node.js";
import { runTaskAttempt } from "./nodes/task-node.js";

const HANDLERS: Partial<Record<LocalNodeKind, (ctx: AttemptContext) => Promise<AttemptResult>>> = {
  task: runTaskAttempt,
  branch: runBranchAttempt,
  gate: runGateAttempt,
  subworkflow: runSubWorkflowAttempt,
  "launch-plan": runLaunchPlanAttempt,
  array: runArrayAttempt,
};

const THROTTLED: ReadonlySet<LocalNodeKind> = new Set(["task", "array", "launch-plan"]);
/** Kinds whose attempts only wait on child nodes, which stop promptly when aborted (unlike task code or signals). */
const SETTLES_ON_ABORT: ReadonlySet<LocalNodeKind> = new Set(["subworkflow", "branch", "array", "launch-plan"]);

/** Runs one node to completion; see {@link Engine.executeNode}. */
export async function executeNode(invocation: NodeInvocation): Promise<NodeOutcome> {
  const { scope, node } = invocation;
  const run = scope.run;
  const kind = nodeKindOf(node);
  const record = run.newRecord({
    path: invocation.path,
    nodeId: invocation.nodeId,
    uniqueNodeId: invocation.uniqueNodeId,
    kind,
  });
  const emit = (
    eventKind: LocalNodeEventKind,
    attempt: number,
    extra: { error?: ExecutionError; cacheStatus?: CatalogCacheStatus } = {},
  ): void =>
    run.emit({ kind: eventKind, path: invocation.path, nodeId: invocation.nodeId, nodeKind: kind, attempt, ...extra });
  const fail = (error: ExecutionError, attempt: number): NodeOutcome => {
    record.phase = NodeExecution_Phase.FAILED;
    record.error = error;
    emit("failed", attempt, { error });
    return { phase: "failed", error };
  };

  let inputs: LiteralMap;
  if (invocation.inputs !== undefined) {
    inputs = invocation.inputs;
  } else {
    try {
      inputs = resolveBindings(invocation.nodeId, node.inputs, invocation.source ?? scope.source);
    } catch (e) {
      return fail(systemError("BindingResolutionFailure", messageOf(e)), 0);
    }
  }
  if (invocation.originalError !== undefined)
    inputs = withErrorInput(inputs, invocation.nodeId, invocation.originalError);
  record.inputs = inputs;

  let template: TaskTemplate | undefined;
  if (node.target.case === "taskNode") {
    const ref = node.target.value.reference;
    template = invocation.taskTemplate ?? scope.lookup.task(ref.case === "referenceId" ? ref.value : undefined);
    if (template === undefined) {
      return fail(systemError("TaskReferenceNotFound", `task of node [${invocation.nodeId}] is not in the closure`), 0);
    }
  }

  const cache = run.options.cache;
  const cacheable = template !== undefined && cache !== undefined && cache.isCacheable(template);
  if (cacheable && template !== undefined) {
    const hit = await cache.get({ template, inputs });
    if (hit !== undefined) {
      record.phase = NodeExecution_Phase.SUCCEEDED;
      record.outputs = hit;
      record.cacheStatus = CatalogCacheStatus.CACHE_HIT;
      emit("cache-hit", 0, { cacheStatus: CatalogCacheStatus.CACHE_HIT });
      return { phase: "succeeded", outputs: hit };
    }
  }

  const timeout = node.metadata?.timeout;
  const timeoutNanos = timeout === undefined ? 0n : durationToNanos(timeout);
  const timeoutMs = Number(timeoutNanos) / 1e6;
  // Deadlines need signals of their own; without a timeout the node's signal is its parent's.
  const nodeController = timeoutNanos > 0n ? new AbortController() : undefined;
  const nodeSignal =
    nodeController === undefined ? invocation.signal : AbortSignal.any([invocation.signal, nodeController.signal]);
  const slot = new ParallelismSlot(THROTTLED.has(kind) ? run.parallelism : undefined, nodeSignal);
  let activeDeadlineHit = false;
  const aborted = (attempt: number): NodeOutcome => {
    if (activeDeadlineHit) {
      const error = userError("Timeout", `task active timeout [${formatGoDuration(timeoutNanos * 2n)}] expired`);
      record.phase = NodeExecution_Phase.TIMED_OUT;
      record.error = error;
      emit("timed-out", attempt, { error });
      return { phase: "timed-out", error };
    }
    const error = executionError(ExecutionError_ErrorKind.UNKNOWN, "NodeAborted", reasonOf(nodeSignal.reason));
    record.phase = NodeExecution_Phase.ABORTED;
    record.error = error;
    emit("aborted", attempt, { error });
    return { phase: "aborted" };
  };
  if (!(await slot.acquire())) return aborted(0);

  // The active deadline (2 × timeout) counts from when the node was queued, across attempts.
  const activeTimer =
    timeoutNanos > 0n
      ? startTimer(timeoutMs * 2, () => {
          activeDeadlineHit = true;
          nodeController?.abort("active deadline exceeded");
        })
      : undefined;

  const handler = HANDLERS[kind];
  const minAttempts = minAttemptsOf(node, template);
  let attempt = 0;
  let systemFailures = 0;
  emit("started", 0);
  try {
    for (;;) {
      record.attempts = attempt + 1;
      if (!(await slot.acquire())) return aborted(attempt);
      const attemptController = timeoutNanos > 0n ? new AbortController() : undefined;
      const attemptSignal =
        attemptController === undefined ? nodeSignal : AbortSignal.any([nodeSignal, attemptController.signal]);
      let executionDeadlineHit = false;
      const attemptTimer =
        timeoutNanos > 0n
          ? startTimer(timeoutMs, () => {
              executionDeadlineHit = true;
              attemptController?.abort("execution deadline exceeded");
            })
          : undefined;
      const ctx: AttemptContext = { invocation, inputs, template, attempt, signal: attemptSignal, slot, record };
      let result: AttemptResult | "aborted";
      try {
        if (handler === undefined) {
          result = {
            kind: "failure",
            error: systemError("BadSpecificationError", `node [${node.id}] has no target`),
            retryable: false,
          };
        } else {
          const pending = guarded(handler(ctx));
          result = await untilAborted(pending, attemptSignal);
          // Nodes that run children wait for them to wind down, so children report before their parent.
          if (result === "aborted" && SETTLES_ON_ABORT.has(kind)) await pending;
        }
      } finally {
        if (attemptTimer !== undefined) clearTimeout(attemptTimer);
        slot.release();
      }

      if (result === "aborted") {
        if (activeDeadlineHit || !executionDeadlineHit) return aborted(attempt);
        result = {
          kind: "failure",
          error: userError("TimeoutExpired", `task execution timeout [${formatGoDuration(timeoutNanos)}] expired`),
          retryable: true,
        };
      }

      if (result.kind === "success") {
        const cacheStatus =
          cacheable && template !== undefined
            ? await storeInCache(run.options.cache, template, inputs, result.outputs)
            : CatalogCacheStatus.CACHE_DISABLED;
        record.phase = NodeExecution_Phase.SUCCEEDED;
        record.outputs = result.outputs;
        record.cacheStatus = cacheStatus;
        emit("succeeded", attempt, { cacheStatus });
        return { phase: "succeeded", outputs: result.outputs };
      }

      if (!result.retryable) return fail(result.error, attempt);
      const decision = retryDecision(result.error, { attempts: attempt, systemFailures, minAttempts });
      if (!decision.retry) return fail(decision.error, attempt);
      if (result.error.kind === ExecutionError_ErrorKind.SYSTEM) systemFailures++;
      attempt++;
      emit("retrying", attempt, { error: result.error });
    }
  } finally {
    if (activeTimer !== undefined) clearTimeout(activeTimer);
  }
}

/** The longest delay `setTimeout` honours; longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer, or none when the delay is too long to ever matter locally. */
function startTimer(ms: number, fire: () => void): ReturnType<typeof setTimeout> | undefined {
  return ms > MAX_TIMER_MS ? undefined : setTimeout(fire, ms);
}

async function storeInCache(
  cache: NodeInvocation["scope"]["run"]["options"]["cache"],
  template: TaskTemplate,
  inputs: LiteralMap,
  outputs: LiteralMap,
): Promise<CatalogCacheStatus> {
  if (cache === undefined) return CatalogCacheStatus.CACHE_DISABLED;
  // As propeller: a task without outputs is never written to the cache.
  if (Object.keys(template.interface?.outputs?.variables ?? {}).length === 0) return CatalogCacheStatus.CACHE_DISABLED;
  try {
    await cache.put({ template, inputs }, outputs);
    return CatalogCacheStatus.CACHE_POPULATED;
  } catch {
    return CatalogCacheStatus.CACHE_PUT_FAILURE;
  }
}

/** The handler's result, with anything it throws turned into a SYSTEM failure. */
function guarded(promise: Promise<AttemptResult>): Promise<AttemptResult> {
  return promise.catch((e: unknown): AttemptResult => ({
    kind: "failure",
    error: systemError("InternalError", messageOf(e)),
    retryable: false,
  }));
}

/** Settles with the handler's result, or "aborted" as soon as `signal` aborts (task code is left to finish alone). */
function untilAborted(promise: Promise<AttemptResult>, signal: AbortSignal): Promise<AttemptResult | "aborted"> {
  if (signal.aborted) return Promise.resolve("aborted");
  return new Promise((resolve) => {
    const onAbort = (): void => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then((result) => {
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    });
  });
}

function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? "aborted" : String(reason);
}

/**
 * propeller's `ResolveOnFailureNodeInput`: a failure node's `err` input becomes a `FlyteError` union
 * holding the workflow's error. Its `failed_node_id` is the failure node's own id, as in propeller.
 */
function withErrorInput(inputs: LiteralMap, nodeId: string, error: ExecutionError): LiteralMap {
  if (inputs.literals.err === undefined) return inputs;
  const err = create(LiteralSchema, {
    value: {
      case: "scalar",
      value: {
        value: {
          case: "union",
          value: {
            value: {
              value: {
                case: "scalar",
                value: { value: { case: "error", value: { message: error.message, failedNodeId: nodeId } } },
              },
            },
            type: { type: { case: "simple", value: SimpleType.ERROR }, structure: { tag: "FlyteError" } },
          },
        },
      },
    },
  });
  return create(LiteralMapSchema, { literals: { ...inputs.literals, err } });
}
