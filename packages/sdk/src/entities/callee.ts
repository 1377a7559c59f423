import { AloftError } from "@aloft/idl";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { CalleeSpec, NodeMetadataSpec, VarSpec } from "../workflow/model.js";
import {
  DECL,
  type InterfaceDecl,
  type LaunchPlanEntityLike,
  type TaskEntityLike,
  type TaskMetadataDecl,
  type VarDecl,
  type WorkflowEntityLike,
} from "./decl.js";
import { entityLabel } from "./entity-label.js";

function varSpecs(vars: Readonly<Record<string, VarDecl>>): Record<string, VarSpec> {
  const out: Record<string, VarSpec> = {};
  for (const [k, v] of Object.entries(vars))
    out[k] = { literalType: v.literalType, type: v.type, optional: v.optional };
  return out;
}

function outputTypes(iface: InterfaceDecl): Record<string, LiteralType> {
  const out: Record<string, LiteralType> = {};
  for (const [k, v] of Object.entries(iface.outputs)) out[k] = v.literalType;
  return out;
}

function taskNodeMetadata(m: TaskMetadataDecl): NodeMetadataSpec {
  // flytekit's `PythonTask.construct_node_metadata`: the task's timeout, retries and interruptible.
  return { name: undefined, timeoutMs: m.timeoutMs, retries: m.retries, interruptible: m.interruptible };
}

const NO_FIXED: ReadonlySet<string> = new Set();

/** How nodes call a task of any kind. @internal */
export function taskCallee(entity: TaskEntityLike): CalleeSpec {
  const decl = entity[DECL];
  const common = {
    entity,
    label: entityLabel(entity),
    inputs: varSpecs(decl.iface.inputs),
    outputs: outputTypes(decl.iface),
    single: decl.iface.single,
    defaults: {},
    fixed: NO_FIXED,
  };
  switch (decl.kind) {
    case "function":
    case "container": {
      const metadata = decl.metadata;
      return { ...common, kind: "task", nodeMetadata: () => taskNodeMetadata(metadata) };
    }
    case "map": {
      const inner = decl.inner[DECL];
      if (inner.kind !== "function") throw AloftError.internal("map over a task that is not a function task");
      return {
        ...common,
        kind: "map",
        label: `map(${entityLabel(decl.inner)})`,
        // The array node has only a name; the mapped sub-node carries the task's settings.
        nodeMetadata: () => ({ name: undefined, retries: 0 }),
        subNodeMetadata: () => taskNodeMetadata(inner.metadata),
      };
    }
    case "reference":
      // flytekit's `ReferenceEntity.construct_node_metadata`: a name only.
      return { ...common, kind: "reference-task", nodeMetadata: () => ({ name: undefined, retries: 0 }) };
  }
}

/** How nodes call a workflow (as a sub-workflow). @internal */
export function workflowCallee(entity: WorkflowEntityLike): CalleeSpec {
  const decl = entity[DECL];
  const interruptible = decl.kind === "workflow" ? decl.interruptible : undefined;
  return {
    kind: "subworkflow",
    entity,
    label: entityLabel(entity),
    inputs: varSpecs(decl.iface.inputs),
    outputs: outputTypes(decl.iface),
    single: decl.iface.single,
    defaults: decl.kind === "workflow" ? decl.defaults : {},
    fixed: NO_FIXED,
    // flytekit's `WorkflowBase.construct_node_metadata`: the workflow's interruptible default.
    nodeMetadata: () => ({ name: undefined, retries: 0, interruptible }),
  };
}

/** How nodes call a launch plan (as a child execution). @internal */
export function launchPlanCallee(entity: LaunchPlanEntityLike): CalleeSpec {
  const decl = entity[DECL];
  if (decl.kind === "reference") {
    return {
      kind: "reference-launch-plan",
      entity,
      label: entityLabel(entity),
      inputs: varSpecs(decl.iface.inputs),
      outputs: outputTypes(decl.iface),
      single: decl.iface.single,
      defaults: {},
      fixed: NO_FIXED,
      nodeMetadata: () => ({ name: undefined, retries: 0 }),
    };
  }
  const wf = decl.workflow[DECL];
  const wfDefaults = wf.kind === "workflow" ? wf.defaults : {};
  return {
    kind: "launch-plan",
    entity,
    label: entityLabel(entity),
    inputs: varSpecs(wf.iface.inputs),
    outputs: outputTypes(wf.iface),
    single: wf.iface.single,
    // flytekit binds a launch plan's saved inputs (workflow defaults, then its own) for inputs left out.
    defaults: { ...wfDefaults, ...decl.defaultInputs },
    fixed: new Set(Object.keys(decl.fixedInputs)),
    // flytekit's `LaunchPlan.construct_node_metadata` is its workflow's.
    nodeMetadata: () => ({
      name: undefined,
      retries: 0,
      interruptible: wf.kind === "workflow" ? wf.interruptible : undefined,
    }),
  };
}
