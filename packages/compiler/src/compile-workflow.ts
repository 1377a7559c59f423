import { clone, create } from "@bufbuild/protobuf";
import {
  CompiledTaskSchema,
  CompiledWorkflowClosureSchema,
  CompiledWorkflowSchema,
  type CompiledTask,
  type CompiledWorkflowClosure,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowTemplateSchema, type WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { CompileContext } from "./compile-context.js";
import type { CompileResult } from "./compile-error.js";
import { compileErrors } from "./compile-errors.js";
import { ErrorScope } from "./error-scope.js";
import { identifierKey } from "./identifiers.js";
import type { LaunchPlanInterface } from "./launch-plan-interface.js";
import { collectRequirements } from "./requirements.js";
import { validateWorkflow } from "./workflow-builder.js";
import { START_NODE_ID } from "./workflow-graph.js";

/** Everything a workflow compilation needs; see {@link compileWorkflow}. */
export interface CompileWorkflowInput {
  /** The workflow to compile. Not modified: the compiler works on a copy. */
  primary: WorkflowTemplate;
  /** Templates of the sub-workflows it (transitively) calls. Not modified. */
  subWorkflows?: readonly WorkflowTemplate[];
  /** Compiled tasks it needs (more may be given: all end up in the closure, de-duplicated by id). */
  tasks: readonly CompiledTask[];
  /** Interfaces of the launch plans its nodes call. */
  launchPlans?: readonly LaunchPlanInterface[];
}

/**
 * Compiles a workflow and everything it calls into a `CompiledWorkflowClosure` with exactly the
 * structure Flyte's `CompileWorkflow` produces: sentinel `start-node`/`end-node` nodes, sorted
 * dependencies, renamed branch case nodes, `connections` for the primary and every compiled
 * sub-workflow, all given tasks and sub-workflows. Every problem found is returned, not just the first.
 *
 * Missing tasks, launch plans and sub-workflows are reported before anything else is checked, as in Flyte.
 */
export function compileWorkflow(input: CompileWorkflowInput): CompileResult<CompiledWorkflowClosure> {
  const errs = ErrorScope.root();
  const ctx = new CompileContext();
  const fail = (): CompileResult<CompiledWorkflowClosure> => ({ ok: false, errors: errs.list() });

  for (const task of input.tasks) {
    const template = task.template;
    if (template?.id === undefined) {
      const only = ErrorScope.root();
      only.collect(compileErrors.valueRequired("task", "Template.Id", "a compiled task has no template id"));
      return { ok: false, errors: only.list() };
    }
    const key = identifierKey(template.id);
    if (!ctx.tasks.has(key)) ctx.tasks.set(key, { template, owned: false });
  }

  const subTemplates = new Map<string, WorkflowTemplate>();
  for (const sub of input.subWorkflows ?? []) {
    if (sub.id === undefined) {
      // Flyte gives up here with an empty error list; say why instead.
      errs.collect(compileErrors.valueRequired("root", "SubWorkflow.Id", "a sub-workflow template has no id"));
      continue;
    }
    const key = identifierKey(sub.id);
    if (ctx.subWorkflows.has(key)) {
      errs.collect(compileErrors.duplicateWorkflowId(sub.id));
      continue;
    }
    const template = clone(WorkflowTemplateSchema, sub);
    ctx.subWorkflows.set(key, create(CompiledWorkflowSchema, { template }));
    subTemplates.set(key, template);
  }
  if (errs.hasErrors()) return fail();

  for (const lp of input.launchPlans ?? []) ctx.launchPlans.set(identifierKey(lp.id), lp);

  const primary = clone(WorkflowTemplateSchema, input.primary);
  const requirementErrs = errs.child();
  const reqs = collectRequirements({
    workflow: primary,
    subWorkflows: subTemplates,
    followSubWorkflows: true,
    errs: requirementErrs,
  });
  for (const lp of reqs.launchPlans) {
    if (!ctx.launchPlans.has(identifierKey(lp.id))) {
      requirementErrs.collect(compileErrors.launchPlanReferenceNotFound(lp.id, lp.nodeIds));
    }
  }
  for (const task of reqs.tasks) {
    if (!ctx.tasks.has(identifierKey(task.id))) {
      requirementErrs.collect(compileErrors.taskReferenceNotFound(START_NODE_ID, task.id, task.nodeIds));
    }
  }
  if (requirementErrs.hasErrors()) return fail();

  const compiled = create(CompiledWorkflowSchema, { template: primary });
  ctx.compiling.push({ key: identifierKey(primary.id), id: primary.id });
  if (!validateWorkflow(ctx, compiled, errs.child())) return fail();

  return {
    ok: true,
    value: create(CompiledWorkflowClosureSchema, {
      primary: compiled,
      subWorkflows: [...ctx.subWorkflows.values()],
      tasks: [...ctx.tasks.values()].map((entry) => create(CompiledTaskSchema, { template: entry.template })),
    }),
  };
}
