/**
 * `@aloft/engine`: Aloft's workflow engine, Flyte's propeller in TypeScript. Today it holds the execution
 * semantics both the engine and the SDK's local runs follow, so the two cannot drift: how bindings resolve
 * (promises, output aliases, `[index]`, attribute paths into msgpack and Struct values), how branches
 * decide, which failures are retried within which budget, how thrown errors and `error.pb` documents are
 * classified, the rules of array nodes, Flyte's command templates, and running a container task's command
 * as a local process with co-pilot's data handling.
 *
 * ```ts
 * import { decideBranch, resolveBindings, retryDecision, runContainerTaskLocally } from "@aloft/engine";
 *
 * // A node's inputs, from the outputs its upstream nodes produced:
 * const inputs = resolveBindings("n1", node.inputs, { producer: (id) => produced.get(id) });
 * // The case a branch node takes:
 * const { chosen, skipped } = decideBranch(branchNode, inputs);
 * // A raw container task run as a local process:
 * const { outputs } = await runContainerTaskLocally({ template, inputs });
 * // Whether a failed attempt may run again:
 * const decision = retryDecision(failure, { attempts: 0, systemFailures: 0, minAttempts: 3 });
 * ```
 */

// --- Execution semantics (shared with the SDK's local executor) ---
export {
  CodedError,
  executionError,
  messageOf,
  NodeError,
  systemError,
  userError,
} from "./semantics/execution-errors.js";
export { parseVarName, resolveBindingData, resolveBindings } from "./semantics/resolve-bindings.js";
export type { OutputSource } from "./semantics/resolve-bindings.js";
export { resolveAttrPath } from "./semantics/attr-path.js";
export {
  comparePrimitives,
  decideBranch,
  evaluateBooleanExpression,
  MALFORMED_BRANCH,
  USER_PROVIDED_ERROR,
} from "./semantics/branch-condition.js";
export type { BranchDecision } from "./semantics/branch-condition.js";
export { DEFAULT_MAX_ATTEMPTS, MAX_SYSTEM_FAILURES, minAttemptsOf, retryDecision } from "./semantics/retry-budget.js";
export type { RetryState } from "./semantics/retry-budget.js";
export {
  containerErrorFromThrown,
  RECOVERABLE_ERROR_CODE,
  TaskFailure,
  taskFailureFromContainerError,
  USER_RUNTIME_ERROR_CODE,
} from "./semantics/task-failure.js";
export type { ContainerErrorFromThrownOptions, TaskFailureInfo, TaskFailureOptions } from "./semantics/task-failure.js";
export {
  arrayElementInputs,
  arrayElementTask,
  arrayMinSuccesses,
  arrayNodeSize,
  arrayParallelism,
  gatherArrayOutputs,
  MAX_ERROR_MESSAGE_LENGTH,
} from "./semantics/array-node-rules.js";
export type { ArraySize, GatherArrayOutputsOptions } from "./semantics/array-node-rules.js";
export { summarizeIndexedErrors } from "./semantics/indexed-errors.js";
export { renderCommandTemplates } from "./semantics/render-command-templates.js";
export type { CommandTemplatePaths } from "./semantics/render-command-templates.js";
export { runContainerTaskLocally } from "./semantics/container-runner.js";
export type { ContainerTaskOutputs, RunContainerTaskOptions } from "./semantics/container-runner.js";
export { durationToMs, durationToNanos, formatGoDuration } from "./semantics/go-format.js";

// --- Contracts: plugins, admin as the engine sees it, the task cache ---
export { isTerminalPluginPhase, PluginPhase } from "./plugins/task-plugin.js";
export type {
  PhaseInfo,
  PluginProperties,
  TaskExecutionContext,
  TaskInfo,
  TaskPaths,
  TaskPlugin,
} from "./plugins/task-plugin.js";
export type { AllocationStatus, ResourceConstraints, ResourceManager } from "./plugins/resource-manager.js";
export type { AdminApi, ControlPlane, SignalApi } from "./control-plane/control-plane.js";
export type { CacheLookup, CachePut, CacheRequest, TaskCache } from "./cache/task-cache.js";
