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

// --- engine core: createEngine, state, executor, node handlers, events, runner (engine-core) ---
export { createEngine } from "./create-engine.js";
export type { Engine, EngineOptions } from "./create-engine.js";
export type { EngineStats } from "./runner/engine-stats.js";
export { silentLogger } from "./runner/logger.js";
export type { Logger } from "./runner/logger.js";
export { createEchoPlugin, ECHO_TASK_TYPE } from "./plugins/echo-plugin.js";
export type { EchoPluginOptions } from "./plugins/echo-plugin.js";
export { createPluginRegistry, UNSUPPORTED_TASK_TYPE } from "./plugins/plugin-registry.js";
export type { PluginRegistry, PluginRegistryOptions } from "./plugins/plugin-registry.js";
export {
  BranchPhase,
  GateNodePhase,
  isHandleableNodePhase,
  isTerminalNodePhase,
  isTerminalWorkflowPhase,
  NodePhase,
  WorkflowNodePhase,
  WorkflowPhase,
} from "./state/phases.js";
export {
  compressTerminalNode,
  loadError,
  newWorkflowStatus,
  nodeStatusIn,
  parseWorkflowStatus,
  serializeWorkflowStatus,
  storeError,
  updateNodePhase,
  updateWorkflowPhase,
} from "./state/workflow-status.js";
export type {
  ArrayNodeStatus,
  BranchNodeStatus,
  DynamicNodeStatus,
  GateNodeStatus,
  NodeStatus,
  NodeStatusMap,
  StoredError,
  TaskNodeStatus,
  WorkflowNodeStatus,
  WorkflowStatus,
} from "./state/workflow-status.js";
export { ENGINE_MIGRATIONS } from "./state/engine-migrations.js";
export { ENGINE_TABLE_NAMES } from "./state/engine-schema.js";
export type { EngineTables, EngineWorkflowRow, EngineWorkflowsTable } from "./state/engine-schema.js";
export { createWorkflowStore, workflowKeyString } from "./state/workflow-store.js";
export type {
  HeldWorkflow,
  StoredWorkflow,
  WorkflowKey,
  WorkflowSave,
  WorkflowSaveResult,
  WorkflowStore,
  WorkflowStoreOptions,
} from "./state/workflow-store.js";
export { indexClosure } from "./executor/closure-index.js";
export type { ClosureIndex } from "./executor/closure-index.js";
export { failureNodeGraph, leafNodeGraph, workflowGraph } from "./executor/dag-graph.js";
export type { DagGraph, WorkflowGraph } from "./executor/dag-graph.js";
export { WAITING_ON_SERIALIZED_CACHE } from "./executor/node-executor.js";
export { executeWorkflowRound, MAX_WORKFLOW_RETRIES } from "./executor/workflow-round.js";
export type { RoundResult, WorkflowRoundOptions, WorkflowRuntime } from "./executor/workflow-round.js";
export { nodeKindOf } from "./nodes/node-handler.js";
export type {
  DagScope,
  DagStatus,
  EngineServices,
  ExecutionContext,
  HandlerPhase,
  NodeCacheInfo,
  NodeContext,
  NodeEventInfo,
  NodeHandler,
  NodeKind,
  NodeStateAccess,
  ParentInfo,
  SubDag,
  Transition,
} from "./nodes/node-handler.js";
export { defaultNodeHandlers, nodeHandlersByKind } from "./nodes/node-handlers.js";
export { createStartNodeHandler } from "./nodes/start-node.js";
export { createEndNodeHandler } from "./nodes/end-node.js";
export { createTaskNodeHandler, MAX_PLUGIN_PHASE_VERSIONS, taskTemplateOf } from "./nodes/task-node.js";
export type { TaskNodeHandlerOptions } from "./nodes/task-node.js";
export { buildTaskExecutionContext } from "./nodes/task-execution-context.js";
export type { BuiltTaskExecutionContext } from "./nodes/task-execution-context.js";
export { createBranchNodeHandler } from "./nodes/branch-node.js";
export { createSubWorkflowNodeHandler } from "./nodes/subworkflow-node.js";
export { createGateNodeHandler } from "./nodes/gate-node.js";
export {
  classifyEventError,
  createEventRecorder,
  EventRecordingError,
  isEventError,
  MAX_EVENT_ERROR_MESSAGE_LENGTH,
  SentEventKeys,
  truncateError,
} from "./events/event-recorder.js";
export type { EventErrorReason, EventRecorder, EventRecorderOptions } from "./events/event-recorder.js";
export { buildNodeEvent, NODE_EXECUTION_EVENT_VERSION, nodeEventPhase } from "./events/node-event.js";
export type { NodeEventInput } from "./events/node-event.js";
export { buildTaskEvent, taskEventPhase } from "./events/task-event.js";
export type { TaskEventInput } from "./events/task-event.js";
// --- end of engine core ---

