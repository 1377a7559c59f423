import { create } from "@bufbuild/protobuf";
import { compileWorkflow, formatCompileError } from "@aloft/compiler";
import { AloftError } from "@aloft/idl";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { BindingSchema, RetryStrategySchema, type Binding } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { NodeSchema, WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";

// flyteadmin's `maxNodeIDLength` and default retries for single-task executions.
const MAX_NODE_ID_LENGTH = 63;
const DEFAULT_RETRIES = 3;

/**
 * The node id flyteadmin gives the task of a single-task execution (`generateNodeNameFromTask`): the
 * last 63 characters of the task name, keeping only letters, digits and `-`.
 */
export function nodeIdFromTaskName(taskName: string): string {
  const chars = [...taskName];
  const tail = chars.length >= MAX_NODE_ID_LENGTH ? chars.slice(chars.length - MAX_NODE_ID_LENGTH) : chars;
  return tail.filter((c) => c === "-" || /[\p{L}\p{N}]/u.test(c)).join("");
}

function promises(vars: VariableMap | undefined, nodeId: string): Binding[] {
  return Object.keys(vars?.variables ?? {})
    .sort()
    .map((name) =>
      create(BindingSchema, {
        var: name,
        binding: { value: { case: "promise", value: { nodeId, var: name } } },
      }),
    );
}

/** Options of {@link singleTaskWorkflow}. */
export interface SingleTaskWorkflowOptions {
  /** The task to run. */
  task: CompiledTask;
  /** The workflow's id; flyteadmin names it `.flytegen.<task name>` in the task's project, domain and version. */
  workflowId: Identifier;
}

/**
 * The workflow flyteadmin wraps a task in to run it on its own (`CreateOrGetWorkflowModel`): one node
 * calling the task, named after it, with the task's interface, its inputs bound from the workflow's
 * and the workflow's outputs from the node; compiled.
 *
 * @throws AloftError `Internal` when it does not compile (the task compiled, so it always should).
 */
export function singleTaskWorkflow(options: SingleTaskWorkflowOptions): CompiledWorkflowClosure {
  const template = options.task.template;
  const taskId = template?.id;
  if (template === undefined || taskId === undefined) throw AloftError.internal("compiled task without a template id");
  const nodeId = nodeIdFromTaskName(taskId.name);
  const primary = create(WorkflowTemplateSchema, {
    id: options.workflowId,
    interface: template.interface,
    nodes: [
      create(NodeSchema, {
        id: nodeId,
        metadata: {
          name: nodeId,
          retries: template.metadata?.retries ?? create(RetryStrategySchema, { retries: DEFAULT_RETRIES }),
        },
        inputs: promises(template.interface?.inputs, ""),
        target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } },
      }),
    ],
    outputs: promises(template.interface?.outputs, nodeId),
  });
  const compiled = compileWorkflow({ primary, tasks: [options.task] });
  if (!compiled.ok) {
    throw AloftError.internal(
      `the workflow around task ${taskId.name} does not compile: ${compiled.errors.map(formatCompileError).join("; ")}`,
    );
  }
  return compiled.value;
}
