/*
 * Turns what a dynamic task returned (a DynamicJobSpec) into a compiled workflow the way propeller
 * does (nodes/dynamic/dynamic_workflow.go): a workflow `dynamic_<node id>` with a random version in
 * the execution's project and domain, the parent task's outputs as its interface, every child task's
 * container config extended with the parent's, compiled with `@aloft/compiler`.
 */
import { randomInt } from "node:crypto";
import { clone, create } from "@bufbuild/protobuf";
import {
  compileTask,
  compileWorkflow,
  formatCompileError,
  getRequirements,
  type LaunchPlanInterface,
} from "@aloft/compiler";
import { formatIdentifier, identifierKey } from "@aloft/idl";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import {
  IdentifierSchema,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { LaunchPlanResolver } from "../execute-workflow-options.js";
import { resolveLaunchPlan } from "../launch-plan-support.js";

/** Input of {@link buildDynamicWorkflow}. */
export interface BuildDynamicWorkflowInput {
  spec: DynamicJobSpec;
  /** The dynamic task itself. */
  parentTask: TaskTemplate;
  /** The dynamic node's unique id. */
  nodeId: string;
  executionId: WorkflowExecutionIdentifier;
  launchPlans: LaunchPlanResolver | undefined;
}

/** The compiled workflow, or propeller's user error message (`DynamicWorkflowBuildFailed`). */
export type BuiltDynamicWorkflow = { ok: true; closure: CompiledWorkflowClosure } | { ok: false; message: string };

const VERSION_CHARS = "bcdfghjklmnpqrstvwxz2456789";

/** Builds and compiles the workflow a dynamic task returned. */
export async function buildDynamicWorkflow(input: BuildDynamicWorkflowInput): Promise<BuiltDynamicWorkflow> {
  const { spec, parentTask } = input;
  const template = create(WorkflowTemplateSchema, {
    id: create(IdentifierSchema, {
      resourceType: ResourceType.WORKFLOW,
      project: input.executionId.project,
      domain: input.executionId.domain,
      name: `dynamic_${input.nodeId}`,
      version: Array.from({ length: 10 }, () => VERSION_CHARS[randomInt(VERSION_CHARS.length)]).join(""),
    }),
    nodes: spec.nodes,
    outputs: spec.outputs,
    interface: { outputs: parentTask.interface?.outputs },
  });

  const parentConfig = parentTask.target.case === "container" ? parentTask.target.value.config : [];
  const seen = new Set<string>();
  const tasks: CompiledTask[] = [];
  for (const task of spec.tasks) {
    const key = identifierKey(task.id ?? create(IdentifierSchema));
    if (seen.has(key)) continue;
    seen.add(key);
    let child = task;
    if (child.target.case === "container" && parentConfig.length > 0) {
      child = clone(TaskTemplateSchema, child);
      if (child.target.case === "container") child.target.value.config.push(...parentConfig);
    }
    const compiled = compileTask(child);
    if (!compiled.ok) {
      return {
        ok: false,
        message: userError("failed to compile dynamic tasks", compiled.errors.map(formatCompileError)),
      };
    }
    tasks.push(compiled.value);
  }

  const { launchPlanIds } = getRequirements(template, spec.subworkflows);
  const launchPlans: LaunchPlanInterface[] = [];
  for (const id of launchPlanIds) {
    const resolved = await resolveLaunchPlan(input.launchPlans, id);
    if (!resolved.ok) {
      return { ok: false, message: userError(`failed to get launch plan ${formatIdentifier(id)}`, [resolved.message]) };
    }
    launchPlans.push(resolved.interface);
  }

  const compiled = compileWorkflow({ primary: template, subWorkflows: spec.subworkflows, tasks, launchPlans });
  if (!compiled.ok) {
    return { ok: false, message: userError("malformed dynamic workflow", compiled.errors.map(formatCompileError)) };
  }
  return { ok: true, closure: compiled.value };
}

function userError(what: string, causes: readonly string[]): string {
  return `[UserError] ${what}, caused by: ${causes.join("\n")}`;
}
