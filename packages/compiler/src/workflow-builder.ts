import { create } from "@bufbuild/protobuf";
import {
  ConnectionSetSchema,
  ConnectionSet_IdListSchema,
  type CompiledWorkflow,
  type ConnectionSet_IdList,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { NodeSchema, type Node, type WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { CompileContext } from "./compile-context.js";
import { compileErrors } from "./compile-errors.js";
import type { ErrorScope } from "./error-scope.js";
import { identifierKey, identifierToString, sortIds } from "./identifiers.js";
import type { LaunchPlanInterface } from "./launch-plan-interface.js";
import { validateBindings } from "./validators/bindings.js";
import { validateInterface } from "./validators/interface.js";
import { validateNode } from "./validators/node.js";
import { validateReachable } from "./validators/reachability.js";
import { END_NODE_ID, NodeBuilder, START_NODE_ID, type EdgeDirection, type WorkflowGraph } from "./workflow-graph.js";

/** The graph of one workflow being compiled: its nodes, node builders and adjacency sets. */
class WorkflowBuilder implements WorkflowGraph {
  readonly nodes = new Map<string, NodeBuilder>();
  readonly downstream = new Map<string, Set<string>>();
  readonly upstream = new Map<string, Set<string>>();
  private readonly builders = new Map<Node | undefined, NodeBuilder>();

  constructor(
    private readonly ctx: CompileContext,
    readonly template: WorkflowTemplate,
  ) {}

  getNode(id: string): NodeBuilder | undefined {
    return this.nodes.get(id);
  }

  builderFor(node: Node | undefined): NodeBuilder {
    let builder = this.builders.get(node);
    if (builder === undefined) {
      builder = new NodeBuilder(node);
      this.builders.set(node, builder);
    }
    return builder;
  }

  /** Adds a top-level node; `false` when a node with its id is already there. */
  addNode(n: NodeBuilder): boolean {
    if (this.nodes.has(n.id)) return false;
    this.nodes.set(n.id, n);
    if (n.node !== undefined) this.template.nodes.push(n.node);
    return true;
  }

  addUpstreamEdge(from: string, to: string): void {
    addTo(this.upstream, to, from === "" ? START_NODE_ID : from);
  }

  addDownstreamEdge(from: string, to: string): void {
    addTo(this.downstream, from === "" ? START_NODE_ID : from, to);
  }

  addExecutionEdge(from: string, to: string): void {
    this.addDownstreamEdge(from, to);
    this.addUpstreamEdge(from, to);
  }

  addEdges(n: NodeBuilder, direction: EdgeDirection, errs: ErrorScope): void {
    // A node whose interface could not be derived has already been reported; it gets no edges.
    if (n.iface === undefined) return;
    if (direction !== "upstream") for (const up of n.node?.upstreamNodeIds ?? []) this.addExecutionEdge(up, n.id);
    validateBindings({
      graph: this,
      node: n,
      bindings: n.node?.inputs ?? [],
      params: n.iface.inputs,
      validateParamTypes: true,
      direction,
      errs: errs.child(),
    });
  }

  findTask(id: Identifier): TaskTemplate | undefined {
    return this.ctx.findTask(id);
  }

  ownTaskTemplate(id: Identifier): TaskTemplate | undefined {
    return this.ctx.ownTaskTemplate(id);
  }

  findLaunchPlan(id: Identifier): LaunchPlanInterface | undefined {
    return this.ctx.launchPlans.get(identifierKey(id));
  }

  findSubWorkflow(id: Identifier): CompiledWorkflow | undefined {
    return this.ctx.subWorkflows.get(identifierKey(id));
  }

  /**
   * Deliberate differences: Flyte compiles a sub-workflow again for every workflow that calls it
   * (harmless, except that it prefixes a branch case id once more each time) and recurses forever on
   * sub-workflows that call each other. Aloft compiles each once and reports such a loop as `CycleDetected`.
   */
  compileSubWorkflow(n: NodeBuilder, ref: Identifier, errs: ErrorScope): void {
    const key = identifierKey(ref);
    const sub = this.ctx.subWorkflows.get(key);
    if (sub === undefined) {
      errs.collect(compileErrors.workflowReferenceNotFound(n.id, identifierToString(ref), [n.id]));
      return;
    }
    if (this.ctx.compiling.some((w) => w.key === key)) {
      const names = [...this.ctx.compiling.map((w) => w.id), ref].map((id) => identifierToString(id));
      errs.collect(compileErrors.subWorkflowCycle(n.id, names));
      return;
    }
    if (this.ctx.attemptedSubWorkflows.has(key) || n.subWorkflowCompiled) return;
    this.ctx.attemptedSubWorkflows.add(key);
    this.ctx.compiling.push({ key, id: ref });
    n.subWorkflowCompiled = validateWorkflow(this.ctx, sub, errs.child());
    this.ctx.compiling.pop();
  }

  /** The adjacency sets as flyteidl connections, every id list sorted. */
  connections(): { downstream: Record<string, ConnectionSet_IdList>; upstream: Record<string, ConnectionSet_IdList> } {
    return { downstream: toIdLists(this.downstream), upstream: toIdLists(this.upstream) };
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function toIdLists(map: Map<string, Set<string>>): Record<string, ConnectionSet_IdList> {
  const result: Record<string, ConnectionSet_IdList> = {};
  for (const key of sortIds([...map.keys()])) {
    result[key] = create(ConnectionSet_IdListSchema, { ids: sortIds([...(map.get(key) ?? [])]) });
  }
  return result;
}

/**
 * Compiles one workflow in place (propeller's `ValidateWorkflow`): adds the start and end sentinel
 * nodes, validates every node, records edges (explicit dependencies and bindings; upstream-only for
 * branch cases and the failure node), ties nodes without upstream to the start node and nodes without
 * downstream to the end node, checks the workflow outputs and that the graph is acyclic and fully
 * reachable, and fills in `connections`. Returns whether it found no error.
 */
export function validateWorkflow(ctx: CompileContext, compiled: CompiledWorkflow, errs: ErrorScope): boolean {
  const template = compiled.template;
  if (template === undefined || template.nodes.length === 0) {
    errs.collect(compileErrors.noNodesFound(template?.id));
    return false;
  }
  const wf = new WorkflowBuilder(ctx, template);
  const wfIface = validateInterface(START_NODE_ID, template.interface, errs.child());
  template.interface = wfIface.iface;
  if (!wfIface.ok) return false;

  const userNodes = template.nodes;
  template.nodes = [];
  const start = wf.builderFor(create(NodeSchema, { id: START_NODE_ID }));
  wf.addNode(start);
  start.iface = create(TypedInterfaceSchema, { outputs: wfIface.iface.inputs });
  // The end node's inputs are the workflow's output bindings themselves (completing one completes both).
  const end = wf.builderFor(create(NodeSchema, { id: END_NODE_ID, inputs: template.outputs }));
  wf.addNode(end);
  end.iface = create(TypedInterfaceSchema, { inputs: wfIface.iface.outputs });

  // Top-level nodes are wired to the sentinels below; branch case nodes are not among them.
  const topLevel = new Set<string>();
  for (const node of userNodes) {
    topLevel.add(node.id);
    const n = wf.builderFor(node);
    if (wf.addNode(n)) validateNode(wf, n, false, errs.child());
    // Deliberate difference: Flyte silently drops a node whose id is taken (even by a sentinel),
    // compiling a workflow without it; Aloft reports it.
    else errs.collect(compileErrors.duplicateNodeId(node.id));
  }

  // Sorted so edges and reported errors do not depend on map order.
  const nodeIds = sortIds([...wf.nodes.keys()]);
  for (const id of nodeIds) {
    const n = wf.nodes.get(id);
    if (id !== START_NODE_ID && n !== undefined) wf.addEdges(n, "bidirectional", errs.child());
  }

  if (template.failureNode !== undefined) {
    const failure = wf.builderFor(template.failureNode);
    validateNode(wf, failure, false, errs.child());
    wf.addEdges(failure, "upstream", errs.child());
  }

  for (const id of nodeIds) {
    if (id === START_NODE_ID || id === END_NODE_ID || !topLevel.has(id)) continue;
    // Nodes that need nothing start with the workflow; nodes nothing needs finish before it ends.
    if (!wf.upstream.has(id)) wf.addExecutionEdge(START_NODE_ID, id);
    if (!wf.downstream.has(id)) wf.addExecutionEdge(id, END_NODE_ID);
  }

  const endIface = validateInterface(END_NODE_ID, end.iface, errs.child());
  if (endIface.ok) {
    validateBindings({
      graph: wf,
      node: end,
      bindings: end.node?.inputs ?? [],
      params: endIface.iface.inputs,
      validateParamTypes: true,
      direction: "bidirectional",
      errs: errs.child(),
    });
  }

  validateReachable({ nodeIds: wf.nodes.keys(), downstream: wf.downstream, errs: errs.child() });
  compiled.connections = create(ConnectionSetSchema, wf.connections());
  return !errs.hasErrors();
}
