/*
 * propeller's retry rules (controller/nodes/executor.go `isEligibleForRetry`, compiler
 * transformers `computeRetryStrategy`), with its default node config: 3 system retries,
 * 1 attempt unless the node or task asks for retries, retry cause not ignored.
 */
import { ExecutionError_ErrorKind, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { userError } from "./execution-errors.js";

/** `node-config.max-node-retries-system-failures`. */
export const MAX_SYSTEM_FAILURES = 3;
/** `node-config.default-max-attempts`. */
export const DEFAULT_MAX_ATTEMPTS = 1;

/**
 * The node's `retry.minAttempts`: node `metadata.retries.retries + 1` when non-zero, else the task's
 * `metadata.retries.retries + 1` when non-zero, else undefined.
 */
export function minAttemptsOf(node: Node, task: TaskTemplate | undefined): number | undefined {
  const nodeRetries = node.metadata?.retries?.retries ?? 0;
  if (nodeRetries !== 0) return nodeRetries + 1;
  const taskRetries = task?.metadata?.retries?.retries ?? 0;
  if (taskRetries !== 0) return taskRetries + 1;
  return undefined;
}

/** Where a node stands in its retry budgets. */
export interface RetryState {
  /** Attempts made before the one that just failed (0 for the first attempt). */
  attempts: number;
  /** System failures recorded before the one that just failed. */
  systemFailures: number;
  minAttempts: number | undefined;
}

/**
 * Whether a retryable failure may be retried. When not, `error` is the permanent failure propeller
 * reports: USER `RetriesExhausted|<code>` with `[<cur>/<max>] currentAttempt done. Last Error: <KIND>::<message>`.
 */
export function retryDecision(
  failure: ExecutionError,
  state: RetryState,
): { retry: true } | { retry: false; error: ExecutionError } {
  let current: number;
  let max: number;
  if (failure.kind === ExecutionError_ErrorKind.SYSTEM) {
    current = state.systemFailures;
    max = MAX_SYSTEM_FAILURES;
  } else {
    current = state.attempts + 1 - state.systemFailures;
    max = state.minAttempts !== undefined && state.minAttempts !== 1 ? state.minAttempts : DEFAULT_MAX_ATTEMPTS;
  }
  if (current < max) return { retry: true };
  const kind = ExecutionError_ErrorKind[failure.kind] ?? "UNKNOWN";
  return {
    retry: false,
    error: userError(
      `RetriesExhausted|${failure.code}`,
      `[${current}/${max}] currentAttempt done. Last Error: ${kind}::${failure.message}`,
    ),
  };
}
