/*
 * Builders for hand-made, compiled workflows in the engine's tests (flyteidl protos built directly and
 * compiled with `@aloft/compiler`).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { compileTask, compileWorkflow, formatCompileError } from "@aloft/compiler";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  BindingDataSchema,
  BindingSchema,
  type BindingData,
  type Literal,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  IfBlockSchema,
  NodeSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { BooleanExpression } from "@aloft/idl/gen/flyteidl/core/condition_pb";

export function entityId(name: string, resourceType = ResourceType.TASK): Identifier {
  return create(IdentifierSchema, { resourceType, project: "p", domain: "d", name, version: "v1" });
}

export function vars(types: Readonly<Record<string, LiteralType>>): VariableMap {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])),
  });
}

/** A task (type `echo` unless given). */
export function task(
  name: string,
  io: {
    inputs?: Record<string, LiteralType>;
    outputs?: Record<string, LiteralType>;
    retries?: number;
    type?: string;
    cache?: { version: string; serializable?: boolean };
  } = {},
): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: entityId(name),
    type: io.type ?? "echo",
    interface: { inputs: vars(io.inputs ?? {}), outputs: vars(io.outputs ?? {}) },
    metadata: {
      retries: { retries: io.retries ?? 0 },
      discoverable: io.cache !== undefined,
      discoveryVersion: io.cache?.version ?? "",
      cacheSerializable: io.cache?.serializable ?? false,
    },
    target: { case: "container", value: { image: "img:1", args: ["run"] } },
  });
}

/** A promise on output `output` of node `nodeId` (`""`: a workflow input). */
export function ref(nodeId: string, output: string): BindingData {
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: output } } });
}

/** A constant. */
export function lit(literal: Literal): BindingData {
  if (literal.value.case !== "scalar") throw new Error("lit() takes scalar literals");
  return create(BindingDataSchema, { value: { case: "scalar", value: literal.value.value } });
}

export interface NodeOptions {
  retries?: number;
  timeoutMs?: number;
  upstream?: string[];
  name?: string;
}

function bindings(inputs: Record<string, BindingData>) {
  return Object.entries(inputs).map(([name, binding]) => create(BindingSchema, { var: name, binding }));
}

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
    metadata: {
      name: options.name ?? id,
      retries: options.retries === undefined ? undefined : { retries: options.retries },
      timeout:
        options.timeoutMs === undefined
          ? undefined
          : create(DurationSchema, {
              seconds: BigInt(Math.floor(options.timeoutMs / 1000)),
              nanos: (options.timeoutMs % 1000) * 1e6,
            }),
    },
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

export function subWorkflowNode(id: string, workflowName: string, inputs: Record<string, BindingData> = {}): Node {
  return node(
    id,
    {
      case: "workflowNode",
      value: { reference: { case: "subWorkflowRef", value: entityId(workflowName, ResourceType.WORKFLOW) } },
    },
    inputs,
  );
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
}): CompiledWorkflowClosure {
  const tasks = spec.tasks.map((t) => {
    const compiled = compileTask(t);
    if (!compiled.ok) throw new Error(compiled.errors.map(formatCompileError).join("\n"));
    return compiled.value;
  });
  const result = compileWorkflow({ primary: spec.workflow, subWorkflows: spec.subWorkflows, tasks });
  if (!result.ok) throw new Error(result.errors.map(formatCompileError).join("\n"));
  return result.value;
}
