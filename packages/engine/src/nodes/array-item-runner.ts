/**
 * One round of one array item: the node lifecycle propeller's node executor gives every array sub-node
 * (controller/nodes/executor.go `HandleNode`, reached through the array handler's
 * `RecursiveNodeHandler` call), for the task sub-nodes array nodes run. Per round an item moves one step:
 * NotYetStarted → (cache lookup) Queued or Succeeded → the task handler's rounds (deadlines, the retry
 * budget, cache reservations, cache writes) → Succeeding/Failing/TimingOut/RetryableFailure → Succeeded,
 * Failed, TimedOut, or a new attempt. Item events are collected, not sent (array event version 0).
 */
import { create } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { CatalogCacheStatus, CatalogReservation_Status } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { ExecutionError_ErrorKind, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskExecutionEvent } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { generatedName, readProto, writeProto } from "@aloft/storage";
import { executionError, userError } from "../semantics/execution-errors.js";
import { formatGoDuration } from "../semantics/go-format.js";
import { minAttemptsOf, retryDecision } from "../semantics/retry-budget.js";
import { isTerminalNodePhase, NodePhase } from "../state/phases.js";
import { storeError, updateNodePhase } from "../state/workflow-status.js";
import type { ArrayItemContext } from "./array-item-context.js";
import { isTerminalHandlerPhase, toNodePhase } from "./handler-phase.js";
import type { NodeCacheInfo, NodeHandler, Transition } from "./node-handler.js";

/** The reason of items waiting on another execution's cache reservation (propeller's `cacheSerializedReason`). */
const WAITING_ON_SERIALIZED_CACHE = "waiting on serialized cache";

/** What the array node needs to know about an item's round. */
export interface ItemRoundOutcome {
  /** Task events the item's task handler sent this round. */
  taskEvents: TaskExecutionEvent[];
  /** Cache status of the node event the item would have sent (CACHE_DISABLED when none). */
  cacheStatus: CatalogCacheStatus;
  /** The error recorded on the item this round (failures are summarized on the array node). */
  error: ExecutionError | undefined;
}

/** Runs one round of `item` with `handler` (the task handler), mutating `item.status`. */
export async function runArrayItemRound(handler: NodeHandler, item: ArrayItemContext): Promise<ItemRoundOutcome> {
  const outcome: ItemRoundOutcome = {
    taskEvents: item.events.taskEvents,
    cacheStatus: CatalogCacheStatus.CACHE_DISABLED,
    error: undefined,
  };
  const status = item.status;
  const now = item.execution.now();
  switch (status.phase) {
    case NodePhase.NotYetStarted:
      await notYetStarted(handler, item, outcome);
      break;
    case NodePhase.Queued:
    case NodePhase.Running:
      await queuedOrRunning(handler, item, outcome);
      break;
    case NodePhase.RetryableFailure:
      await abortAndFinalize(handler, item, status.message ?? "");
      status.attempts = (status.attempts ?? 0) + 1;
      delete status.task;
      updateNodePhase(status, NodePhase.Running, now, "retrying");
      break;
    case NodePhase.Succeeding:
      await handler.finalize(item);
      updateNodePhase(status, NodePhase.Succeeded, now, "completed successfully");
      break;
    case NodePhase.Failing:
      await abortAndFinalize(handler, item, "node failing");
      updateNodePhase(status, NodePhase.Failed, now, status.message ?? "");
      break;
    case NodePhase.TimingOut:
      await abortAndFinalize(handler, item, "node timed out");
      updateNodePhase(status, NodePhase.TimedOut, now, status.message ?? "");
      break;
    default:
      break;
  }
  return outcome;
}

/** Aborts a non-terminal item (the array node is failing or aborted). */
export async function abortArrayItem(handler: NodeHandler, item: ArrayItemContext, reason: string): Promise<void> {
  await abortAndFinalize(handler, item, reason);
}

async function abortAndFinalize(handler: NodeHandler, item: ArrayItemContext, reason: string): Promise<void> {
  try {
    await handler.abort(item, reason);
  } finally {
    await handler.finalize(item);
  }
}

function cacheOf(handler: NodeHandler, item: ArrayItemContext): NodeCacheInfo | undefined {
  if (item.execution.services.taskCache === undefined) return undefined;
  const info = handler.cacheInfo?.(item);
  return info?.cacheable === true ? info : undefined;
}

function overwriteCache(item: ArrayItemContext): boolean {
  return item.execution.request.executionConfig?.overwriteCache === true;
}

/** Cache lookup; a hit writes the cached outputs as the item's. */
async function lookup(item: ArrayItemContext, cache: NodeCacheInfo): Promise<CatalogCacheStatus> {
  const result = await item.execution.services.taskCache!.lookup(await cache.request(item));
  if (result.status !== CatalogCacheStatus.CACHE_HIT) return CatalogCacheStatus.CACHE_MISS;
  await writeProto(item.execution.services.blobs, item.outputsPath, LiteralMapSchema, result.outputs);
  item.status.cached = true;
  return CatalogCacheStatus.CACHE_HIT;
}

async function notYetStarted(handler: NodeHandler, item: ArrayItemContext, outcome: ItemRoundOutcome): Promise<void> {
  const now = item.execution.now();
  const cache = cacheOf(handler, item);
  if (cache !== undefined) {
    if (overwriteCache(item)) {
      outcome.cacheStatus = CatalogCacheStatus.CACHE_SKIPPED;
    } else {
      outcome.cacheStatus = await lookup(item, cache);
      if (outcome.cacheStatus === CatalogCacheStatus.CACHE_HIT) {
        updateNodePhase(item.status, NodePhase.Succeeded, now, "");
        return;
      }
    }
  }
  updateNodePhase(item.status, NodePhase.Queued, now, "node queued");
}

