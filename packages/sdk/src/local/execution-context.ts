/*
 * The shared state of a local run and the contracts between its parts. Graph traversal, node
 * execution and the per-kind handlers call each other through `Engine` so they need not import
 * each other in a cycle.
 */
import type { OutputSource } from "@aloft/engine";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import type { CompiledWorkflow, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { NodeExecution_Phase, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Identifier, WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { identifierKey } from "@aloft/idl";
import type { ParentNode } from "@aloft/storage";
import type { CompiledExecuteWorkflowOptions } from "./execute-workflow-options.js";
import type { LocalNodeEvent, LocalNodeKind, LocalNodeRecord } from "./local-run-result.js";
import type { Semaphore } from "./semaphore.js";

/** How a node ended. */
export type NodeOutcome =
  | { phase: "succeeded"; outputs: LiteralMap }
  | { phase: "failed"; error: ExecutionError }
  | { phase: "timed-out"; error: ExecutionError }
  | { phase: "skipped" }
  | { phase: "aborted" };

/** How a workflow graph (top level, sub-workflow or dynamic) ended. */
export type GraphOutcome =
  | { phase: "succeeded"; outputs: LiteralMap }
  | { phase: "failed"; error: ExecutionError }
  | { phase: "timed-out" }
  | { phase: "aborted" };

/** What a node handler's attempt produced; aborts are handled by the caller. */
export type AttemptResult =
  { kind: "success"; outputs: LiteralMap } | { kind: "failure"; error: ExecutionError; retryable: boolean };

/** Tasks and sub-workflows a graph may reference. */
export interface EntityLookup {
  task(id: Identifier | undefined): TaskTemplate | undefined;
  subWorkflow(id: Identifier | undefined): CompiledWorkflow | undefined;
}

/** Lookup over a compiled closure's tasks and sub-workflows. */
export function closureLookup(closure: CompiledWorkflowClosure): EntityLookup {
  const tasks = new Map<string, TaskTemplate>();
  for (const task of closure.tasks) {
    if (task.template?.id !== undefined) tasks.set(identifierKey(task.template.id), task.template);
  }
  const subWorkflows = new Map<string, CompiledWorkflow>();
  for (const sub of closure.subWorkflows) {
    if (sub.template?.id !== undefined) subWorkflows.set(identifierKey(sub.template.id), sub);
  }
  return {
    task: (id) => (id === undefined ? undefined : tasks.get(identifierKey(id))),
    subWorkflow: (id) => (id === undefined ? undefined : subWorkflows.get(identifierKey(id))),
  };
}

/** Runs graphs and nodes; implemented by execute-workflow.ts. */
export interface Engine {
  /** Runs a workflow graph to completion under `scope`, with the given inputs as start-node outputs. */
  runGraph(options: RunGraphOptions): Promise<GraphOutcome>;
  /** Runs a whole workflow execution (graph and failure node), as a launch plan's child run does. */
  runWorkflow(options: RunWorkflowOptions): Promise<GraphOutcome>;
  /** Runs one node: input resolution, cache, parallelism, attempts, deadlines, records and events. */
  executeNode(invocation: NodeInvocation): Promise<NodeOutcome>;
  /**
   * Runs a workflow's failure node after the workflow failed: its bindings see only the workflow's
   * inputs, and its `err` input receives the error.
   */
  runFailureNode(options: RunFailureNodeOptions): Promise<NodeOutcome>;
}

/** Input of {@link Engine.runFailureNode}. */
export interface RunFailureNodeOptions {
  run: RunContext;
  lookup: EntityLookup;
  workflow: CompiledWorkflow;
  /** The workflow's inputs. */
  inputs: LiteralMap;
  pathPrefix: string;
  parent: ParentNode | undefined;
  signal: AbortSignal;
  /** Why the workflow failed. */
  error: ExecutionError;
}

/** Input of {@link Engine.runGraph}. */
export interface RunGraphOptions {
  run: RunContext;
  lookup: EntityLookup;
  workflow: CompiledWorkflow;
  inputs: LiteralMap;
  /** `""` at the top level, `"<parent path>/"` below a node. */
  pathPrefix: string;
  /** The node this graph runs under (for unique node ids); undefined at the top level. */
  parent: ParentNode | undefined;
  signal: AbortSignal;
}

/** Input of {@link Engine.runWorkflow}. */
export interface RunWorkflowOptions {
  run: RunContext;
  closure: CompiledWorkflowClosure;
  inputs: LiteralMap;
  pathPrefix: string;
  signal: AbortSignal;
}

/** A graph being run: what its nodes need to resolve bindings and find one another. */
export interface GraphScope {
  readonly run: RunContext;
  readonly lookup: EntityLookup;
  readonly workflow: CompiledWorkflow;
  readonly pathPrefix: string;
  readonly parent: ParentNode | undefined;
  /** Resolves promises against the outputs of this graph's nodes. */
  readonly source: OutputSource;
  /** Upstream node ids of a node (from `connections.upstream`; branch cases included). */
  upstreamOf(nodeId: string): readonly string[];
  /** Settles when the node is done (immediately if it already is). */
  whenDone(nodeId: string): Promise<NodeOutcome>;
  /** Records the outcome of a node run outside the graph's own scheduling (a branch's taken case). */
  settle(nodeId: string, outcome: NodeOutcome): void;
}

/** One node to run. */
export interface NodeInvocation {
  scope: GraphScope;
  node: Node;
  /** The id the node runs as (array elements: `n<i>`). */
  nodeId: string;
  path: string;
  uniqueNodeId: string;
  /** Already resolved inputs (array elements); otherwise the node's bindings are resolved against `scope.source`. */
  inputs?: LiteralMap;
  /** Where bindings resolve when `inputs` is not given. @default scope.source */
  source?: OutputSource;
  /** For a workflow's failure node: the error whose `err` input it receives. */
  originalError?: ExecutionError;
  /** For array elements. */
  arrayIndex?: number;
  /** Replaces the referenced task (array elements see list outputs as element types). */
  taskTemplate?: TaskTemplate;
  /** Aborts the node (its graph failed fast, its array node failed, the run was cancelled). */
  signal: AbortSignal;
}

/** What a handler gets for one attempt. */
export interface AttemptContext {
  invocation: NodeInvocation;
  /** The resolved inputs. */
  inputs: LiteralMap;
  /** The task of a task node. */
  template: TaskTemplate | undefined;
  attempt: number;
  /** Aborted when this attempt's deadline passes or the node is aborted. */
  signal: AbortSignal;
  /** The node's parallelism slot, for handlers that give it up while waiting on children. */
  slot: ParallelismSlot;
  record: LocalNodeRecord;
}

/** A node's hold on the run's parallelism budget. */
export class ParallelismSlot {
  #held = false;

  constructor(
    private readonly semaphore: Semaphore | undefined,
    private readonly signal: AbortSignal,
  ) {}

  /** Takes a slot unless one is held; false when aborted while waiting. */
  async acquire(): Promise<boolean> {
    if (this.#held || this.semaphore === undefined) return true;
    this.#held = await this.semaphore.acquire(this.signal);
    return this.#held;
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.semaphore?.release();
  }
}

/** State shared by every node of one execution (a launch plan's child run has its own). */
export class RunContext {
  readonly records: Map<string, LocalNodeRecord>;

  constructor(
    readonly options: CompiledExecuteWorkflowOptions,
    readonly executionId: WorkflowExecutionIdentifier,
    readonly parallelism: Semaphore,
    readonly engine: Engine,
    records?: Map<string, LocalNodeRecord>,
  ) {
    this.records = records ?? new Map();
  }

  emit(event: LocalNodeEvent): void {
    this.options.onEvent?.(event);
  }

  /** Creates (or replaces, on a re-run of a parent) the record of a node. */
  newRecord(fields: { path: string; nodeId: string; uniqueNodeId: string; kind: LocalNodeKind }): LocalNodeRecord {
    const record: LocalNodeRecord = {
      ...fields,
      phase: NodeExecution_Phase.RUNNING,
      inputs: undefined,
      outputs: undefined,
      attempts: 0,
      cacheStatus: CatalogCacheStatus.CACHE_DISABLED,
      error: undefined,
      dynamicWorkflow: undefined,
    };
    this.records.delete(fields.path);
    this.records.set(fields.path, record);
    return record;
  }
}

/** The kind of a node, for records and events. */
export function nodeKindOf(node: Node): LocalNodeKind {
  switch (node.target.case) {
    case "taskNode":
      return "task";
    case "workflowNode":
      return node.target.value.reference.case === "launchplanRef" ? "launch-plan" : "subworkflow";
    case "branchNode":
      return "branch";
    case "gateNode":
      return "gate";
    case "arrayNode":
      return "array";
    default:
      return node.id === "end-node" ? "end" : "start";
  }
}
