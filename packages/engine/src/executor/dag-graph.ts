/*
 * The executable shape of a compiled workflow: its nodes by id (branch cases flattened in, as propeller's
 * CRD builder does) and its edges, plus the derived graphs propeller traverses: the leaf DAG of a branch's
 * chosen case (`NewLeafNodeDAGStructure`) and the failure node's lookup (`NewFailureNodeLookup`).
 */
import type { CompiledWorkflow } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { type Node, WorkflowMetadata_OnFailurePolicy } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { START_NODE_ID } from "@aloft/storage";
import { NodePhase } from "../state/phases.js";
import type { NodeStatusMap } from "../state/workflow-status.js";

/** Nodes and edges the traversal walks. */
export interface DagGraph {
  node(nodeId: string): Node | undefined;
  /** Upstream node ids (`ToNode`). */
  upstream(nodeId: string): readonly string[];
  /** Downstream node ids (`FromNode`). */
  downstream(nodeId: string): readonly string[];
}

/** A compiled workflow (primary or sub-workflow) ready to traverse. */
export interface WorkflowGraph extends DagGraph {
  readonly compiled: CompiledWorkflow;
  /** Stop at the first failure (FAIL_IMMEDIATELY) or let independent nodes finish. */
  readonly failFast: boolean;
  /** The workflow's failure node (`on_failure`), if any. */
  readonly failureNode: Node | undefined;
}

const NONE: readonly string[] = Object.freeze([]);

/** Indexes a compiled workflow. */
export function workflowGraph(compiled: CompiledWorkflow): WorkflowGraph {
  const nodes = new Map<string, Node>();
  const add = (node: Node | undefined): void => {
    if (node === undefined || nodes.has(node.id)) return;
    nodes.set(node.id, node);
    if (node.target.case !== "branchNode") return;
    const ifElse = node.target.value.ifElse;
    add(ifElse?.case?.thenNode);
    for (const block of ifElse?.other ?? []) add(block.thenNode);
    if (ifElse?.default.case === "elseNode") add(ifElse.default.value);
  };
  const template = compiled.template;
  for (const node of template?.nodes ?? []) add(node);
  const failureNode = template?.failureNode;
  if (failureNode !== undefined) add(failureNode);
  const upstream = compiled.connections?.upstream ?? {};
  const downstream = compiled.connections?.downstream ?? {};
  return {
    compiled,
    failFast: template?.metadata?.onFailure !== WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
    failureNode,
    node: (id) => nodes.get(id),
    upstream: (id) => upstream[id]?.ids ?? NONE,
    downstream: (id) => downstream[id]?.ids ?? NONE,
  };
}

/** The DAG of a branch's chosen case: the case alone, upstream of it its own upstream plus the branch node. */
export function leafNodeGraph(base: DagGraph, leafId: string, branchNodeId: string): DagGraph {
  const upstream = [...base.upstream(leafId), branchNodeId];
  return {
    node: (id) => base.node(id),
    upstream: (id) => (id === leafId ? upstream : base.upstream(id)),
    downstream: (id) => (id === leafId ? NONE : base.downstream(id)),
  };
}

/** The failure node's DAG: its only upstream is the start node, it has no downstream. */
export function failureNodeGraph(base: DagGraph, failureNode: Node): DagGraph {
  const upstream = [START_NODE_ID];
  return {
    node: (id) => (id === START_NODE_ID ? base.node(id) : failureNode),
    upstream: () => upstream,
    downstream: () => NONE,
  };
}

/**
 * Whether every node reachable from the start node has succeeded, was skipped or was recovered: what the
 * traversal would report as complete, found without handling any node.
 */
export function dagSucceeded(graph: DagGraph, statuses: NodeStatusMap): boolean {
  const seen = new Set<string>();
  const pending = [START_NODE_ID];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const phase = statuses[id]?.phase;
    if (phase !== NodePhase.Succeeded && phase !== NodePhase.Skipped && phase !== NodePhase.Recovered) return false;
    pending.push(...graph.downstream(id));
  }
  return true;
}
