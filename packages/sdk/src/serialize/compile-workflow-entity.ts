import { create } from "@bufbuild/protobuf";
import {
  compileTask,
  compileWorkflow,
  validateLaunchPlanInputs,
  type CompileError,
  type LaunchPlanExpectations,
  type LaunchPlanInterface,
} from "@aloft/compiler";
import { noneLiteral } from "@aloft/idl";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import {
  ParameterMapSchema,
  ParameterSchema,
  VariableMapSchema,
  VariableSchema,
  type Parameter,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskMetadataSchema, TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import {
  DECL,
  type InterfaceDecl,
  type LaunchPlanEntityLike,
  type TaskEntityLike,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { dependenciesOf } from "./dependencies.js";
import { launchPlanIdOf, launchPlanParameters } from "./serialize-launch-plan.js";
import { taskIdOf, taskTemplate, typedInterface, type SerializeContext } from "./serialize-task.js";
import { workflowSpec } from "./serialize-workflow.js";

/** A compile error and the entity it was found in. @internal */
export interface EntityCompileError {
  entity: EntityBase;
  error: CompileError;
}

/** A compiled value, or every error found. @internal */
export type EntityCompileResult<T> = { ok: true; value: T } | { ok: false; errors: EntityCompileError[] };

/**
 * The compiled form of a task. A reference task is compiled from its declared interface (admin holds the
 * real template; a mismatch shows when admin compiles the workflow, as with flytekit).
 * @internal
 */
export function compiledTaskOf(task: TaskEntityLike, ctx: SerializeContext): EntityCompileResult<CompiledTask> {
  const decl = task[DECL];
  const template =
    decl.kind === "reference"
      ? create(TaskTemplateSchema, {
          id: taskIdOf(task, ctx),
          type: "reference",
          metadata: create(TaskMetadataSchema, {}),
          interface: typedInterface(decl.iface),
        })
      : taskTemplate(task, ctx);
  const result = compileTask(template);
  return result.ok ? result : { ok: false, errors: result.errors.map((error) => ({ entity: task, error })) };
}

function interfaceParameters(iface: InterfaceDecl): Record<string, Parameter> {
  const params: Record<string, Parameter> = {};
  for (const [name, v] of Object.entries(iface.inputs)) {
    params[name] = create(ParameterSchema, {
      var: create(VariableSchema, { type: v.literalType, description: v.description }),
      behavior: v.optional ? { case: "default", value: noneLiteral() } : { case: "required", value: true },
    });
  }
  return params;
}

/**
 * What a launch plan expects (flyteadmin's checks of its default and fixed inputs against its
 * workflow), or, for a reference launch plan, its declared interface.
 * @internal
 */
export function launchPlanExpectationsOf(lp: LaunchPlanEntityLike): EntityCompileResult<LaunchPlanExpectations> {
  const decl = lp[DECL];
  if (decl.kind === "reference") {
    return {
      ok: true,
      value: {
        expectedInputs: create(ParameterMapSchema, { parameters: interfaceParameters(decl.iface) }),
        expectedOutputs: typedInterface(decl.iface).outputs ?? create(VariableMapSchema, {}),
      },
    };
  }
  const wf = (decl.workflow as WorkflowEntityLike)[DECL];
  const result = validateLaunchPlanInputs({
    workflowInterface: typedInterface(wf.iface),
    defaultInputs: create(ParameterMapSchema, { parameters: launchPlanParameters(decl) }),
    fixedInputs: create(LiteralMapSchema, { literals: { ...decl.fixedLiterals } }),
  });
  return result.ok ? result : { ok: false, errors: result.errors.map((error) => ({ entity: lp, error })) };
}

/** The interface the compiler uses for a launch-plan node. @internal */
export function launchPlanInterfaceOf(
  lp: LaunchPlanEntityLike,
  ctx: SerializeContext,
): EntityCompileResult<LaunchPlanInterface> {
  const expectations = launchPlanExpectationsOf(lp);
  if (!expectations.ok) return expectations;
  return { ok: true, value: { id: launchPlanIdOf(lp, ctx), ...expectations.value } };
}

/**
 * Compiles a workflow with everything it calls into a `CompiledWorkflowClosure` with `@aloft/compiler`:
 * its tasks (reference tasks from their declared interfaces), sub-workflows and launch-plan interfaces.
 * @internal
 */
export function compileWorkflowEntity(
  wf: WorkflowEntityLike,
  ctx: SerializeContext,
): EntityCompileResult<CompiledWorkflowClosure> {
  const deps = dependenciesOf(wf);
  const errors: EntityCompileError[] = [];
  const tasks: CompiledTask[] = [];
  for (const t of deps.tasks) {
    const r = compiledTaskOf(t, ctx);
    if (r.ok) tasks.push(r.value);
    else errors.push(...r.errors);
  }
  const launchPlans: LaunchPlanInterface[] = [];
  for (const lp of deps.launchPlans) {
    const r = launchPlanInterfaceOf(lp, ctx);
    if (r.ok) launchPlans.push(r.value);
    else errors.push(...r.errors);
  }
  if (errors.length > 0) return { ok: false, errors };
  const spec = workflowSpec(wf, ctx);
  if (spec.template === undefined) throw new Error("workflow spec without template");
  const result = compileWorkflow({ primary: spec.template, subWorkflows: spec.subWorkflows, tasks, launchPlans });
  return result.ok ? result : { ok: false, errors: result.errors.map((error) => ({ entity: wf, error })) };
}
