/**
 * The node handler contract: propeller's `handler.Node` (nodes/interfaces/handler.go). The round executor
 * owns the node lifecycle (readiness, inputs, phases, retries, deadlines, caching, events, persistence);
 * a handler only knows how to make progress on its kind of node, one round at a time.
 *
 * A new node kind is a new file under `nodes/` implementing {@link NodeHandler}, plus one line that adds it
 * to the handler list given to the executor (`defaultNodeHandlers` in `nodes/node-handlers.ts`).
 */
import type { ExecutionRequest } from "@aloft/db";
import type { ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskExecutionIdentifier, WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { TaskNodeMetadata, WorkflowNodeMetadata } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { BlobStore } from "@aloft/storage";
import type { CacheRequest, TaskCache } from "../cache/task-cache.js";
import type { ControlPlane } from "../control-plane/control-plane.js";
import type { ClosureIndex } from "../executor/closure-index.js";
import type { DagGraph } from "../executor/dag-graph.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { PluginRegistry } from "../plugins/plugin-registry.js";
import type { ResourceManager } from "../plugins/resource-manager.js";
import type { Logger } from "../runner/logger.js";
import type { ChildExecutionWatch } from "./child-execution-watch.js";
import type {
  ArrayNodeStatus,
  BranchNodeStatus,
  DynamicNodeStatus,
  GateNodeStatus,
  NodeStatus,
  NodeStatusMap,
  TaskNodeStatus,
  WorkflowNodeStatus,
} from "../state/workflow-status.js";

/**
 * Node kinds, propeller's `NodeKind` with workflow nodes split by what they reference. Dynamic nodes
 * are task nodes whose task wrote `futures.pb`: the dynamic handler wraps the task handler.
 */
export type NodeKind = "start" | "end" | "task" | "branch" | "subworkflow" | "launchplan" | "gate" | "array";

/** The kind of `node`. */
export function nodeKindOf(node: Node): NodeKind | undefined {
  if (node.id === "start-node") return "start";
  if (node.id === "end-node") return "end";
  switch (node.target.case) {
    case "taskNode":
      return "task";
    case "branchNode":
      return "branch";
    case "gateNode":
      return "gate";
    case "arrayNode":
      return "array";
    case "workflowNode":
      return node.target.value.reference.case === "launchplanRef" ? "launchplan" : "subworkflow";
    default:
      return undefined;
  }
}

/**
 * What a handler reports for one round (propeller's `handler.EPhase`). The executor maps it to node
 * phases: running → Running, dynamicRunning → DynamicRunning, success → Succeeding/Succeeded,
 * failed → Failing/Failed, retryableFailure → RetryableFailure (or a permanent failure once the retry
 * budget is spent), timedOut → TimingOut/TimedOut, recovered → Recovered, queued → Queued.
 */
export type HandlerPhase =
  "queued" | "running" | "dynamicRunning" | "success" | "failed" | "retryableFailure" | "timedOut" | "recovered";

/** What a node event carries beside its phase (`handler.ExecutionInfo`). */
export interface NodeEventInfo {
  /** `<outputDir>/outputs.pb` when the node has outputs. */
  outputUri?: string;
  deckUri?: string;
  taskNodeMetadata?: TaskNodeMetadata;
  workflowNodeMetadata?: WorkflowNodeMetadata;
}

/** A handler's answer for one round (`handler.Transition`). */
export interface Transition {
  phase: HandlerPhase;
  /** Becomes the node status message. */
  reason?: string;
  /** Set with failed, retryableFailure and timedOut. */
  error?: ExecutionError;
  info?: NodeEventInfo;
  /** When the phase was reached. @default now */
  occurredAtMs?: number;
  /** With `success`: `finalize` may run in this round (see PluginProperties.finalizeKeepsOutcome). */
  finalizeNow?: boolean;
}

/** Where a node sits below another node (propeller's `ParentInfo`). */
export interface ParentInfo {
  /** The parent's unique id. */
  uniqueId: string;
  /** The parent's current attempt. */
  attempt: number;
  /** Below a dynamic node (reported as `is_in_dynamic_chain`). */
  inDynamicChain: boolean;
}

/** A DAG the executor traverses: a workflow, a sub-workflow, a branch case, a dynamic workflow. */
export interface DagScope {
  readonly graph: DagGraph;
  /** Where the statuses of the DAG's nodes live. */
  readonly statuses: NodeStatusMap;
  /** Data dir of a node of this DAG (top level: `<wfDataDir>/<id>/data`; nested: `<parentOutputDir>/<id>`). */
  dataDirOf(nodeId: string): string;
  /** Set below a sub-workflow, branch, dynamic or array node. */
  readonly parent: ParentInfo | undefined;
  /** FAIL_IMMEDIATELY (true) or FAIL_AFTER_EXECUTABLE_NODES_COMPLETE. */
  readonly failFast: boolean;
  /** Set for the failure node's DAG: the workflow's error, passed as its `err` input. */
  readonly originalError?: ExecutionError;
  /** The parent task execution of nodes of a dynamic workflow (event version 0 only). */
  readonly parentTaskExecutionId?: TaskExecutionIdentifier;
  /**
   * The closure this DAG's nodes see when it is not the execution's (a dynamic workflow's tasks and
   * sub-workflows); DAGs below a node of this DAG inherit it. Added for dynamic nodes (engine-nodes).
   */
  readonly closure?: ClosureIndex;
}

/** How a DAG traversal ended this round (`interfaces.NodeStatus`). */
export type DagStatus =
  | { kind: "complete" }
  /** Some node changed phase this round: run another round soon. */
  | { kind: "partial" }
  | { kind: "pending" }
  | { kind: "running" }
  | { kind: "queued" }
  | { kind: "failed"; error: ExecutionError }
  | { kind: "timedOut" };

/** The input to {@link NodeContext.executeDag} and {@link NodeContext.abortDag}. */
export interface SubDag {
  scope: DagScope;
  /** The node the traversal starts from: the sub-workflow's start node, or the branch case. */
  startNodeId: string;
}

/** Engine services shared by every workflow. */
export interface EngineServices {
  readonly blobs: BlobStore;
  readonly controlPlane: ControlPlane;
  readonly plugins: PluginRegistry;
  readonly taskCache: TaskCache | undefined;
  readonly resourceManager: ResourceManager;
  /** Reported as events' `producer_id`. */
  readonly clusterId: string;
  /** Root of workflow data dirs (`<store>/metadata/propeller`). */
  readonly metadataRoot: string;
  /** Default raw output prefix when the execution sets none. */
  readonly rawOutputPrefix: string;
  readonly logger: Logger;
  /** Aborted when the engine stops. */
  readonly signal: AbortSignal;
  /** The engine's handlers by kind (so handlers may run nodes of another kind). */
  handler(kind: NodeKind): NodeHandler | undefined;
  /**
   * Launch-plan nodes waiting on child executions; the runner reports executions reaching a terminal
   * phase to it so their parents are woken (engine-nodes). Absent in compositions without it.
   */
  readonly childExecutions?: ChildExecutionWatch;
}

/** One workflow execution as seen during a round. */
export interface ExecutionContext {
  readonly executionId: WorkflowExecutionIdentifier;
  readonly request: ExecutionRequest;
  readonly closure: ClosureIndex;
  /** `<metadataRoot>/<project>-<domain>-<name>`. */
  readonly dataDir: string;
  /** `raw_output_data_config.output_location_prefix`, else the engine's default. */
  readonly rawOutputPrefix: string;
  /** Admin's `eventVersion` for this execution. */
  readonly eventVersion: number;
  readonly services: EngineServices;
  /** Events of this workflow, in order. */
  readonly events: EventRecorder;
  /** The round's clock (epoch ms). */
  now(): number;
  /** Ask for a round at `epochMs` (timers: sleeps, deadlines, back-offs). */
  wakeAt(epochMs: number): void;
  /** Ask for another round as soon as possible (e.g. a plugin's external work changed). */
  wake(): void;
  /** Task, array and launch-plan nodes running this round (max-parallelism, §2.6). */
  readonly parallelism: { current(): number; increment(): number; readonly max: number };
}

/** A node's sub-states as the handler reads and writes them; writes are applied after `handle` returns. */
export interface NodeStateAccess {
  task(): TaskNodeStatus | undefined;
  putTask(state: TaskNodeStatus): void;
  branch(): BranchNodeStatus | undefined;
  putBranch(state: BranchNodeStatus): void;
  workflow(): WorkflowNodeStatus | undefined;
  putWorkflow(state: WorkflowNodeStatus): void;
  gate(): GateNodeStatus | undefined;
  putGate(state: GateNodeStatus): void;
  dynamic(): DynamicNodeStatus | undefined;
  putDynamic(state: DynamicNodeStatus): void;
  array(): ArrayNodeStatus | undefined;
  putArray(state: ArrayNodeStatus): void;
}

/** Everything a handler gets for one node in one round (`NodeExecutionContext`). */
export interface NodeContext {
  readonly node: Node;
  readonly nodeId: string;
  /** The id events use (`fixedLen20(parentUniqueId-parentAttempt-nodeId)` below a parent). */
  readonly uniqueId: string;
  /** The node's persisted status (read-only for handlers except `nodes`, the sub-node statuses). */
  readonly status: NodeStatus;
  /** Current attempt (0-based). */
  readonly attempt: number;
  readonly dataDir: string;
  /** `<dataDir>/<attempt>`. */
  readonly outputDir: string;
  /** `<dataDir>/inputs.pb`. */
  readonly inputsPath: string;
  /** `<outputDir>/outputs.pb`. */
  readonly outputsPath: string;
  readonly execution: ExecutionContext;
  readonly scope: DagScope;
  readonly state: NodeStateAccess;
  /** Effective interruptible flag (§4.3). */
  readonly interruptible: boolean;
  /** The node's inputs (`inputs.pb`, read once per round). */
  inputs(): Promise<LiteralMap>;
  /** Traverses a DAG below this node in this round (sub-workflow, branch case, dynamic workflow). */
  executeDag(dag: SubDag): Promise<DagStatus>;
  /** Aborts every running node of a DAG below this node (sending ABORTED events). */
  abortDag(dag: SubDag, reason: string): Promise<void>;
  /** Finalizes every running node of a DAG below this node. */
  finalizeDag(dag: SubDag): Promise<void>;
  /** The statuses map of this node's children (`subNodeStatus`), created when absent. */
  subNodeStatuses(): NodeStatusMap;
  /**
   * Records that the handler changed another node's status directly (a branch marking its cases Skipped
   * or setting `parentNode`): the status counts as changed this round, as propeller's `SetDirty`.
   */
  markDirty(status: NodeStatus): void;
}

/** What caching needs to know about a node (propeller's `CacheableNodeHandler`). */
export interface NodeCacheInfo {
  /** `discoverable` and the plugin allows node-level caching. */
  cacheable: boolean;
  /** `cache_serializable` as well. */
  serializable: boolean;
  request(ctx: NodeContext): Promise<CacheRequest>;
}

/** A node kind's behaviour (propeller's `handler.Node`). */
export interface NodeHandler {
  readonly kind: NodeKind;
  /**
   * Whether the node passes through Succeeding / Failing / TimingOut so `finalize` (and `abort`) run in
   * a later round (task, dynamic and array nodes); others go straight to the terminal phase.
   */
  readonly finalizeRequired: boolean;
  /** One round of progress. Throw only for system errors that should fail the round (it is retried). */
  handle(ctx: NodeContext): Promise<Transition>;
  /** Stops the node's work (best effort, idempotent). */
  abort(ctx: NodeContext, reason: string): Promise<void>;
  /** Releases what the node holds once it is terminal or aborted (idempotent). */
  finalize(ctx: NodeContext): Promise<void>;
  /** Caching, for handlers that support it. */
  cacheInfo?(ctx: NodeContext): NodeCacheInfo | undefined;
}
