import type { Primitive, Scalar } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { CallSite, EntityBase } from "../entities/entity.js";
import type { PodTemplate, ResourceSpec } from "../entities/resources.js";
import type { AnyType } from "../types/type.js";

/** Marks refs; a registry symbol so refs made by another copy of the SDK are recognised. */
export const REF_STATE: unique symbol = Symbol.for("aloft.sdk.ref") as never;

/** Marks the value a call returns in a workflow body (it carries the node). */
export const NODE_STATE: unique symbol = Symbol.for("aloft.sdk.node") as never;

/** One step of an attribute path into a record field, list element or map value (flyteidl `PromiseAttribute`). */
export type AttrStep = string | number;

/**
 * What a ref points at: a node's output (`node` set) or a workflow input (`node` undefined, flytekit's
 * empty node id), possibly narrowed by an attribute path.
 * @internal
 */
export interface RefState {
  readonly scope: Scope;
  readonly node: NodeSpec | undefined;
  readonly var: string;
  readonly attrPath: readonly AttrStep[];
  readonly literalType: LiteralType;
}

// The in-memory form of what a workflow body builds. It holds references to entities and nodes rather
// than ids, because names are only final once the module loader has run; serialization turns it into
// flyteidl with the names and settings of the registration.

/** A value bound to an input or output: a ref, a constant, or a list or map mixing both. @internal */
export type BindingDataSpec =
  | { kind: "promise"; ref: RefState }
  | { kind: "scalar"; scalar: Scalar }
  | { kind: "collection"; items: BindingDataSpec[] }
  | { kind: "map"; entries: Record<string, BindingDataSpec> };

/** One input binding of a node, or one output binding of a workflow. @internal */
export interface BindingSpec {
  var: string;
  data: BindingDataSpec;
}

/** flyteidl `NodeMetadata`, before serialization. @internal */
export interface NodeMetadataSpec {
  /** The display name; when undefined, the called entity's short name, known once it is named. */
  name: string | undefined;
  /** Unset (flytekit writes no timeout) when undefined or 0. */
  timeoutMs?: number;
  retries: number;
  interruptible?: boolean;
  cacheable?: boolean;
  cacheVersion?: string;
  cacheSerializable?: boolean;
}

/** flyteidl `TaskNodeOverrides`, before serialization. @internal */
export interface TaskOverridesSpec {
  requests?: ResourceSpec;
  limits?: ResourceSpec;
  image?: string;
  podTemplate?: PodTemplate;
}

/** One variable of a callee's interface. @internal */
export interface VarSpec {
  literalType: LiteralType;
  /** The SDK type, for encoding constants; absent for interfaces known only as literal types. */
  type: AnyType | undefined;
  /** Whether the variable may be left unbound (it is then bound to none, as flytekit does). */
  optional: boolean;
}

/** How a node refers to what it calls. @internal */
export type CalleeKind = "task" | "map" | "subworkflow" | "launch-plan" | "reference-task" | "reference-launch-plan";

/**
 * What a node needs from the task, workflow or launch plan it calls. Entities compute it on demand,
 * since their names may change until the module loader has named them.
 * @internal
 */
export interface CalleeSpec {
  readonly kind: CalleeKind;
  readonly entity: EntityBase;
  /** How messages name the callee (`sayHello`). */
  readonly label: string;
  readonly inputs: Readonly<Record<string, VarSpec>>;
  readonly outputs: Readonly<Record<string, LiteralType>>;
  /** A single output (`output:`): the call's result is that output's ref itself. */
  readonly single: boolean;
  /** Constants bound to inputs the caller leaves out (workflow and launch-plan defaults). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Launch-plan inputs that are fixed: callers may not bind them and the node does not. */
  readonly fixed: ReadonlySet<string>;
  /** The metadata a node calling it starts with (flytekit's `construct_node_metadata`). */
  nodeMetadata(): NodeMetadataSpec;
  /** Map tasks: the metadata of the mapped sub-node (the task's retries, timeout, interruptible). */
  subNodeMetadata?(): NodeMetadataSpec;
}

/** An operand of a comparison in a branch condition. @internal */
export type OperandSpec =
  { kind: "var"; ref: RefState } | { kind: "primitive"; primitive: Primitive } | { kind: "none" };

/** The comparison operators of flyteidl `ComparisonExpression`. */
export type ComparisonOperator = "eq" | "ne" | "gt" | "gte" | "lt" | "lte";

