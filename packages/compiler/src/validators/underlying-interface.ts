import { create } from "@bufbuild/protobuf";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  VariableSchema,
  type TypedInterface,
  type Variable,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { GateNode } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";
import { identifierKey, identifierToString } from "../identifiers.js";
import { NodeKind, type LaunchPlanNodeKind, type TaskNodeKind } from "../nodes/node-kind.js";
import type { NodeBuilder, WorkflowGraph } from "../workflow-graph.js";
import { validateBindings } from "./bindings.js";
import { validateBranchInterface } from "./branch-interface.js";
import { validateInterface } from "./interface.js";

/**
 * Derives the interface a node is checked against (propeller's `ValidateUnderlyingInterface`), by kind:
 * a task's interface; a sub-workflow's; a launch plan's expected outputs and, as inputs, its required
 * inputs plus the optional ones the node binds; for a branch, the outputs all cases share; for an
 * approve gate, its bindings both ways; for a signal gate, the signal's output; for an array node,
 * its sub-node's. The result is remembered on the node when no error was found.
 */
export function validateUnderlyingInterface(
  graph: WorkflowGraph,
  n: NodeBuilder,
  errs: ErrorScope,
): TypedInterface | undefined {
  if (n.iface !== undefined) return n.iface;
  const kind = NodeKind.of(n.node);
  let iface: TypedInterface | undefined;
  switch (kind.kind) {
    case "task":
      iface = taskInterface(graph, n, kind, errs);
      break;
    case "launchPlan":
      iface = launchPlanInterface(graph, n, kind, errs);
      break;
    case "subWorkflow": {
      const wf = graph.findSubWorkflow(kind.ref);
      if (wf === undefined) {
        errs.collect(compileErrors.workflowReferenceNotFound(n.id, identifierToString(kind.ref), [n.id]));
      } else if (wf.template === undefined) {
        errs.collect(compileErrors.valueRequired(n.id, "WorkflowNode.Template", "the sub-workflow has no template"));
      } else {
        iface = wf.template.interface;
        if (iface === undefined) {
          errs.collect(
            compileErrors.valueRequired(n.id, "WorkflowNode.Template.Interface", "the sub-workflow has no interface"),
          );
        }
      }
      break;
    }
    case "unreferencedWorkflow":
      errs.collect(compileErrors.workflowReferenceNotFound(n.id, "<none>", [n.id]));
      break;
    case "branch":
      iface = validateBranchInterface(graph, n, errs.child(), validateUnderlyingInterface);
      break;
    case "gate":
      iface = gateInterface(graph, n, kind.gate, errs);
      break;
    case "array": {
      // Flyte reports this at a node with an empty id ("Target"); the array node is more useful.
      if (kind.array.node === undefined) {
        errs.collect(compileErrors.valueRequired(n.id, "ArrayNode.Node", `array node [${n.id}] has no sub-node`));
        break;
      }
      const subErrs = errs.child();
      const subIface = validateUnderlyingInterface(graph, graph.builderFor(kind.array.node), subErrs);
      // flytekit already wraps the sub-node's variables in lists where needed; the interface is used as is.
      if (!subErrs.hasErrors()) iface = subIface;
      break;
    }
    case "none":
      errs.collect(compileErrors.valueRequired(n.id, "Target", `node [${n.id}] has no target`));
      break;
  }
  if (iface !== undefined) iface = validateInterface(n.id, iface, errs.child()).iface;
  if (!errs.hasErrors()) n.iface = iface;
  return iface;
}

function emptyInterface(): TypedInterface {
  return create(TypedInterfaceSchema, { inputs: create(VariableMapSchema), outputs: create(VariableMapSchema) });
}

