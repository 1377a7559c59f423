import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ArrayNode, BranchNode, GateNode, Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";

/** A task node; `ref` is unset when the node names no task. */
export interface TaskNodeKind {
  readonly kind: "task";
  readonly ref: Identifier | undefined;
}

/** A workflow node running a sub-workflow compiled into the same closure. */
export interface SubWorkflowNodeKind {
  readonly kind: "subWorkflow";
  readonly ref: Identifier;
}

/** A workflow node launching a launch plan as a child execution. */
export interface LaunchPlanNodeKind {
  readonly kind: "launchPlan";
  readonly ref: Identifier;
}

/** A workflow node that names neither a sub-workflow nor a launch plan. */
export interface UnreferencedWorkflowNodeKind {
  readonly kind: "unreferencedWorkflow";
}

/** A branch node choosing one of its cases. */
export interface BranchNodeKind {
  readonly kind: "branch";
  readonly branch: BranchNode;
}

/** A gate node waiting for an approval, a signal or a timer. */
export interface GateNodeKind {
  readonly kind: "gate";
  readonly gate: GateNode;
}

/** An array node mapping its sub-node over list inputs. */
export interface ArrayNodeKind {
  readonly kind: "array";
  readonly array: ArrayNode;
}

/** A node without a target (or no node at all). */
export interface NoTargetNodeKind {
  readonly kind: "none";
}

/** What a node does, as one `kind`-discriminated union (the compiler's view of `Node.target`). */
export type NodeKind =
  | TaskNodeKind
  | SubWorkflowNodeKind
  | LaunchPlanNodeKind
  | UnreferencedWorkflowNodeKind
  | BranchNodeKind
  | GateNodeKind
  | ArrayNodeKind
  | NoTargetNodeKind;

type KindName = NodeKind["kind"];

/** Companion of {@link NodeKind}: classify a flyteidl node, and narrow by kind. */
export const NodeKind = Object.freeze({
  /** The kind of `node` (`none` for an unset node or target). */
  of(node: Node | undefined): NodeKind {
    const target = node?.target;
    switch (target?.case) {
      case "taskNode": {
        const ref = target.value.reference;
        return { kind: "task", ref: ref.case === "referenceId" ? ref.value : undefined };
      }
      case "workflowNode": {
        const ref = target.value.reference;
        if (ref.case === "launchplanRef") return { kind: "launchPlan", ref: ref.value };
        if (ref.case === "subWorkflowRef") return { kind: "subWorkflow", ref: ref.value };
        return { kind: "unreferencedWorkflow" };
      }
      case "branchNode":
        return { kind: "branch", branch: target.value };
      case "gateNode":
        return { kind: "gate", gate: target.value };
      case "arrayNode":
        return { kind: "array", array: target.value };
      default:
        return { kind: "none" };
    }
  },

  /** Type guard: whether `k` is of kind `kind`. */
  is<K extends KindName>(k: NodeKind, kind: K): k is Extract<NodeKind, { kind: K }> {
    return k.kind === kind;
  },
});
