/**
 * The task plugin interface: how the engine runs a task node's work, Flyte's `pluginmachinery/core.Plugin`
 * (propeller.md §7.1) in TypeScript. The engine's task node handler calls `handle` once per round while the
 * attempt is not terminal; a plugin that waits on something external (a process, a pod, a web API) calls
 * `ctx.wake()` when it changes, so the engine re-runs the round at once instead of polling.
 *
 * A plugin keeps whatever it needs across rounds (and across an engine restart) in its JSON `state`; the
 * engine persists it with the node status in the same write as the round. Anything held only in memory
 * (a child process handle) is lost on restart, and `handle` must then decide from `state` and the blob store
 * what became of the attempt.
 */
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { JsonValue } from "@bufbuild/protobuf";
import type { ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type {
  NodeExecutionIdentifier,
  TaskExecutionIdentifier,
  WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskLog } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Resources, TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { SecurityContext } from "@aloft/idl/gen/flyteidl/core/security_pb";
import type { ExternalResourceInfo } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { BlobStore } from "@aloft/storage";
import type { ResourceManager } from "./resource-manager.js";

/** Flyte's plugin phases with their persisted integer values (propeller.md §2.1). */
export enum PluginPhase {
  Undefined = 0,
  NotReady = 1,
  WaitingForResources = 2,
  Queued = 3,
  Initializing = 4,
  Running = 5,
  Success = 6,
  RetryableFailure = 7,
  PermanentFailure = 8,
  WaitingForCache = 9,
  Aborted = 10,
}

/** Terminal plugin phases. */
export function isTerminalPluginPhase(phase: PluginPhase): boolean {
  return (
    phase === PluginPhase.Success ||
    phase === PluginPhase.RetryableFailure ||
    phase === PluginPhase.PermanentFailure ||
    phase === PluginPhase.Aborted
  );
}

/** What a plugin reports alongside a phase: shown in task events (logs, custom info, external resources). */
export interface TaskInfo {
  /** When the phase was observed. @default now */
  occurredAt?: Timestamp;
  logs?: TaskLog[];
  /** `custom_info` of the task event. */
  customInfo?: Record<string, JsonValue>;
  /** Per-item records for plugins that run many things (array plugins). */
  externalResources?: ExternalResourceInfo[];
}

/**
 * A plugin's answer for one round. `(phase, version)` identifies what was reported: the engine sends a
 * task event only when the pair changes, so bump `version` to report new information (a reason, logs)
 * without changing phase.
 */
export interface PhaseInfo {
  phase: PluginPhase;
  /** @default 0 */
  version?: number;
  /** Human-readable reason for the phase (queued because…, waiting for…). */
  reason?: string;
  /** Set with RetryableFailure and PermanentFailure. Its `kind` (USER or SYSTEM) selects the retry budget. */
  error?: ExecutionError;
  info?: TaskInfo;
  /**
   * On Success, the outputs when the plugin has them in memory (echo, in-process runners); the engine writes
   * them to `outputs.pb` and looks for nothing else in the output prefix (no `error.pb`, `futures.pb`, and a
   * deck only when the template says it generates one): a plugin returning them wrote none of those. When
   * absent, the engine reads `outputs.pb`, `error.pb` or `futures.pb` from the output prefix, as Flyte does
   * for container tasks.
   */
  outputs?: LiteralMap;
}

/** Static facts about a plugin. */
export interface PluginProperties {
  /** The engine never consults the cache for this plugin's tasks. */
  disableNodeLevelCaching?: boolean;
  /** Max length of the attempt's generated name (≥ 8). @default 50 */
  generatedNameMaxLength?: number;
  /**
   * `finalize` frees only what this engine process holds (a slot, a sandbox): the attempt's outcome stays
   * where a later round reads it (the blob store, the plugin state). A success is then finalized in the
   * round that saw it, instead of persisting Succeeding and finalizing in the next one.
   */
  finalizeKeepsOutcome?: boolean;
}

/** Everything about the attempt a plugin runs, and the engine services it may use. */
export interface TaskExecutionContext {
  /** Task execution id: task id, node execution id (unique node id), retry attempt. */
  readonly taskExecutionId: TaskExecutionIdentifier;
  readonly nodeExecutionId: NodeExecutionIdentifier;
  readonly workflowExecutionId: WorkflowExecutionIdentifier;
  /** `fixedLen50(execName, uniqueNodeId, attempt)`: pod name, resource name, reservation owner. */
  readonly generatedName: string;
  /** The task template with execution-time overrides applied (resources, config). Do not mutate. */
  readonly template: TaskTemplate;
  /** Kubernetes namespace of the execution (`project-domain` by default). */
  readonly namespace: string;
  /** Blob paths of the attempt (propeller.md §5.1). */
  readonly paths: TaskPaths;
  /** Effective interruptible flag (propeller.md §4.3). */
  readonly interruptible: boolean;
  /** Node-level resource overrides, merged over the container's. */
  readonly resourceOverrides?: Resources;
  /** Environment Flyte injects into every container (`FLYTE_INTERNAL_*`, execution env vars, array index). */
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly securityContext?: SecurityContext;
  /** Execution-level node/task deadline hints; the engine enforces deadlines itself. */
  readonly executionDeadline?: Duration;
  /** The store holding the attempt's inputs and outputs. */
  readonly blobs: BlobStore;
  /** Reads and caches `paths.inputs`. */
  inputs(): Promise<LiteralMap>;
  /** The plugin's state from the previous round of this attempt (undefined on the first call). */
  readonly state: JsonValue | undefined;
  /** Replaces the plugin state; persisted with this round. */
  setState(state: JsonValue | undefined): void;
  /** Ask the engine to run another round for this workflow soon (the plugin's external work changed). */
  wake(): void;
  /** Quotas shared by all plugins (propeller.md §7.5). */
  readonly resourceManager: ResourceManager;
  /** Aborted when the engine shuts down; long waits inside `handle` must end on it. */
  readonly signal: AbortSignal;
}

/** Blob paths of a task attempt. */
export interface TaskPaths {
  /** `<nodeDataDir>/inputs.pb` (`{{.input}}`). */
  readonly inputs: string;
  /** `<nodeDataDir>` (`{{.inputPrefix}}`). */
  readonly inputPrefix: string;
  /** `<nodeDataDir>/<attempt>` (`{{.outputPrefix}}`): outputs.pb, error.pb, futures.pb, deck.html. */
  readonly outputPrefix: string;
  /** Per-attempt raw data prefix (`{{.rawOutputDataPrefix}}`). */
  readonly rawOutputPrefix: string;
  /** `<rawOutputPrefix>/_flytecheckpoints` (`{{.checkpointOutputPrefix}}`). */
  readonly checkpointPrefix: string;
  /** Previous attempt's checkpoint prefix, or "" (`{{.prevCheckpointPrefix}}` renders `""` then). */
  readonly prevCheckpointPrefix: string;
}

/** A task plugin. Plugins are stateless objects; per-attempt state lives in the context. */
export interface TaskPlugin {
  /** Unique id, e.g. `local-process`, `echo`, `k8s-pod`. Reported in task events' `plugin_identifier`. */
  readonly id: string;
  /** Task types this plugin handles by default (`raw-container`, `python-task`, `ts-task`, `echo`, …). */
  readonly taskTypes: readonly string[];
  readonly properties?: PluginProperties;
  /** One round of the attempt. Must be idempotent: it may run again after a crash before its state was saved. */
  handle(ctx: TaskExecutionContext): Promise<PhaseInfo>;
  /** Stop the attempt's external work (kill the process, delete the pod). Best effort, idempotent. */
  abort(ctx: TaskExecutionContext, reason: string): Promise<void>;
  /** Release what the attempt holds (resource tokens, temp dirs) after it is terminal or aborted. Idempotent. */
  finalize(ctx: TaskExecutionContext): Promise<void>;
  /**
   * Release what the plugin itself holds (worker processes, watches, connections) when the engine stops.
   * Work that outlives the engine by design (a local process, a pod) is left running. Optional.
   */
  close?(): Promise<void>;
}
