/*
 * Runs one workflow graph (the top level, a sub-workflow, or what a dynamic task built) with
 * propeller's semantics (controller/nodes/executor.go, predicate.go) but without rounds: a node
 * starts as soon as its last upstream node is done; it is skipped when any upstream node failed,
 * timed out or was skipped. FAIL_IMMEDIATELY aborts running nodes at the first failure and starts
 * nothing more; FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets independent nodes finish, then reports
 * the failure propeller's traversal would report.
 */
import { NodeError, systemError, resolveBindings, type OutputSource } from "@aloft/engine";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { WorkflowMetadata_OnFailurePolicy, type Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { END_NODE_ID, START_NODE_ID, uniqueNodeId } from "@aloft/storage";
import {
  nodeKindOf,
  type GraphOutcome,
  type GraphScope,
  type NodeOutcome,
  type RunFailureNodeOptions,
  type RunGraphOptions,
} from "./execution-context.js";
import { AbortFanout } from "./abort-fanout.js";

interface NodeState {
  spec: Node;
  outcome: NodeOutcome | undefined;
  waiters: ((outcome: NodeOutcome) => void)[] | undefined;
}

/** Runs a graph to completion; see {@link Engine.runGraph}. */
export function runGraph(options: RunGraphOptions): Promise<GraphOutcome> {
  return new GraphRun(options).start();
}

class GraphRun implements GraphScope {
  readonly run;
  readonly lookup;
  readonly workflow;
  readonly pathPrefix;
  readonly parent;
  readonly source: OutputSource;

  readonly #inputs: LiteralMap;
  readonly #fanout: AbortFanout;
  readonly #states = new Map<string, NodeState>();
  readonly #topLevel: Node[] = [];
  readonly #dependents = new Map<string, string[]>();
  readonly #pending = new Map<string, number>();
  readonly #failFast: boolean;
  #unsettled = 0;
  #inFlight = 0;
  #firstFailure: NodeOutcome | undefined;
  #anyFailure = false;
  #finish: ((outcome: GraphOutcome) => void) | undefined;
  #finished = false;

  constructor(options: RunGraphOptions) {
    this.run = options.run;
    this.lookup = options.lookup;
    this.workflow = options.workflow;
    this.pathPrefix = options.pathPrefix;
    this.parent = options.parent;
    this.#inputs = options.inputs;
    this.#fanout = new AbortFanout(options.signal);
    this.#failFast =
      options.workflow.template?.metadata?.onFailure !==
      WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE;

    for (const node of options.workflow.template?.nodes ?? []) {
      this.#topLevel.push(node);
      this.#addState(node);
    }
    this.source = {
      producer: (nodeId) => {
        const state = this.#states.get(nodeId);
        if (state === undefined) return undefined;
        const outcome = state.outcome;
        return {
          outputs: outcome?.phase === "succeeded" ? outcome.outputs : undefined,
          aliases: state.spec.outputAliases,
        };
      },
    };
  }

  #addState(node: Node): void {
    this.#states.set(node.id, { spec: node, outcome: undefined, waiters: undefined });
    if (node.target.case !== "branchNode") return;
    const ifElse = node.target.value.ifElse;
    const cases = [ifElse?.case?.thenNode, ...(ifElse?.other ?? []).map((b) => b.thenNode)];
    if (ifElse?.default.case === "elseNode") cases.push(ifElse.default.value);
    for (const child of cases) if (child !== undefined) this.#addState(child);
  }

  upstreamOf(nodeId: string): readonly string[] {
    return this.workflow.connections?.upstream[nodeId]?.ids ?? [];
  }

  whenDone(nodeId: string): Promise<NodeOutcome> {
    const state = this.#states.get(nodeId);
    if (state === undefined) return Promise.resolve({ phase: "skipped" });
    if (state.outcome !== undefined) return Promise.resolve(state.outcome);
    return new Promise((resolve) => (state.waiters ??= []).push(resolve));
  }

  settle(nodeId: string, outcome: NodeOutcome): void {
    const state = this.#states.get(nodeId);
    if (state === undefined || state.outcome !== undefined) return;
    state.outcome = outcome;
    for (const waiter of state.waiters ?? []) waiter(outcome);
    state.waiters = undefined;
  }

  start(): Promise<GraphOutcome> {
    const done = new Promise<GraphOutcome>((resolve) => (this.#finish = resolve));

    const ids = new Set(this.#topLevel.map((n) => n.id));
    for (const node of this.#topLevel) {
      if (node.id === START_NODE_ID) continue;
      const upstream = this.upstreamOf(node.id).filter((id) => ids.has(id) && id !== node.id);
      this.#pending.set(node.id, upstream.length);
      for (const up of upstream) {
        let list = this.#dependents.get(up);
        if (list === undefined) this.#dependents.set(up, (list = []));
        list.push(node.id);
      }
    }
    this.#unsettled = this.#topLevel.length;

    const start = this.#states.get(START_NODE_ID);
    if (start === undefined) {
      this.#complete({ phase: "failed", error: systemError("IllegalStateError", "Start node not found") });
    } else {
      // Nodes with no upstream at all (only possible in hand-made graphs) start with the start node.
      const orphans = this.#topLevel.filter((n) => this.#pending.get(n.id) === 0).map((n) => n.id);
      this.#recordSentinel(START_NODE_ID, this.#inputs, this.#inputs);
      this.#onDone(START_NODE_ID, { phase: "succeeded", outputs: this.#inputs });
      for (const id of orphans) this.#ready(id);
    }
    return done;
  }

  #onDone(nodeId: string, outcome: NodeOutcome): void {
    this.settle(nodeId, outcome);
    this.#unsettled--;
    if (outcome.phase === "failed" || outcome.phase === "timed-out") {
      this.#anyFailure = true;
      if (this.#firstFailure === undefined) this.#firstFailure = outcome;
      if (this.#failFast) this.#fanout.abort("Some node execution failed, auto-abort.");
    }
    for (const dependent of this.#dependents.get(nodeId) ?? []) {
      const left = (this.#pending.get(dependent) ?? 0) - 1;
      this.#pending.set(dependent, left);
      if (left === 0) this.#ready(dependent);
    }
    this.#checkComplete();
  }

  #ready(nodeId: string): void {
    if (this.#fanout.aborted) return;
    const state = this.#states.get(nodeId);
    if (state === undefined) return;
    const blocked = this.upstreamOf(nodeId).some((up) => {
      const phase = this.#states.get(up)?.outcome?.phase;
      return phase === "failed" || phase === "timed-out" || phase === "skipped";
    });
    if (blocked) {
      this.#skip(state.spec);
      return;
    }
    if (nodeId === END_NODE_ID) {
      this.#runEndNode(state.spec);
      return;
    }
    this.#inFlight++;
    const path = this.pathPrefix + nodeId;
    const controller = this.#fanout.child();
    this.run.engine
      .executeNode({
        scope: this,
        node: state.spec,
        nodeId,
        path,
        uniqueNodeId: uniqueNodeId({ nodeId, parent: this.parent }),
        signal: controller.signal,
      })
      .catch((e: unknown): NodeOutcome => ({ phase: "failed", error: systemError("InternalError", String(e)) }))
      .then((outcome) => {
        this.#fanout.release(controller);
        this.#inFlight--;
        this.#onDone(nodeId, outcome);
      });
  }

  #skip(node: Node): void {
    const path = this.pathPrefix + node.id;
    const record = this.run.newRecord({
      path,
      nodeId: node.id,
      uniqueNodeId: uniqueNodeId({ nodeId: node.id, parent: this.parent }),
      kind: nodeKindOf(node),
    });
    record.phase = NodeExecution_Phase.SKIPPED;
    if (node.id !== END_NODE_ID) {
      this.run.emit({ kind: "skipped", path, nodeId: node.id, nodeKind: record.kind, attempt: 0 });
    }
    this.#onDone(node.id, { phase: "skipped" });
  }

  #runEndNode(node: Node): void {
    let outcome: NodeOutcome;
    try {
      const outputs = resolveBindings(node.id, node.inputs, this.source);
      this.#recordSentinel(END_NODE_ID, outputs, outputs);
      outcome = { phase: "succeeded", outputs };
    } catch (e) {
      const message = e instanceof NodeError ? e.message : String(e);
      const error = systemError("BindingResolutionFailure", message);
      const record = this.#recordSentinel(END_NODE_ID, undefined, undefined);
      record.phase = NodeExecution_Phase.FAILED;
      record.error = error;
      outcome = { phase: "failed", error };
    }
    this.#onDone(END_NODE_ID, outcome);
  }

  #recordSentinel(nodeId: string, inputs: LiteralMap | undefined, outputs: LiteralMap | undefined) {
    const record = this.run.newRecord({
      path: this.pathPrefix + nodeId,
      nodeId,
      uniqueNodeId: uniqueNodeId({ nodeId, parent: this.parent }),
      kind: nodeId === START_NODE_ID ? "start" : "end",
    });
    record.phase = NodeExecution_Phase.SUCCEEDED;
    record.inputs = inputs;
    record.outputs = outputs;
    record.cacheStatus = CatalogCacheStatus.CACHE_DISABLED;
    return record;
  }

  #checkComplete(): void {
    if (this.#finished) return;
    if (this.#failFast && this.#firstFailure !== undefined) {
      if (this.#inFlight === 0) this.#complete(toGraphOutcome(this.#firstFailure));
      return;
    }
    if (this.#fanout.aborted && this.#inFlight === 0) {
      this.#complete({ phase: "aborted" });
      return;
    }
    if (this.#unsettled > 0) return;
    if (this.#anyFailure) {
      this.#complete(toGraphOutcome(this.#traversalFailure()));
      return;
    }
    const end = this.#states.get(END_NODE_ID)?.outcome;
    if (end?.phase === "succeeded") this.#complete({ phase: "succeeded", outputs: end.outputs });
    else this.#complete({ phase: "aborted" });
  }

  #complete(outcome: GraphOutcome): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#fanout.dispose();
    this.#finish?.(outcome);
  }

  /**
   * The failure propeller's depth-first traversal from the start node ends on under
   * FAIL_AFTER_EXECUTABLE_NODES_COMPLETE: at each node, the last failing branch in downstream order.
   */
  #traversalFailure(): NodeOutcome {
    const memo = new Map<string, NodeOutcome | undefined>();
    const visit = (nodeId: string): NodeOutcome | undefined => {
      if (memo.has(nodeId)) return memo.get(nodeId);
      memo.set(nodeId, undefined);
      const outcome = this.#states.get(nodeId)?.outcome;
      let result: NodeOutcome | undefined;
      const downstream = this.workflow.connections?.downstream[nodeId]?.ids ?? [];
      if (outcome?.phase === "failed" || outcome?.phase === "timed-out") {
        for (const d of downstream) visit(d);
        result = outcome;
      } else {
        for (const d of downstream) {
          const s = visit(d);
          if (s !== undefined) result = s;
        }
      }
      memo.set(nodeId, result);
      return result;
    };
    return visit(START_NODE_ID) ?? this.#firstFailure ?? { phase: "aborted" };
  }
}

function toGraphOutcome(outcome: NodeOutcome): GraphOutcome {
  switch (outcome.phase) {
    case "failed":
      return { phase: "failed", error: outcome.error };
    case "timed-out":
      return { phase: "timed-out" };
    case "succeeded":
      return { phase: "succeeded", outputs: outcome.outputs };
    default:
      return { phase: "aborted" };
  }
}

/**
 * Runs a workflow's failure node (propeller's `FailureNodeLookup`): its only upstream is the start
 * node, promises to any other node read the failure node's own (absent) outputs, and its `err` input
 * receives the workflow's error.
 */
export function runFailureNode(options: RunFailureNodeOptions): Promise<NodeOutcome> {
  const node = options.workflow.template?.failureNode;
  if (node === undefined) return Promise.resolve({ phase: "skipped" });
  const startOutcome: NodeOutcome = { phase: "succeeded", outputs: options.inputs };
  const scope: GraphScope = {
    run: options.run,
    lookup: options.lookup,
    workflow: options.workflow,
    pathPrefix: options.pathPrefix,
    parent: options.parent,
    source: {
      producer: (nodeId) =>
        nodeId === START_NODE_ID
          ? { outputs: options.inputs, aliases: [] }
          : { outputs: undefined, aliases: node.outputAliases },
    },
    upstreamOf: () => [START_NODE_ID],
    whenDone: (nodeId) => Promise.resolve(nodeId === START_NODE_ID ? startOutcome : { phase: "skipped" }),
    settle: () => {},
  };
  return options.run.engine.executeNode({
    scope,
    node,
    nodeId: node.id,
    path: options.pathPrefix + node.id,
    uniqueNodeId: uniqueNodeId({ nodeId: node.id, parent: options.parent }),
    originalError: options.error,
    signal: options.signal,
  });
}