function taskInterface(
  graph: WorkflowGraph,
  n: NodeBuilder,
  kind: TaskNodeKind,
  errs: ErrorScope,
): TypedInterface | undefined {
  if (kind.ref === undefined) {
    errs.collect(compileErrors.valueRequired(n.id, "TaskNode.ReferenceId", `task node [${n.id}] names no task`));
    return undefined;
  }
  const task = graph.findTask(kind.ref);
  if (task === undefined) {
    errs.collect(compileErrors.taskReferenceNotFound(n.id, kind.ref, [n.id]));
    return undefined;
  }
  if (task.interface === undefined) return emptyInterface();
  // The interface is completed in place (missing maps become empty), which Flyte's closure shows.
  const needsCompleting = task.interface.inputs === undefined || task.interface.outputs === undefined;
  return needsCompleting ? graph.ownTaskTemplate(kind.ref)?.interface : task.interface;
}

function launchPlanInterface(
  graph: WorkflowGraph,
  n: NodeBuilder,
  kind: LaunchPlanNodeKind,
  errs: ErrorScope,
): TypedInterface | undefined {
  // A node calling the workflow's own launch plan (same id) sees the workflow's interface.
  if (identifierKey(kind.ref) === identifierKey(graph.template.id)) {
    const own = graph.template.interface;
    if (own === undefined)
      errs.collect(compileErrors.valueRequired(n.id, "WorkflowNode.Interface", "the workflow has no interface"));
    return own;
  }
  const lp = graph.findLaunchPlan(kind.ref);
  if (lp === undefined) {
    errs.collect(compileErrors.workflowReferenceNotFound(n.id, identifierToString(kind.ref), [n.id]));
    return undefined;
  }
  // Callers may hand over launch plans without expected inputs/outputs despite the types.
  const inputs = lp.expectedInputs as typeof lp.expectedInputs | undefined;
  const outputs = lp.expectedOutputs as typeof lp.expectedOutputs | undefined;
  if (inputs === undefined) {
    errs.collect(
      compileErrors.valueRequired(n.id, "WorkflowNode.ExpectedInputs", "the launch plan has no expected inputs"),
    );
  }
  if (outputs === undefined) {
    errs.collect(
      compileErrors.valueRequired(n.id, "WorkflowNode.ExpectedOutputs", "the launch plan has no expected outputs"),
    );
  }
  const bound = new Set((n.node?.inputs ?? []).map((b) => b.var));
  const exposed: Record<string, Variable> = {};
  for (const [name, p] of Object.entries(inputs?.parameters ?? {})) {
    // Inputs with a default are exposed only when the node overrides them.
    const required = p.behavior.case === "required" && p.behavior.value;
    if (required || bound.has(name)) exposed[name] = p.var ?? create(VariableSchema);
  }
  return create(TypedInterfaceSchema, { inputs: create(VariableMapSchema, { variables: exposed }), outputs });
}

function gateInterface(
  graph: WorkflowGraph,
  n: NodeBuilder,
  gate: GateNode,
  errs: ErrorScope,
): TypedInterface | undefined {
  const condition = gate.condition;
  switch (condition.case) {
    case "approve": {
      // Approval copies the inputs to the outputs, so both are what the bindings carry.
      const { resolved } = validateBindings({
        graph,
        node: n,
        bindings: n.node?.inputs ?? [],
        params: create(VariableMapSchema),
        validateParamTypes: false,
        direction: "upstream",
        errs: errs.child(),
      });
      return create(TypedInterfaceSchema, { inputs: resolved, outputs: resolved });
    }
    case "signal": {
      const signal = condition.value;
      if (signal.type === undefined) {
        errs.collect(compileErrors.valueRequired(n.id, "GateNode.Signal.Type", `signal gate [${n.id}] has no type`));
        return undefined;
      }
      if (signal.outputVariableName === "") {
        errs.collect(
          compileErrors.valueRequired(
            n.id,
            "GateNode.Signal.OutputVariableName",
            `signal gate [${n.id}] names no output`,
          ),
        );
        return undefined;
      }
      return create(TypedInterfaceSchema, {
        inputs: create(VariableMapSchema),
        outputs: create(VariableMapSchema, {
          variables: { [signal.outputVariableName]: create(VariableSchema, { type: signal.type }) },
        }),
      });
    }
    case "sleep":
      return emptyInterface();
    case undefined:
      errs.collect(compileErrors.noConditionFound(n.id));
      return undefined;
  }
}
