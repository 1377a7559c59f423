import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { CompiledTaskSchema, type CompiledTask } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  BindingDataCollectionSchema,
  BindingDataSchema,
  BindingSchema,
  PrimitiveSchema,
  ScalarSchema,
  type Binding,
  type BindingData,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  ComparisonExpression_Operator,
  OperandSchema,
  type BooleanExpression,
  type Operand,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import {
  ErrorSchema,
  LiteralTypeSchema,
  PromiseAttributeSchema,
  SimpleType,
  TypeStructureSchema,
  type LiteralType,
} from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  ArrayNodeSchema,
  BranchNodeSchema,
  GateNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
  TaskNodeSchema,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type GateNode,
  type IfElseBlock,
  type Node,
  type WorkflowTemplate,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";

/* Small builders for hand-made workflows in tests. */

export const int = (): LiteralType => simple(SimpleType.INTEGER);
export const str = (): LiteralType => simple(SimpleType.STRING);
export const none = (): LiteralType => simple(SimpleType.NONE);

export function simple(value: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value } });
}

export function listOf(element: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "collectionType", value: element } });
}

export function mapOf(value: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "mapValueType", value } });
}

export function unionOf(...variants: LiteralType[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "unionType", value: { variants } } });
}

export function enumOf(...values: string[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "enumType", value: { values } } });
}

export function tagged(type: LiteralType, tag: string): LiteralType {
  return create(LiteralTypeSchema, { ...type, structure: create(TypeStructureSchema, { tag }) });
}

export function vars(types: Record<string, LiteralType>): VariableMap {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])),
  });
}

export function id(name: string, resourceType = ResourceType.TASK): Identifier {
  return create(IdentifierSchema, { resourceType, project: "p", domain: "d", name, version: "v1" });
}

/** A compiled container task named `name` with the given interface. */
export function task(
  name: string,
  inputs: Record<string, LiteralType> = {},
  outputs: Record<string, LiteralType> = {},
): CompiledTask {
  return create(CompiledTaskSchema, {
    template: create(TaskTemplateSchema, {
      id: id(name),
      type: "python-task",
      interface: { inputs: vars(inputs), outputs: vars(outputs) },
      target: { case: "container", value: { image: "image:1", args: ["run"] } },
    }),
  });
}

/** Binding of input `name` to output `output` of node `from` (`""` = a workflow input). */
export function promise(name: string, from: string, output: string, attrPath: (string | number)[] = []): Binding {
  return create(BindingSchema, {
    var: name,
    binding: {
      value: {
        case: "promise",
        value: {
          nodeId: from,
          var: output,
          attrPath: attrPath.map((a) =>
            create(PromiseAttributeSchema, {
              value: typeof a === "string" ? { case: "stringValue", value: a } : { case: "intValue", value: a },
            }),
          ),
        },
      },
    },
  });
}

export function intValue(v: number): BindingData["value"] {
  return {
    case: "scalar",
    value: create(ScalarSchema, {
      value: { case: "primitive", value: { value: { case: "integer", value: BigInt(v) } } },
    }),
  };
}

export function strValue(v: string): BindingData["value"] {
  return {
    case: "scalar",
    value: create(ScalarSchema, { value: { case: "primitive", value: { value: { case: "stringValue", value: v } } } }),
  };
}

export function bind(name: string, value: BindingData["value"]): Binding {
  return create(BindingSchema, { var: name, binding: { value } });
}

export function listBinding(name: string, values: BindingData["value"][]): Binding {
  const bindings = values.map((value) => create(BindingDataSchema, { value }));
  return bind(name, { case: "collection", value: create(BindingDataCollectionSchema, { bindings }) });
}

/** A task node `nodeId` running task `taskName`. */
export function taskNode(
  nodeId: string,
  taskName: string,
  inputs: Binding[] = [],
  extra: MessageInitShape<typeof NodeSchema> = {},
): Node {
  return create(NodeSchema, {
    ...extra,
    id: nodeId,
    inputs,
    target: {
      case: "taskNode",
      value: create(TaskNodeSchema, { reference: { case: "referenceId", value: id(taskName) } }),
    },
  });
}

export function workflow(options: {
  name?: string;
  inputs?: Record<string, LiteralType>;
  outputs?: Record<string, LiteralType>;
  nodes: Node[];
  outputBindings?: Binding[];
  failureNode?: Node;
}): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: id(options.name ?? "wf", ResourceType.WORKFLOW),
    interface: { inputs: vars(options.inputs ?? {}), outputs: vars(options.outputs ?? {}) },
    nodes: options.nodes,
    outputs: options.outputBindings ?? [],
    failureNode: options.failureNode,
  });
}

/** `left > right`, each side an input name or an integer. */
export function condition(left: string | number, right: string | number): BooleanExpression {
  return create(BooleanExpressionSchema, {
    expr: {
      case: "comparison",
      value: create(ComparisonExpressionSchema, {
        operator: ComparisonExpression_Operator.GT,
        leftValue: operand(left),
        rightValue: operand(right),
      }),
    },
  });
}

function operand(v: string | number): Operand {
  return create(OperandSchema, {
    val:
      typeof v === "string"
        ? { case: "var", value: v }
        : { case: "primitive", value: create(PrimitiveSchema, { value: { case: "integer", value: BigInt(v) } }) },
  });
}

/** A branch node; without `elseNode` it ends in an else-error unless `noDefault` is set. */
export function branchNode(
  nodeId: string,
  options: {
    inputs?: Binding[];
    cases: { condition?: BooleanExpression; thenNode?: Node }[];
    elseNode?: Node;
    noDefault?: boolean;
  },
): Node {
  const [first, ...others] = options.cases.map((c) => create(IfBlockSchema, c));
  let fallback: IfElseBlock["default"] = { case: undefined };
  if (options.elseNode !== undefined) fallback = { case: "elseNode", value: options.elseNode };
  else if (options.noDefault !== true) {
    fallback = { case: "error", value: create(ErrorSchema, { failedNodeId: nodeId, message: "no case matched" }) };
  }
  const ifElse = create(IfElseBlockSchema, { case: first, other: others, default: fallback });
  return create(NodeSchema, {
    id: nodeId,
    inputs: options.inputs ?? [],
    target: { case: "branchNode", value: create(BranchNodeSchema, { ifElse }) },
  });
}

export function gateNode(nodeId: string, condition: GateNode["condition"], inputs: Binding[] = []): Node {
  return create(NodeSchema, {
    id: nodeId,
    inputs,
    target: { case: "gateNode", value: create(GateNodeSchema, { condition }) },
  });
}

export function arrayNode(nodeId: string, node: Node, inputs: Binding[] = []): Node {
  return create(NodeSchema, {
    id: nodeId,
    inputs,
    target: { case: "arrayNode", value: create(ArrayNodeSchema, { node }) },
  });
}

/** A node running the sub-workflow (or, with `launchPlan`, launching the launch plan) named `name`. */
export function workflowNode(nodeId: string, name: string, inputs: Binding[] = [], launchPlan = false): Node {
  const ref = launchPlan
    ? ({ case: "launchplanRef", value: id(name, ResourceType.LAUNCH_PLAN) } as const)
    : ({ case: "subWorkflowRef", value: id(name, ResourceType.WORKFLOW) } as const);
  return create(NodeSchema, {
    id: nodeId,
    inputs,
    target: { case: "workflowNode", value: create(WorkflowNodeSchema, { reference: ref }) },
  });
}
