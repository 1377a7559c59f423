import { create } from "@bufbuild/protobuf";
import { AloftError, launchPlanId, workflowId } from "@aloft/idl";
import { WorkflowSpecSchema, type WorkflowSpec } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  ComparisonExpression_Operator,
  ConjunctionExpressionSchema,
  ConjunctionExpression_LogicalOperator,
  OperandSchema,
  type BooleanExpression,
  type Operand,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  BindingDataCollectionSchema,
  BindingDataMapSchema,
  BindingDataSchema,
  BindingSchema,
  RetryStrategySchema,
  ScalarSchema,
  VoidSchema,
  type Binding,
  type BindingData,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { K8sObjectMetadataSchema, K8sPodSchema, ResourcesSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { ErrorSchema, OutputReferenceSchema, PromiseAttributeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  ApproveConditionSchema,
  ArrayNodeSchema,
  ArrayNode_ExecutionMode,
  BranchNodeSchema,
  GateNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeMetadataSchema,
  NodeSchema,
  SignalConditionSchema,
  SleepConditionSchema,
  TaskNodeOverridesSchema,
  TaskNodeSchema,
  WorkflowMetadataDefaultsSchema,
  WorkflowMetadataSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type Node,
  type NodeMetadata,
  type TaskNodeOverrides,
  type WorkflowTemplate,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import {
  DECL,
  type DeclaredEntity,
  type TaskEntityLike,
  type WorkflowDecl,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import { formatCallSite } from "../entities/call-site.js";
import { shortName } from "../entities/entity-label.js";
import type { EntityBase } from "../entities/entity.js";
import { DEFAULT_PRIMARY_CONTAINER_NAME, overrideResourceEntries } from "../entities/resources.js";
import type {
  BindingDataSpec,
  BindingSpec,
  CalleeSpec,
  ConditionSpec,
  NodeMetadataSpec,
  NodeSpec,
  OperandSpec,
} from "../workflow/model.js";
import { branchVarName } from "../workflow/conditional.js";
import { strictNaming } from "./naming.js";
import { serializePodSpec } from "./pod-spec.js";
import {
  descriptionEntity,
  durationFromMs,
  imageFor,
  taskContainer,
  taskIdOf,
  typedInterface,
  type SerializeContext,
} from "./serialize-task.js";
import type { SerializationSettings } from "./serialization-settings.js";

/** flyteidl `BindingData` of a binding spec. @internal */
export function bindingData(spec: BindingDataSpec): BindingData {
  switch (spec.kind) {
    case "promise": {
      const ref = spec.ref;
      return create(BindingDataSchema, {
        value: {
          case: "promise",
          value: create(OutputReferenceSchema, {
            nodeId: ref.node?.id ?? "",
            var: ref.var,
            attrPath: ref.attrPath.map((step) =>
              create(PromiseAttributeSchema, {
                value:
                  typeof step === "number" ? { case: "intValue", value: step } : { case: "stringValue", value: step },
              }),
            ),
          }),
        },
      });
    }
    case "scalar":
      return create(BindingDataSchema, { value: { case: "scalar", value: spec.scalar } });
    case "collection":
      return create(BindingDataSchema, {
        value: {
          case: "collection",
          value: create(BindingDataCollectionSchema, { bindings: spec.items.map(bindingData) }),
        },
      });
    case "map": {
      const bindings: Record<string, BindingData> = {};
      for (const [k, v] of Object.entries(spec.entries)) bindings[k] = bindingData(v);
      return create(BindingDataSchema, { value: { case: "map", value: create(BindingDataMapSchema, { bindings }) } });
    }
  }
}

/** flyteidl `Binding`s of binding specs. @internal */
export function bindings(specs: readonly BindingSpec[]): Binding[] {
  return specs.map((b) => create(BindingSchema, { var: b.var, binding: bindingData(b.data) }));
}

function nodeMetadata(m: NodeMetadataSpec, defaultName: string): NodeMetadata {
  return create(NodeMetadataSchema, {
    name: m.name ?? defaultName,
    timeout: m.timeoutMs === undefined || m.timeoutMs === 0 ? undefined : durationFromMs(m.timeoutMs),
    retries: create(RetryStrategySchema, { retries: m.retries }),
    interruptibleValue:
      m.interruptible === undefined ? { case: undefined } : { case: "interruptible", value: m.interruptible },
    cacheableValue: m.cacheable === undefined ? { case: undefined } : { case: "cacheable", value: m.cacheable },
    cacheVersionValue:
      m.cacheVersion === undefined ? { case: undefined } : { case: "cacheVersion", value: m.cacheVersion },
    cacheSerializableValue:
      m.cacheSerializable === undefined
        ? { case: undefined }
        : { case: "cacheSerializable", value: m.cacheSerializable },
  });
}

/** The display name a node gets from what it calls (flytekit's `construct_node_metadata`). */
function defaultNodeName(callee: CalleeSpec, ctx: SerializeContext): string {
  const decl = (callee.entity as Partial<DeclaredEntity>)[DECL];
  switch (callee.kind) {
    case "map":
      return ctx.naming.nameOf(callee.entity);
    case "launch-plan":
      return decl?.kind === "launch-plan" ? shortName(ctx.naming.nameOf(decl.workflow)) : "";
    case "reference-task":
    case "reference-launch-plan":
      return decl?.kind === "reference" ? shortName(decl.id.name) : "";
    default:
      return shortName(ctx.naming.nameOf(callee.entity));
  }
}

function taskOverrides(node: NodeSpec, callee: CalleeSpec, ctx: SerializeContext): TaskNodeOverrides {
  const o = node.overrides;
  const overrides = create(TaskNodeOverridesSchema, {
    resources:
      o.requests === undefined && o.limits === undefined
        ? undefined
        : create(ResourcesSchema, {
            requests: overrideResourceEntries(o.requests),
            limits: overrideResourceEntries(o.limits),
          }),
    containerImage: o.image ?? "",
  });
  if (o.podTemplate !== undefined) {
    const container = taskContainer(callee.entity as TaskEntityLike, ctx);
    overrides.podTemplate = create(K8sPodSchema, {
      metadata: create(K8sObjectMetadataSchema, {
        labels: { ...o.podTemplate.labels },
        annotations: { ...o.podTemplate.annotations },
      }),
      podSpec: serializePodSpec(o.podTemplate, container, (image) => imageFor(image, ctx)),
      primaryContainerName: o.podTemplate.primaryContainerName ?? DEFAULT_PRIMARY_CONTAINER_NAME,
    });
  }
  return overrides;
}

function calleeId(callee: CalleeSpec, ctx: SerializeContext): Identifier {
  const { project, domain, version } = ctx.settings;
  const decl = (callee.entity as Partial<DeclaredEntity>)[DECL];
  switch (callee.kind) {
    case "task":
    case "map":
    case "reference-task":
      return taskIdOf(callee.entity as TaskEntityLike, ctx);
    case "subworkflow":
      return workflowId({ project, domain, name: ctx.naming.nameOf(callee.entity), version });
    case "launch-plan":
      return launchPlanId({ project, domain, name: ctx.naming.nameOf(callee.entity), version });
    case "reference-launch-plan":
      if (decl?.kind !== "reference") throw AloftError.internal("reference launch plan without reference id");
      return launchPlanId(decl.id);
  }
}

function operand(spec: OperandSpec): Operand {
  switch (spec.kind) {
    case "var":
      return create(OperandSchema, { val: { case: "var", value: branchVarName(spec.ref) } });
    case "primitive":
      return create(OperandSchema, { val: { case: "primitive", value: spec.primitive } });
    case "none":
      // flytekit's is_none: the right operand is the scalar none.
      return create(OperandSchema, {
        val: {
          case: "scalar",
          value: create(ScalarSchema, { value: { case: "noneType", value: create(VoidSchema) } }),
        },
      });
  }
}

const COMPARISON: Record<string, ComparisonExpression_Operator> = {
  eq: ComparisonExpression_Operator.EQ,
  ne: ComparisonExpression_Operator.NEQ,
  gt: ComparisonExpression_Operator.GT,
  gte: ComparisonExpression_Operator.GTE,
  lt: ComparisonExpression_Operator.LT,
  lte: ComparisonExpression_Operator.LTE,
};

function condition(spec: ConditionSpec): BooleanExpression {
  if (spec.kind === "comparison") {
    return create(BooleanExpressionSchema, {
      expr: {
        case: "comparison",
        value: create(ComparisonExpressionSchema, {
          operator: COMPARISON[spec.op] ?? ComparisonExpression_Operator.EQ,
          leftValue: operand(spec.left),
          rightValue: operand(spec.right),
        }),
      },
    });
  }
  return create(BooleanExpressionSchema, {
    expr: {
      case: "conjunction",
      value: create(ConjunctionExpressionSchema, {
        operator:
          spec.op === "and" ? ConjunctionExpression_LogicalOperator.AND : ConjunctionExpression_LogicalOperator.OR,
        leftExpression: condition(spec.left),
        rightExpression: condition(spec.right),
      }),
    },
  });
}

/**
 * A node as flytekit's `get_serializable_node` writes it: display name, retries (always set), timeout
 * and flags when set; bindings sorted by variable; upstream ids; an empty override for task nodes;
 * fixed launch-plan inputs left out; map nodes as an `ArrayNode` around a sub-node named after the
 * map task.
 * @internal
 */
export function nodeProto(node: NodeSpec, ctx: SerializeContext): Node {
  const base = {
    id: node.id,
    inputs: bindings(node.bindings),
    upstreamNodeIds: node.upstream.map((n) => n.id),
    outputAliases: [],
  };
  const target = node.target;
  switch (target.kind) {
    case "call": {
      const callee = target.callee();
      const metadata = nodeMetadata(node.metadata, defaultNodeName(callee, ctx));
      switch (callee.kind) {
        case "task":
          return create(NodeSchema, {
            ...base,
            metadata,
            target: {
              case: "taskNode",
              value: create(TaskNodeSchema, {
                reference: { case: "referenceId", value: calleeId(callee, ctx) },
                overrides: taskOverrides(node, callee, ctx),
              }),
            },
          });
        case "reference-task":
          return create(NodeSchema, {
            ...base,
            metadata,
            target: {
              case: "taskNode",
              value: create(TaskNodeSchema, { reference: { case: "referenceId", value: calleeId(callee, ctx) } }),
            },
          });
        case "map":
          return mapNode(node, callee, base, ctx);
        case "subworkflow":
          return create(NodeSchema, {
            ...base,
            metadata,
            target: {
              case: "workflowNode",
              value: create(WorkflowNodeSchema, {
                reference: { case: "subWorkflowRef", value: calleeId(callee, ctx) },
              }),
            },
          });
        case "launch-plan":
        case "reference-launch-plan":
          return create(NodeSchema, {
            ...base,
            metadata,
            target: {
              case: "workflowNode",
              value: create(WorkflowNodeSchema, { reference: { case: "launchplanRef", value: calleeId(callee, ctx) } }),
            },
          });
      }
      break;
    }
    case "branch": {
      const b = target.branch;
      const [first, ...others] = b.cases;
      if (first === undefined) throw AloftError.internal(`branch node ${node.id} has no case`);
      const ifBlock = (c: { condition: ConditionSpec; node: NodeSpec }) =>
        create(IfBlockSchema, { condition: condition(c.condition), thenNode: nodeProto(c.node, ctx) });
      return create(NodeSchema, {
        ...base,
        metadata: nodeMetadata(node.metadata, b.name),
        target: {
          case: "branchNode",
          value: create(BranchNodeSchema, {
            ifElse: create(IfElseBlockSchema, {
              case: ifBlock(first),
              other: others.map(ifBlock),
              default:
                b.elseNode !== undefined
                  ? { case: "elseNode", value: nodeProto(b.elseNode, ctx) }
                  : {
                      case: "error",
                      // flytekit names the conditional, not a node, as the failed node.
                      value: create(ErrorSchema, { failedNodeId: b.name, message: b.error ?? "Condition failed" }),
                    },
            }),
          }),
        },
      });
    }
    case "gate": {
      const g = target.gate;
      const condition =
        g.kind === "sleep"
          ? { case: "sleep" as const, value: create(SleepConditionSchema, { duration: durationFromMs(g.durationMs) }) }
          : g.kind === "signal"
            ? {
                case: "signal" as const,
                value: create(SignalConditionSchema, {
                  signalId: g.signalId,
                  type: g.literalType,
                  outputVariableName: g.outputName,
                }),
              }
            : { case: "approve" as const, value: create(ApproveConditionSchema, { signalId: g.signalId }) };
      return create(NodeSchema, {
        ...base,
        metadata: nodeMetadata(node.metadata, ""),
        target: { case: "gateNode", value: create(GateNodeSchema, { condition }) },
      });
    }
  }
  throw AloftError.internal(`node ${node.id} has an unknown target`);
}

function mapNode(
  node: NodeSpec,
  callee: CalleeSpec,
  base: Pick<Node, "id" | "inputs" | "upstreamNodeIds" | "outputAliases">,
  ctx: SerializeContext,
): Node {
  const mapEntity = callee.entity as TaskEntityLike;
  const decl = mapEntity[DECL];
  if (decl.kind !== "map") throw AloftError.internal(`node ${node.id}: map callee without a map declaration`);
  const mapName = ctx.naming.nameOf(mapEntity);
  const sub = create(NodeSchema, {
    id: mapName,
    metadata: nodeMetadata(node.subMetadata ?? node.metadata, mapName),
    inputs: base.inputs,
    upstreamNodeIds: [],
    outputAliases: [],
    target: {
      case: "taskNode",
      value: create(TaskNodeSchema, {
        reference: { case: "referenceId", value: calleeId(callee, ctx) },
        overrides: taskOverrides(node, callee, ctx),
      }),
    },
  });
  return create(NodeSchema, {
    ...base,
    // The array node itself: only the map task's name (flytekit's `ArrayNodeMapTask.construct_node_metadata`).
    metadata: nodeMetadata({ name: node.metadata.name, retries: 0 }, mapName),
    target: {
      case: "arrayNode",
      value: create(ArrayNodeSchema, {
        node: sub,
        parallelismOption:
          decl.concurrency === undefined ? { case: undefined } : { case: "parallelism", value: decl.concurrency },
        successCriteria:
          decl.minSuccesses !== undefined
            ? { case: "minSuccesses", value: decl.minSuccesses }
            : { case: "minSuccessRatio", value: decl.minSuccessRatio ?? 1 },
        executionMode: ArrayNode_ExecutionMode.MINIMAL_STATE,
        isOriginalSubNodeInterface: false,
        boundInputs: [...decl.bound].sort(),
        runAllSubNodes: false,
      }),
    },
  });
}

function workflowDecl(wf: EntityBase): WorkflowDecl {
  const decl = (wf as Partial<WorkflowEntityLike>)[DECL];
  if (wf.kind !== "workflow" || decl === undefined) {
    throw AloftError.invalidArgument(`expected a workflow, got a ${wf.kind}`);
  }
  if (decl.kind === "reference") {
    throw AloftError.invalidArgument(
      `workflow ${decl.id.name} is a reference to a registered workflow; it is not serialized`,
    );
  }
  if (decl.graph === undefined) {
    const where = wf.declaredAt === undefined ? "" : ` declared at ${formatCallSite(wf.declaredAt)}`;
    throw AloftError.failedPrecondition(`the workflow${where} has not finished being defined`);
  }
  return decl;
}

/** The id a workflow is registered under. @internal */
export function workflowIdOf(wf: EntityBase, ctx: SerializeContext): Identifier {
  const { project, domain, version } = ctx.settings;
  return workflowId({ project, domain, name: ctx.naming.nameOf(wf), version });
}

/** flytekit's `WorkflowTemplate`: metadata, defaults, interface, nodes, output bindings, failure node. @internal */
export function workflowTemplate(wf: EntityBase, ctx: SerializeContext): WorkflowTemplate {
  const decl = workflowDecl(wf);
  const graph = decl.graph as NonNullable<WorkflowDecl["graph"]>;
  return create(WorkflowTemplateSchema, {
    id: workflowIdOf(wf, ctx),
    metadata: create(WorkflowMetadataSchema, {
      onFailure:
        decl.failurePolicy === "failAfterExecutableNodesComplete"
          ? WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
          : WorkflowMetadata_OnFailurePolicy.FAIL_IMMEDIATELY,
    }),
    metadataDefaults: create(WorkflowMetadataDefaultsSchema, { interruptible: decl.interruptible }),
    interface: typedInterface(decl.iface),
    nodes: graph.nodes.map((n) => nodeProto(n, ctx)),
    outputs: bindings(graph.outputs),
    failureNode: graph.failureNode === undefined ? undefined : nodeProto(graph.failureNode, ctx),
  });
}

/** Every node of a graph, branch cases and failure node included, depth first in order. @internal */
export function allNodes(nodes: readonly NodeSpec[], failureNode?: NodeSpec): NodeSpec[] {
  const out: NodeSpec[] = [];
  const visit = (n: NodeSpec): void => {
    out.push(n);
    if (n.target.kind === "branch") {
      for (const c of n.target.branch.cases) visit(c.node);
      if (n.target.branch.elseNode !== undefined) visit(n.target.branch.elseNode);
    }
  };
  for (const n of nodes) visit(n);
  if (failureNode !== undefined) visit(failureNode);
  return out;
}

/** The workflows a workflow calls as sub-workflows, transitively, each once, callees first. @internal */
export function subWorkflowsOf(wf: EntityBase): EntityBase[] {
  const out: EntityBase[] = [];
  const visit = (w: EntityBase): void => {
    const graph = workflowDecl(w).graph as NonNullable<WorkflowDecl["graph"]>;
    for (const n of allNodes(graph.nodes, graph.failureNode)) {
      if (n.target.kind !== "call") continue;
      const callee = n.target.callee();
      if (callee.kind !== "subworkflow" || out.includes(callee.entity)) continue;
      visit(callee.entity);
      out.push(callee.entity);
    }
  };
  visit(wf);
  return out;
}

/**
 * The `WorkflowSpec` of a workflow: its template, the templates of every sub-workflow it calls
 * (transitively, each once, sorted by id as flytekit sorts them) and its description.
 * @internal
 */
export function workflowSpec(wf: EntityBase, ctx: SerializeContext): WorkflowSpec {
  const subs = subWorkflowsOf(wf).map((s) => workflowTemplate(s, ctx));
  subs.sort((a, b) => (idSortKey(a.id) < idSortKey(b.id) ? -1 : idSortKey(a.id) > idSortKey(b.id) ? 1 : 0));
  return create(WorkflowSpecSchema, {
    template: workflowTemplate(wf, ctx),
    subWorkflows: subs,
    description: descriptionEntity(workflowDecl(wf).description),
  });
}

function idSortKey(id: Identifier | undefined): string {
  return id === undefined ? "" : [id.project, id.domain, id.name, id.version].join("\u0000");
}

/**
 * Serializes a workflow for registration: its `WorkflowSpec` (template and sub-workflow templates) with
 * ids from `settings`. Its tasks and launch plans are serialized separately (see `collectEntities`).
 *
 * @throws AloftError `InvalidArgument` when the workflow or something it calls is unnamed or not
 * exported, or is a reference workflow.
 */
export function serializeWorkflow(wf: EntityBase, settings: SerializationSettings): WorkflowSpec {
  return workflowSpec(wf, { settings, naming: strictNaming() });
}