// --- plugins: local processes, TypeScript warm workers, Kubernetes pods, resource manager (engine-plugins) ---
export type { AllocateOptions } from "./plugins/resource-manager.js";
export { allocationScopePrefixes, allocationToken } from "./plugins/resources/allocation-token.js";
export { createInMemoryResourceManager } from "./plugins/resources/in-memory-resource-manager.js";
export type {
  InMemoryResourceManager,
  InMemoryResourceManagerOptions,
} from "./plugins/resources/in-memory-resource-manager.js";
export { createLocalProcessPlugin } from "./plugins/local-process/local-process-plugin.js";
export type { LocalProcessPlugin } from "./plugins/local-process/local-process-plugin.js";
export {
  compileLocalProcessOptions,
  LOCAL_PROCESS_RESOURCE_NAMESPACE,
} from "./plugins/local-process/local-process-options.js";
export type {
  CompiledLocalProcessOptions,
  ImageMapping,
  LocalProcessPluginOptions,
} from "./plugins/local-process/local-process-options.js";
export { createTsWorkerPlugin } from "./plugins/ts-worker/ts-worker-plugin.js";
export type { TsWorkerPlugin } from "./plugins/ts-worker/ts-worker-plugin.js";
export { compileTsWorkerOptions, WARM_WORKER_CONFIG_KEY } from "./plugins/ts-worker/ts-worker-options.js";
export type { CompiledTsWorkerOptions, TsWorkerPluginOptions } from "./plugins/ts-worker/ts-worker-options.js";
export type { WorkerPoolStats } from "./plugins/ts-worker/worker-pool.js";
export type {
  WorkerAbortMessage,
  WorkerDoneMessage,
  WorkerReadyMessage,
  WorkerReply,
  WorkerRequest,
  WorkerRunMessage,
} from "./plugins/ts-worker/worker-protocol.js";
// The kubernetes-pod plugin is `@aloft/engine/k8s-pod`: its client library takes a while to load, and most
// engines never use it.
// --- end of plugins ---

// --- cache: the TaskCache over a DataCatalog ---
export { createCatalogTaskCache } from "./cache/catalog-task-cache.js";
export type { CatalogTaskCacheOptions } from "./cache/catalog-task-cache.js";
// --- end of cache ---

// --- node kinds: array (map), dynamic, launch plan; recovery mode (engine-nodes) ---
export { createArrayNodeHandler } from "./nodes/array-node.js";
export type { ArrayNodeHandlerOptions } from "./nodes/array-node.js";
export {
  ArrayItems,
  ArrayNodePhase,
  loadArrayState,
  packDigits,
  storeArrayState,
  unpackDigits,
} from "./nodes/array-node-state.js";
export type { ArrayState, RunningItemRecord } from "./nodes/array-node-state.js";
export { ArrayItemContext, BATCH_JOB_ARRAY_INDEX_VAR_NAME, FLYTE_K8S_ARRAY_INDEX } from "./nodes/array-item-context.js";
export type { ArrayItemsEnvironment } from "./nodes/array-item-context.js";
export { runArrayItemRound } from "./nodes/array-item-runner.js";
export type { ItemRoundOutcome } from "./nodes/array-item-runner.js";
export { ArrayItemOutputsMemo, ItemBlobStore } from "./nodes/array-item-outputs.js";
export {
  ARRAY_PLUGIN_ID,
  ARRAY_TASK_TYPE,
  buildArrayTaskEvent,
  externalResourceId,
} from "./nodes/array-node-events.js";
export {
  createDynamicNodeHandler,
  DYNAMIC_NODE_ID,
  DYNAMIC_WORKFLOW_BUILD_FAILED,
  DynamicNodePhase,
} from "./nodes/dynamic-node.js";
export { adminLaunchPlanLookup, buildDynamicWorkflow, dynamicUserError } from "./nodes/dynamic-workflow-builder.js";
export type {
  BuildDynamicWorkflowInput,
  DynamicWorkflowBuild,
  LaunchPlanLookup,
} from "./nodes/dynamic-workflow-builder.js";
export { executionWithClosure } from "./nodes/execution-with-closure.js";
export { childExecutionId, createLaunchPlanNodeHandler, parentNodeExecutionId } from "./nodes/launch-plan-node.js";
export type { LaunchPlanNodeHandlerOptions } from "./nodes/launch-plan-node.js";
export { ChildExecutionWatch } from "./nodes/child-execution-watch.js";
export { attemptRecovery } from "./nodes/recovery.js";
// --- end of node kinds ---