async function queuedOrRunning(handler: NodeHandler, item: ArrayItemContext, outcome: ItemRoundOutcome): Promise<void> {
  const status = item.status;
  const current = status.phase;
  const cache = cacheOf(handler, item);
  const overwrite = overwriteCache(item);
  const services = item.execution.services;
  let cacheStatus: CatalogCacheStatus | undefined;
  let reservation: CatalogReservation_Status | undefined;
  let transition: Transition | undefined;
  const owner = generatedName({
    executionName: item.execution.executionId.name,
    uniqueNodeId: item.uniqueId,
    attempt: item.attempt,
  });
  if (cache !== undefined && cache.serializable && !overwrite) {
    if (current === NodePhase.Queued) {
      cacheStatus = await lookup(item, cache);
      if (cacheStatus === CatalogCacheStatus.CACHE_HIT) transition = { phase: "success" };
    }
    if (cacheStatus !== CatalogCacheStatus.CACHE_HIT) {
      reservation = await services.taskCache!.reserve(await cache.request(item), owner);
      if (reservation === CatalogReservation_Status.RESERVATION_EXISTS) {
        transition = { phase: "queued", reason: WAITING_ON_SERIALIZED_CACHE };
      }
    }
  }
  if (transition === undefined) transition = await execute(handler, item);
  if (transition.phase === "success" && cache !== undefined && cacheStatus !== CatalogCacheStatus.CACHE_HIT) {
    const request = await cache.request(item);
    const outputs = await readProto(services.blobs, item.outputsPath, LiteralMapSchema).catch(() =>
      create(LiteralMapSchema),
    );
    cacheStatus = (await services.taskCache!.put(request, outputs, { overwrite })).status;
    if (cache.serializable) await services.taskCache!.release(request, owner).catch(() => undefined);
  }
  if (cacheStatus !== undefined) outcome.cacheStatus = cacheStatus;

  let next = toNodePhase(transition.phase);
  const error = transition.error;
  if (error !== undefined && error.kind === ExecutionError_ErrorKind.SYSTEM) {
    // propeller counts a permanent SYSTEM failure twice; kept for fidelity.
    status.systemFailures = (status.systemFailures ?? 0) + (next === NodePhase.Failing ? 2 : 1);
  }
  if (next === NodePhase.Succeeding && cacheStatus === CatalogCacheStatus.CACHE_HIT) next = NodePhase.Succeeded;
  const pendingTask = item.pendingTask;
  updateNodePhase(
    status,
    next,
    transition.occurredAtMs ?? item.execution.now(),
    transition.reason ?? "",
    error === undefined ? undefined : storeError(error),
  );
  if (error !== undefined) outcome.error = error;
  if (!isTerminalNodePhase(next) && pendingTask !== undefined) status.task = pendingTask;
}

/** The task handler's round, then deadlines and the retry budget (propeller's `execute`). */
async function execute(handler: NodeHandler, item: ArrayItemContext): Promise<Transition> {
  let transition = await handler.handle(item);
  const status = item.status;
  const x = item.execution;
  if (!isTerminalHandlerPhase(transition.phase)) {
    const timeout = item.node.metadata?.timeout;
    const executionDeadlineMs = timeout === undefined ? 0 : durationMs(timeout);
    const activeDeadlineMs = 2 * executionDeadlineMs;
    const now = x.now();
    if (activeDeadlineMs > 0 && status.queuedAt !== undefined) {
      if (status.queuedAt + activeDeadlineMs < now) {
        return {
          phase: "timedOut",
          reason: `task active timeout [${formatGoDuration(BigInt(activeDeadlineMs) * 1_000_000n)}] expired`,
        };
      }
      x.wakeAt(status.queuedAt + activeDeadlineMs + 1);
    }
    if (executionDeadlineMs > 0) {
      const startedAt = status.laStartedAt;
      if (startedAt !== undefined && startedAt + executionDeadlineMs < now) {
        transition = {
          phase: "retryableFailure",
          error: userError(
            "TimeoutExpired",
            `task execution timeout [${formatGoDuration(BigInt(executionDeadlineMs) * 1_000_000n)}] expired`,
          ),
        };
      } else {
        x.wakeAt((startedAt ?? now) + executionDeadlineMs + 1);
      }
    }
  }
  if (transition.phase !== "retryableFailure") return transition;
  const error =
    transition.error ??
    executionError(ExecutionError_ErrorKind.UNKNOWN, "UnknownError", "node failed without an error");
  const target = item.node.target;
  const task =
    target.case === "taskNode" && target.value.reference.case === "referenceId"
      ? x.closure.task(target.value.reference.value)
      : undefined;
  const decision = retryDecision(error, {
    attempts: status.attempts ?? 0,
    systemFailures: status.systemFailures ?? 0,
    minAttempts: minAttemptsOf(item.node, task),
  });
  if (!decision.retry) return { phase: "failed", error: decision.error };
  // The retry starts from scratch: the attempt's pending state is dropped and its start cleared.
  item.pendingTask = undefined;
  delete status.laStartedAt;
  return { ...transition, error };
}
