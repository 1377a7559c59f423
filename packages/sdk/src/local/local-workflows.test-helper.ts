/*
 * Builders for hand-made workflows in the local executor's tests: templates are made with
 * `create(...)` and compiled with `@aloft/compiler`, as the authoring layer will do.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { compileTask, compileWorkflow, formatCompileError, type LaunchPlanInterface } from "@aloft/compiler";
import { literalFromJs, literalMap, literalToJs, type LiteralJsValue } from "@aloft/idl";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  BindingDataCollectionSchema,
  BindingDataMapSchema,
  BindingDataSchema,
  BindingSchema,
  type BindingData,
  type Literal,
  type LiteralMap,
  type Primitive,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { PromiseAttributeSchema, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  OperandSchema,
  type BooleanExpression,
  type ComparisonExpression_Operator,
  type ConjunctionExpression_LogicalOperator,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import {
  IfBlockSchema,
  NodeSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { TaskResult } from "../entities/task-result.js";
import type { LocalTaskRequest, LocalTaskRunner } from "./index.js";

export function entityId(name: string, resourceType = ResourceType.TASK): Identifier {
  return create(IdentifierSchema, { resourceType, project: "p", domain: "d", name, version: "v1" });
}

export function vars(types: Readonly<Record<string, LiteralType>>): VariableMap {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])),
  });
}

/** A `python-task`-like container task. */
export function task(
  name: string,
  io: {
    inputs?: Record<string, LiteralType>;
    outputs?: Record<string, LiteralType>;
    retries?: number;
    cache?: { version: string; ignore?: string[] };
    type?: string;
    container?: MessageInitShape<typeof TaskTemplateSchema>["target"];
  } = {},
): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: entityId(name),
    type: io.type ?? "ts-task",
    interface: { inputs: vars(io.inputs ?? {}), outputs: vars(io.outputs ?? {}) },
    metadata: {
      retries: { retries: io.retries ?? 0 },
      discoverable: io.cache !== undefined,
      discoveryVersion: io.cache?.version ?? "",
      cacheIgnoreInputVars: io.cache?.ignore ?? [],
    },
    target: io.container ?? { case: "container", value: { image: "img:1", args: ["run"] } },
  });
}

/** A promise on output `output` of node `nodeId` (`""`: a workflow input). */
export function ref(nodeId: string, output: string, attrPath: (string | number)[] = []): BindingData {
  return create(BindingDataSchema, {
    value: {
      case: "promise",
      value: {
        nodeId,
        var: output,
        attrPath: attrPath.map((a) =>
          create(PromiseAttributeSchema, {
            value: typeof a === "string" ? { case: "stringValue", value: a } : { case: "intValue", value: a },
          }),
        ),
      },
    },
  });
}

/** A constant (a scalar literal). */
export function lit(literal: Literal): BindingData {
  if (literal.value.case !== "scalar") throw new Error("lit() takes scalar literals");
  return create(BindingDataSchema, { value: { case: "scalar", value: literal.value.value } });
}

export function listOf(...items: BindingData[]): BindingData {
  return create(BindingDataSchema, {
    value: { case: "collection", value: create(BindingDataCollectionSchema, { bindings: items }) },
  });
}

export function dictOf(items: Record<string, BindingData>): BindingData {
  return create(BindingDataSchema, {
    value: { case: "map", value: create(BindingDataMapSchema, { bindings: items }) },
  });
}

export interface NodeOptions {
  retries?: number;
  timeoutMs?: number;
  upstream?: string[];
  aliases?: Record<string, string>;
}

function bindings(inputs: Record<string, BindingData>) {
  return Object.entries(inputs).map(([name, binding]) => create(BindingSchema, { var: name, binding }));
}

function metadata(options: NodeOptions) {
  return {
    name: "",
    retries: options.retries === undefined ? undefined : { retries: options.retries },
    timeout:
      options.timeoutMs === undefined
        ? undefined
        : create(DurationSchema, {
            seconds: BigInt(Math.floor(options.timeoutMs / 1000)),
            nanos: (options.timeoutMs % 1000) * 1e6,
          }),
  };
}

/** Any node; `target` is the node's target oneof. */
export function node(
  id: string,
  target: MessageInitShape<typeof NodeSchema>["target"],
  inputs: Record<string, BindingData> = {},
  options: NodeOptions = {},
): Node {
  return create(NodeSchema, {
    id,
    inputs: bindings(inputs),
    upstreamNodeIds: options.upstream ?? [],
    outputAliases: Object.entries(options.aliases ?? {}).map(([v, alias]) => ({ var: v, alias })),
    metadata: metadata(options),
    target,
  });
}

export function taskNode(
  id: string,
  taskName: string,
  inputs: Record<string, BindingData> = {},
  options: NodeOptions = {},
): Node {
  return node(
    id,
    { case: "taskNode", value: { reference: { case: "referenceId", value: entityId(taskName) } } },
    inputs,
    options,
  );
}

