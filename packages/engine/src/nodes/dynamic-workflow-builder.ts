/**
 * Turns a dynamic task's `futures.pb` (a `DynamicJobSpec`) into a compiled workflow, as propeller does
 * (nodes/dynamic/dynamic_workflow.go `buildDynamicWorkflow`, utils.go): a workflow `dynamic_<nodeId>` with a
 * random 10-character version in the execution's project and domain, the parent task's outputs as its
 * interface and no inputs; the parent container's `config` appended to every child container task; child
 * tasks compiled one by one; the interfaces of the launch plans it calls looked up (from admin on the engine,
 * from the run's resolver in the SDK's local runs); then the full workflow compilation. Problems of the spec are
 * user errors (`DynamicWorkflowBuildFailed`); lookup failures that are not the user's are thrown (system errors,
 * the round is retried).
 */
import { randomInt } from "node:crypto";
import { clone, create } from "@bufbuild/protobuf";
import {
  compileTask,
  compileWorkflow,
  formatCompileError,
  getRequirements,
  launchPlanInterfaceFrom,
  type LaunchPlanInterface,
} from "@aloft/compiler";
import { AloftError, Code, formatIdentifier, identifierKey } from "@aloft/idl";
import { ObjectGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { CompiledTask, CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import type { DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import {
  type Identifier,
  IdentifierSchema,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TaskTemplateSchema, type TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { AdminApi } from "../control-plane/control-plane.js";
import { messageOf } from "../semantics/execution-errors.js";

/** A launch plan's interface, or the user error text (`dynamicUserError`) that it cannot be used. */
export type LaunchPlanLookup = (id: Identifier) => Promise<LaunchPlanInterface | { userError: string }>;

/** Inputs of {@link buildDynamicWorkflow}. */
export interface BuildDynamicWorkflowInput {
  spec: DynamicJobSpec;
  /** The dynamic task itself. */
  parentTask: TaskTemplate;
  /** The dynamic node's unique id. */
  nodeId: string;
  executionId: WorkflowExecutionIdentifier;
  /** Finds the launch plans the dynamic workflow calls (`adminLaunchPlanLookup` on the engine). */
  launchPlan: LaunchPlanLookup;
}

/** The compiled dynamic workflow, or the user error that prevents it. */
export type DynamicWorkflowBuild = { ok: true; closure: CompiledWorkflowClosure } | { ok: false; message: string };

/** k8s' `rand.String` alphabet (no vowels, no confusable digits). */
const VERSION_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Builds and compiles the workflow a dynamic task returned. */
export async function buildDynamicWorkflow(input: BuildDynamicWorkflowInput): Promise<DynamicWorkflowBuild> {
  const { spec, parentTask } = input;
  const template = create(WorkflowTemplateSchema, {
    id: create(IdentifierSchema, {
      resourceType: ResourceType.WORKFLOW,
      project: input.executionId.project,
      domain: input.executionId.domain,
      name: `dynamic_${input.nodeId}`,
      version: Array.from({ length: 10 }, () => VERSION_ALPHABET[randomInt(VERSION_ALPHABET.length)]).join(""),
    }),
    nodes: spec.nodes,
    outputs: spec.outputs,
    interface: { outputs: parentTask.interface?.outputs },
  });

  const tasks = compileChildTasks(spec.tasks, parentTask);
  if (!tasks.ok) return tasks;

  const { launchPlanIds } = getRequirements(template, spec.subworkflows);
  const launchPlans: LaunchPlanInterface[] = [];
  for (const id of launchPlanIds) {
    const found = await input.launchPlan(id);
    if ("userError" in found) return { ok: false, message: found.userError };
    launchPlans.push(found);
  }

  const compiled = compileWorkflow({
    primary: template,
    subWorkflows: spec.subworkflows,
    tasks: tasks.value,
    launchPlans,
  });
  if (!compiled.ok) return userError("malformed dynamic workflow", compiled.errors.map(formatCompileError));
  return { ok: true, closure: compiled.value };
}

/** Each child task once, with the parent container's config appended, compiled (propeller's `compileTasks`). */
function compileChildTasks(
  children: readonly TaskTemplate[],
  parentTask: TaskTemplate,
): { ok: true; value: CompiledTask[] } | { ok: false; message: string } {
  const parentConfig = parentTask.target.case === "container" ? parentTask.target.value.config : [];
  const seen = new Set<string>();
  const compiled: CompiledTask[] = [];
  for (const task of children) {
    const key = identifierKey(task.id ?? create(IdentifierSchema));
    if (seen.has(key)) continue;
    seen.add(key);
    let child = task;
    if (child.target.case === "container" && parentConfig.length > 0) {
      child = clone(TaskTemplateSchema, child);
      if (child.target.case === "container") child.target.value.config.push(...parentConfig);
    }
    const result = compileTask(child);
    if (!result.ok) return userError("failed to compile dynamic tasks", result.errors.map(formatCompileError));
    compiled.push(result.value);
  }
  return { ok: true, value: compiled };
}

/** Propeller's launch-plan lookup through admin: NotFound and unusable interfaces are the user's errors. */
export function adminLaunchPlanLookup(admin: AdminApi): LaunchPlanLookup {
  return async (id) => {
    const name = `${id.project}:${id.domain}:${id.name}:${id.version}`;
    let launchPlan;
    try {
      launchPlan = await admin.getLaunchPlan(create(ObjectGetRequestSchema, { id }));
    } catch (error) {
      if (error instanceof AloftError && error.code === Code.NotFound) {
        return { userError: dynamicUserError(`incorrectly specified launchplan ${name}`, [messageOf(error)]) };
      }
      throw new Error(`unable to retrieve launchplan information ${name}: ${messageOf(error)}`, { cause: error });
    }
    try {
      return launchPlanInterfaceFrom(launchPlan);
    } catch (error) {
      return {
        userError: dynamicUserError(`incorrectly specified launchplan ${formatIdentifier(id)}`, [messageOf(error)]),
      };
    }
  };
}

/** flytestdlib's wrapped user error: `[UserError] <what>, caused by: <causes>`. */
export function dynamicUserError(what: string, causes: readonly string[]): string {
  return `[UserError] ${what}, caused by: ${causes.join("\n")}`;
}

function userError(what: string, causes: readonly string[]): { ok: false; message: string } {
  return { ok: false, message: dynamicUserError(what, causes) };
}
