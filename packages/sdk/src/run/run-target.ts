import { workflowId } from "@aloft/idl";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { ParameterMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  DECL,
  type DeclaredEntity,
  type InterfaceDecl,
  type LaunchPlanEntityLike,
  type TaskEntityLike,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { workflow } from "../entities/workflow.js";
import type { Shape } from "../types/type.js";
import type { LocalCatalog } from "./local-catalog.js";
import type { InputSpec } from "./run-values.js";

/** What a run executes: a compiled workflow, the interface values are converted with, defaults. */
export interface RunTarget extends InputSpec {
  closure: CompiledWorkflowClosure;
  /** Whether a task runs on its own (its node is then not named in failures). */
  single: boolean;
  maxParallelism: number | undefined;
}

const mapWorkflows = new WeakMap<EntityBase, WorkflowEntityLike>();

/**
 * A map task on its own runs as a workflow of one array node (a task node would run the mapped task
 * once on whole lists), named `.flytegen.<map task name>` as flyteadmin names single-task workflows.
 */
function mapWorkflow(mapTask: TaskEntityLike): WorkflowEntityLike {
  let wf = mapWorkflows.get(mapTask);
  if (wf === undefined) {
    const { inputs, outputs, single } = mapTask[DECL].iface;
    const shapes = (vars: InterfaceDecl["inputs"]): Shape =>
      Object.fromEntries(Object.entries(vars).flatMap(([k, v]) => (v.type === undefined ? [] : [[k, v.type]])));
    const names = Object.keys(outputs);
    const call = mapTask as unknown as (inputs: unknown) => Record<string, unknown>;
    const body = (refs: unknown): unknown => {
      const node = call(refs);
      return single ? node : Object.fromEntries(names.map((k) => [k, node[k]]));
    };
    const name = `.flytegen.${mapTask.name ?? "map"}`;
    wf = (single
      ? workflow({ name, inputs: shapes(inputs), output: shapes(outputs)[names[0] ?? "o0"] as never }, body as never)
      : workflow(
          { name, inputs: shapes(inputs), outputs: shapes(outputs) },
          body as never,
        )) as unknown as WorkflowEntityLike;
    mapWorkflows.set(mapTask, wf);
  }
  return wf;
}

/**
 * What running `entity` means: the compiled workflow to execute (a task alone in flyteadmin's one-node
 * workflow, a map task in a one-array-node workflow, a reference or mocked launch plan as its stand-in),
 * the interface values are converted with, and the defaults and fixed inputs to merge.
 *
 * @throws AloftError `InvalidArgument` when the entity does not compile.
 */
export function runTarget(
  entity: DeclaredEntity,
  catalog: LocalCatalog,
  isMocked: (e: EntityBase) => boolean,
): RunTarget {
  const none = {};
  switch (entity.kind) {
    case "task": {
      const task = entity as TaskEntityLike;
      const decl = task[DECL];
      if (decl.kind === "map" && !isMocked(task)) {
        const wf = mapWorkflow(task);
        return { ...runTarget(wf, catalog, isMocked), single: true };
      }
      const closure = catalog.taskClosure(task);
      return { closure, iface: decl.iface, defaults: none, fixed: none, single: true, maxParallelism: undefined };
    }
    case "workflow": {
      const decl = (entity as WorkflowEntityLike)[DECL];
      if (decl.kind === "reference") {
        const closure = catalog.standInClosure(entity, decl.iface, workflowId(decl.id));
        return { closure, iface: decl.iface, defaults: none, fixed: none, single: true, maxParallelism: undefined };
      }
      const closure = catalog.workflowClosure(entity as WorkflowEntityLike);
      return {
        closure,
        iface: decl.iface,
        defaults: decl.defaultLiterals,
        fixed: none,
        single: false,
        maxParallelism: undefined,
      };
    }
    case "launch-plan": {
      const lp = entity as LaunchPlanEntityLike;
      const decl = lp[DECL];
      catalog.add(lp);
      const launched = catalog.launchPlanToRun(lp);
      if (decl.kind === "reference" || launched.defaultInputs === undefined) {
        const iface = decl.kind === "reference" ? decl.iface : (decl.workflow as WorkflowEntityLike)[DECL].iface;
        return {
          closure: launched.closure,
          iface,
          defaults: none,
          fixed: none,
          single: true,
          maxParallelism: undefined,
        };
      }
      return {
        closure: launched.closure,
        iface: (decl.workflow as WorkflowEntityLike)[DECL].iface,
        defaults: parameterDefaults(launched.defaultInputs),
        fixed: decl.fixedLiterals,
        single: false,
        maxParallelism: decl.maxParallelism,
      };
    }
  }
}

/** The defaults a launch plan offers, from its parameters. */
function parameterDefaults(parameters: ParameterMap): Record<string, Literal> {
  const out: Record<string, Literal> = {};
  for (const [name, p] of Object.entries(parameters.parameters))
    if (p.behavior.case === "default") out[name] = p.behavior.value;
  return out;
}
