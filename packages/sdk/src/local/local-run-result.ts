import type { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type {
  ExecutionError,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";

/** What a node runs. `start`/`end` are the compiler's sentinel nodes. */
export type LocalNodeKind = "start" | "end" | "task" | "subworkflow" | "launch-plan" | "branch" | "gate" | "array";

/**
 * One node execution of a local run. Nested nodes (sub-workflow and dynamic children, the taken case
 * of a branch, array elements, nodes of a launch plan's child run) are keyed by their parent's path:
 * `n1/n0`, `n2/n2-n0`, `n3/n5` (element 5 of array node `n3`).
 */
export interface LocalNodeRecord {
  /** `/`-joined ids from the top-level node down to this one. */
  path: string;
  /** The node's id in its own workflow (`n<i>` for array elements). */
  nodeId: string;
  /** propeller's unique node id (event version 1): the id events and storage paths use. */
  uniqueNodeId: string;
  kind: LocalNodeKind;
  /** SUCCEEDED, FAILED, SKIPPED, TIMED_OUT or ABORTED once done; RUNNING while it runs. */
  phase: NodeExecution_Phase;
  /** The resolved inputs; undefined for skipped nodes and when resolution failed. */
  inputs: LiteralMap | undefined;
  outputs: LiteralMap | undefined;
  /** Attempts started (retries included); 0 for skipped nodes and cache hits. */
  attempts: number;
  /** CACHE_HIT, CACHE_POPULATED, CACHE_PUT_FAILURE, or CACHE_DISABLED when the node is not cached. */
  cacheStatus: CatalogCacheStatus;
  error: ExecutionError | undefined;
  /** For a dynamic task: the workflow its body built, as compiled. */
  dynamicWorkflow: CompiledWorkflowClosure | undefined;
}

/** The outcome of {@link executeWorkflow}. */
export interface LocalRunResult {
  executionId: WorkflowExecutionIdentifier;
  /** SUCCEEDED, FAILED or ABORTED. */
  phase: WorkflowExecution_Phase;
  /** The workflow's outputs when it succeeded. */
  outputs: LiteralMap | undefined;
  /** Why it failed (the failing node's error, as propeller reports it). */
  error: ExecutionError | undefined;
  /** Every node that started or was skipped, by path, in the order they started. */
  nodes: ReadonlyMap<string, LocalNodeRecord>;
}

/**
 * - `started`: the node began its first attempt (after any parallelism wait);
 * - `retrying`: an attempt failed and another begins (`error` is the failure);
 * - `cache-hit`: outputs came from the local cache; the node is done;
 * - `succeeded`, `failed`, `timed-out`, `skipped`, `aborted`: the node is done.
 */
export type LocalNodeEventKind =
  "started" | "retrying" | "cache-hit" | "succeeded" | "failed" | "timed-out" | "skipped" | "aborted";

/** A node's progress, reported to `onEvent` as it happens. Sentinel start/end nodes report none. */
export interface LocalNodeEvent {
  kind: LocalNodeEventKind;
  path: string;
  nodeId: string;
  nodeKind: LocalNodeKind;
  /** The attempt the event is about (for `retrying`, the new one). */
  attempt: number;
  error?: ExecutionError;
  cacheStatus?: CatalogCacheStatus;
}