/** A branch condition. @internal */
export type ConditionSpec =
  | { kind: "comparison"; op: ComparisonOperator; left: OperandSpec; right: OperandSpec }
  | { kind: "conjunction"; op: "and" | "or"; left: ConditionSpec; right: ConditionSpec };

/** A branch node's cases. @internal */
export interface BranchSpec {
  name: string;
  cases: { condition: ConditionSpec; node: NodeSpec }[];
  elseNode: NodeSpec | undefined;
  /** The `.fail(message)` of a conditional without an else branch. */
  error: string | undefined;
}

/** What a gate node waits for. @internal */
export type GateSpec =
  | { kind: "signal"; signalId: string; literalType: LiteralType; outputName: string }
  | { kind: "approve"; signalId: string }
  | { kind: "sleep"; durationMs: number };

/** What a node does. @internal */
export type NodeTarget =
  | { kind: "call"; callee: () => CalleeSpec }
  | { kind: "branch"; branch: BranchSpec }
  | { kind: "gate"; gate: GateSpec };

/**
 * One node of a workflow being defined.
 * @internal
 */
export interface NodeSpec {
  /** `n0`, `n1`, … in call order (prefixed in nested scopes); `withOverrides({ nodeName })` changes it. */
  id: string;
  readonly scope: Scope;
  readonly target: NodeTarget;
  readonly bindings: BindingSpec[];
  /** Upstream nodes, data dependencies first then `.after(...)` ones, without duplicates. */
  readonly upstream: NodeSpec[];
  metadata: NodeMetadataSpec;
  /** A map node's sub-node metadata (the mapped task's retries, timeout…), which overrides change. */
  subMetadata: NodeMetadataSpec | undefined;
  overrides: TaskOverridesSpec;
  /** Output name → type: what refs to this node's outputs carry. */
  readonly outputs: Readonly<Record<string, LiteralType>>;
  /** Where the node was created in user code. */
  readonly callSite: CallSite | undefined;
  /** How messages name what the node runs (`sayHello`, `conditional "fractions"`). */
  readonly label: string;
}

/** Where nodes are being created: a workflow body, a dynamic task's body, a branch case, a failure handler. */
export type ScopeKind = "workflow" | "dynamic" | "branch-case" | "failure";

interface ScopeInit {
  kind: ScopeKind;
  parent: Scope | undefined;
  prefix: string;
  /** Shared by the cases of one conditional, which number their nodes in one sequence (as flytekit). */
  counter?: { next: number };
  /** How messages name the workflow (`helloWorld`). */
  owner: string;
  site: CallSite | undefined;
}

/**
 * The nodes created by one body (or one branch case), numbered `<prefix>n0`, `<prefix>n1`, … in call
 * order like flytekit's `CompilationState`. Nested scopes share their root, which sees every node.
 * @internal
 */
export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | undefined;
  readonly root: Scope;
  readonly prefix: string;
  readonly owner: string;
  readonly site: CallSite | undefined;
  /** The nodes created directly in this scope, in order. */
  readonly nodes: NodeSpec[] = [];
  /** Every node of the workflow (kept on the root only). */
  readonly allNodes: NodeSpec[] = [];
  /** Conditionals started but not yet ended with `.else()` or `.fail()` (kept on the root only). */
  readonly openConditionals = new Set<{ name: string; site: CallSite | undefined }>();
  private readonly counter: { next: number };

  constructor(init: ScopeInit) {
    this.kind = init.kind;
    this.parent = init.parent;
    this.root = init.parent?.root ?? this;
    this.prefix = init.prefix;
    this.owner = init.owner;
    this.site = init.site;
    this.counter = init.counter ?? { next: 0 };
  }

  /** The id the next node added here gets. */
  peekId(): string {
    return `${this.prefix}n${this.counter.next}`;
  }

  /** Adds a node created in this scope (its id taken from {@link peekId}). */
  add(node: NodeSpec): void {
    this.counter.next++;
    this.nodes.push(node);
    this.root.allNodes.push(node);
  }

  /** Whether refs made in `other` may be used here: `other` is this scope or one enclosing it. */
  sees(other: Scope): boolean {
    if (other === this) return true;
    for (let s = this.parent; s !== undefined; s = s.parent) if (s === other) return true;
    return false;
  }

  /** A fresh id sequence for the cases of one conditional in this scope. */
  static newCounter(): { next: number } {
    return { next: 0 };
  }
}