export function workflow(
  name: string,
  spec: {
    inputs?: Record<string, LiteralType>;
    outputs?: Record<string, LiteralType>;
    nodes: Node[];
    outputBindings?: Record<string, BindingData>;
    failureNode?: Node;
    failAfterExecutableNodesComplete?: boolean;
  },
): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: entityId(name, ResourceType.WORKFLOW),
    interface: { inputs: vars(spec.inputs ?? {}), outputs: vars(spec.outputs ?? {}) },
    nodes: spec.nodes,
    outputs: bindings(spec.outputBindings ?? {}),
    failureNode: spec.failureNode,
    metadata: {
      onFailure: spec.failAfterExecutableNodesComplete
        ? WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
        : WorkflowMetadata_OnFailurePolicy.FAIL_IMMEDIATELY,
    },
  });
}

/** Compiles, throwing the compiler's errors. */
export function compile(spec: {
  workflow: WorkflowTemplate;
  tasks: TaskTemplate[];
  subWorkflows?: WorkflowTemplate[];
  launchPlans?: LaunchPlanInterface[];
}): CompiledWorkflowClosure {
  const tasks = spec.tasks.map((t) => {
    const compiled = compileTask(t);
    if (!compiled.ok) throw new Error(compiled.errors.map(formatCompileError).join("\n"));
    return compiled.value;
  });
  const result = compileWorkflow({
    primary: spec.workflow,
    subWorkflows: spec.subWorkflows,
    tasks,
    launchPlans: spec.launchPlans,
  });
  if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
  return result.value;
}

/** A task body for {@link fakeRunner}: JS inputs in, JS outputs (or a whole TaskResult) out. */
export type FakeTask = (
  inputs: Record<string, LiteralJsValue>,
  request: LocalTaskRequest,
) => Record<string, unknown> | TaskResult | Promise<Record<string, unknown> | TaskResult>;

export interface FakeRunner extends LocalTaskRunner {
  /** Every request, in call order. */
  calls: LocalTaskRequest[];
}

/** A runner that dispatches on the task name; inputs and outputs are converted with the task's interface. */
export function fakeRunner(tasks: Record<string, FakeTask>): FakeRunner {
  const calls: LocalTaskRequest[] = [];
  return {
    calls,
    async runTask(request) {
      calls.push(request);
      const body = tasks[request.template.id?.name ?? ""];
      if (body === undefined) throw new Error(`fake runner has no task ${request.template.id?.name}`);
      const inputs: Record<string, LiteralJsValue> = {};
      for (const [name, literal] of Object.entries(request.inputs.literals)) inputs[name] = literalToJs(literal);
      const result = await body(inputs, request);
      if (isTaskResult(result)) return result;
      const types = request.template.interface?.outputs?.variables ?? {};
      const outputs: Record<string, Literal> = {};
      for (const [name, value] of Object.entries(result)) {
        const type = types[name]?.type;
        if (type === undefined) throw new Error(`task ${request.template.id?.name} has no output ${name}`);
        outputs[name] = literalFromJs(value, type);
      }
      return { kind: "outputs", outputs: literalMap(outputs) };
    },
  };
}

function isTaskResult(value: unknown): value is TaskResult {
  const kind = (value as { kind?: unknown }).kind;
  return (kind === "outputs" && "outputs" in (value as object)) || (kind === "dynamic" && "spec" in (value as object));
}

/** A literal map as plain JS values. */
export function jsOf(map: LiteralMap | undefined): Record<string, LiteralJsValue> {
  const out: Record<string, LiteralJsValue> = {};
  for (const [name, literal] of Object.entries(map?.literals ?? {})) out[name] = literalToJs(literal);
  return out;
}

/** An error whose `recoverable` flag makes the executor retry it (what the SDK's RecoverableError carries). */
export class FakeRecoverableError extends Error {
  readonly recoverable = true;
}

/** A comparison `left <op> right`; operands are input names or primitive constants. */
export function compare(
  operator: ComparisonExpression_Operator,
  left: string | Primitive,
  right: string | Primitive,
): BooleanExpression {
  const operand = (v: string | Primitive) =>
    create(OperandSchema, { val: typeof v === "string" ? { case: "var", value: v } : { case: "primitive", value: v } });
  return create(BooleanExpressionSchema, {
    expr: {
      case: "comparison",
      value: create(ComparisonExpressionSchema, { operator, leftValue: operand(left), rightValue: operand(right) }),
    },
  });
}

export function both(
  operator: ConjunctionExpression_LogicalOperator,
  left: BooleanExpression,
  right: BooleanExpression,
): BooleanExpression {
  return create(BooleanExpressionSchema, {
    expr: { case: "conjunction", value: { operator, leftExpression: left, rightExpression: right } },
  });
}

/** A branch node: `cases` in order (if, elif…), then an else node or an error message. */
export function branchNode(
  id: string,
  inputs: Record<string, BindingData>,
  cases: [BooleanExpression, Node][],
  otherwise: Node | string,
): Node {
  const [first, ...rest] = cases.map(([condition, thenNode]) => create(IfBlockSchema, { condition, thenNode }));
  return node(
    id,
    {
      case: "branchNode",
      value: {
        ifElse: {
          case: first,
          other: rest,
          default:
            typeof otherwise === "string"
              ? { case: "error", value: { failedNodeId: id, message: otherwise } }
              : { case: "elseNode", value: otherwise },
        },
      },
    },
    inputs,
  );
}
