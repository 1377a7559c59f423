import type { CompiledWorkflow } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { TypedInterface, VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { CompileError } from "./compile-error.js";
import type { ErrorScope } from "./error-scope.js";
import type { LaunchPlanInterface } from "./launch-plan-interface.js";

/** The sentinel node whose outputs are the workflow's inputs. */
export const START_NODE_ID = "start-node";
/** The sentinel node whose inputs are the workflow's outputs. */
export const END_NODE_ID = "end-node";

/**
 * Which adjacency sets a dependency is recorded in: both (an execution edge), or only one of them.
 * Branch case nodes and the failure node record upstream only, so they never appear in a downstream list.
 */
export type EdgeDirection = "bidirectional" | "downstream" | "upstream";

/** Effective outputs of a node (aliases applied) with the errors computing them produced. */
export interface EffectiveOutputs {
  outputs: VariableMap | undefined;
  errors: CompileError[];
}

/**
 * A node being compiled: the (mutable) flyteidl node plus what compilation learns about it. The node
 * is edited in place: branch case nodes are renamed, upstream ids sorted, promises completed.
 */
export class NodeBuilder {
  /** The node's input/output interface once derived without errors. */
  iface: TypedInterface | undefined;
  /** Set once a sub-workflow node's sub-workflow has been compiled through it. */
  subWorkflowCompiled = false;
  /** Memo of {@link EffectiveOutputs}, valid once `iface` is set. */
  effectiveOutputs: EffectiveOutputs | undefined;

  constructor(readonly node: Node | undefined) {}

  get id(): string {
    return this.node?.id ?? "";
  }

  set id(id: string) {
    if (this.node !== undefined) this.node.id = id;
  }
}

/** The graph-level services validators use; implemented by the workflow builder. */
export interface WorkflowGraph {
  /** The template being compiled (edited in place). */
  readonly template: WorkflowTemplate;
  /** A top-level node added so far, by id. */
  getNode(id: string): NodeBuilder | undefined;
  /** The one builder for a flyteidl node object (one per object, like Flyte's pointer-keyed index). */
  builderFor(node: Node | undefined): NodeBuilder;
  addExecutionEdge(from: string, to: string): void;
  addUpstreamEdge(from: string, to: string): void;
  addDownstreamEdge(from: string, to: string): void;
  /** Adds a node's explicit (unless upstream-only) and binding edges, validating its bindings. */
  addEdges(n: NodeBuilder, direction: EdgeDirection, errs: ErrorScope): void;
  findTask(id: Identifier): TaskTemplate | undefined;
  /** The task's template, copied first if needed, so the compiler may complete its interface in place. */
  ownTaskTemplate(id: Identifier): TaskTemplate | undefined;
  findLaunchPlan(id: Identifier): LaunchPlanInterface | undefined;
  findSubWorkflow(id: Identifier): CompiledWorkflow | undefined;
  /** Compiles a referenced sub-workflow unless it already was (reports a missing one). */
  compileSubWorkflow(n: NodeBuilder, ref: Identifier, errs: ErrorScope): void;
}
