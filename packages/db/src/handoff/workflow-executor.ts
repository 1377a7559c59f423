import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { ClusterAssignment } from "@aloft/idl/gen/flyteidl/admin/cluster_assignment_pb";
import type { RawOutputDataConfig } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type {
  ExecutionClusterLabel,
  PluginOverride,
  TaskResourceSpec,
  WorkflowExecutionConfig,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { DbExecutor } from "../db-executor.js";
import type { EnqueueInput } from "./execution-queue-repo.js";
import type { HandoffTables } from "./handoff-schema.js";

/** Default requests and platform limits applied to the execution's container tasks. */
export interface TaskResources {
  defaults: TaskResourceSpec;
  limits: TaskResourceSpec;
}

/**
 * Everything an engine needs to run a workflow execution: flyteadmin's `ExecutionData` plus its
 * `ExecutionParameters` (`workflowengine/interfaces/executor.go`), which flyteadmin turns into a
 * FlyteWorkflow CRD.
 */
export interface ExecutionRequest {
  executionId: WorkflowExecutionIdentifier;
  /** Kubernetes namespace of the execution (`{{ project }}-{{ domain }}` by default). */
  namespace: string;
  /** Name of the workflow being run. */
  referenceWorkflowName: string;
  /** Name of the launch plan that launched it (the task name for single-task executions). */
  referenceLaunchPlanName: string;
  /**
   * The compiled workflow, with execution-time adjustments (task resources, queues) applied. Inline
   * when given; otherwise the engine reads it from {@link workflowClosureUri}. Possibly shared with other
   * executions of the same workflow: executors must not change it.
   */
  workflowClosure?: CompiledWorkflowClosure;
  /** Blob URI of the compiled workflow closure; at least one of the two is set. */
  workflowClosureUri?: string;
  /** Blob URI of the resolved inputs (`…/inputs`). */
  inputsUri: string;
  /** The resolved inputs, when the caller has them at hand (saves the engine a read). */
  inputs?: LiteralMap;
  /** When admin accepted the execution. */
  acceptedAt: Timestamp;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taskPluginOverrides: PluginOverride[];
  executionConfig?: WorkflowExecutionConfig;
  /** The execution to copy successful node outputs from (RECOVERED mode). */
  recoveryExecution?: WorkflowExecutionIdentifier;
  taskResources?: TaskResources;
  /** The event version the engine should report (flyteadmin config `eventVersion`). */
  eventVersion: number;
  /** Annotation key for the IAM role. */
  roleNameKey?: string;
  rawOutputDataConfig?: RawOutputDataConfig;
  clusterAssignment?: ClusterAssignment;
  executionClusterLabel?: ExecutionClusterLabel;
}

/** What the executor reports back about a started execution. */
export interface ExecutionResponse {
  /** Where it runs; stored in `executions.cluster` and checked against events' `producer_id`. */
  cluster: string;
}

/** Everything an engine needs to abort an execution. */
export interface AbortRequest {
  executionId: WorkflowExecutionIdentifier;
  namespace: string;
  /** The cluster recorded for the execution. */
  cluster: string;
  /** Why (shown as the abort cause). */
  cause: string;
}

/** See {@link WorkflowExecutor.postgresQueueHandOff}. */
export interface PostgresQueueHandOff {
  /** The queue rows that start `requests`, and what `executeMany` would answer. */
  prepare(requests: readonly ExecutionRequest[]): { items: EnqueueInput[]; responses: ExecutionResponse[] };
  /** The channel to `NOTIFY` (with an empty payload) in the statement that queues the rows. */
  channel: string;
}

/** Options of {@link WorkflowExecutor.execute} and {@link WorkflowExecutor.abort}. */
export interface HandOffOptions {
  /**
   * The caller's transaction, so the hand-off commits (or rolls back) with the execution row. An
   * executor that is not database-backed ignores it.
   */
  transaction?: DbExecutor<HandoffTables>;
}

/**
 * The hand-off from admin to the engine that runs workflows (flyteadmin's `WorkflowExecutor`):
 * called when an execution is created and when it is terminated. Admin never calls the engine
 * directly; it calls this interface.
 */
export interface WorkflowExecutor {
  /** A unique name of the implementation (e.g. `queue`). */
  readonly id: string;
  /**
   * Starts an execution. An `AloftError` it throws is recorded on the execution (FAILED) by the
   * caller, as flyteadmin does when the CRD cannot be created.
   */
  execute(request: ExecutionRequest, options?: HandOffOptions): Promise<ExecutionResponse>;
  /**
   * Starts several executions at once (one statement for a database-backed executor), answering in request order.
   * Optional: callers fall back to {@link execute} per request. All or nothing: when it throws, none was started.
   */
  executeMany?(requests: readonly ExecutionRequest[], options?: HandOffOptions): Promise<ExecutionResponse[]>;
  /**
   * Set by an executor that hands off through the database queue and announces with PostgreSQL `NOTIFY`: a caller
   * may then write the queue rows itself, in the statement that records the executions (one round trip instead of a
   * transaction of several), and notify `postgresChannel` in it.
   */
  readonly postgresQueueHandOff?: PostgresQueueHandOff;
  /** Asks the engine to abort a running execution. */
  abort(request: AbortRequest, options?: HandOffOptions): Promise<void>;
}
