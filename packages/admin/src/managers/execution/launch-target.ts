/**
 * What an execution launches: the launch plan named by the request, or, for a single-task launch, the
 * system-generated `.flytegen.<task>` workflow and launch plan (flyteadmin `util/single_task_execution.go`).
 */
import { create } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import { validateLaunchPlanInputs, formatCompileError } from "@aloft/compiler";
import { AnnotationsSchema, LabelsSchema, NamedEntityState } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { ExecutionSpec } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import {
  type LaunchPlan,
  LaunchPlanClosureSchema,
  LaunchPlanMetadataSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { WorkflowCreateRequestSchema, WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type Identifier, IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { ParameterMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  type Binding,
  BindingSchema,
  LiteralMapSchema,
  RetryStrategySchema,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type Node, NodeSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Task } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import type { WorkflowRow } from "../../db/schema.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import type { EntityKey } from "../../repositories/keys.js";
import { LAUNCH_PLAN_INACTIVE } from "../../repositories/launch-plan-repo.js";
import { entityKeyFromId, entityKeyToId } from "../../transformers/identifier-transformer.js";
import { launchPlanFromRow, launchPlanToRow } from "../../transformers/launch-plan-transformer.js";
import { taskFromRow } from "../../transformers/task-transformer.js";
import { decodeOptionalColumn } from "../../transformers/proto-bytes.js";
import { launchPlanDigest } from "../digest.js";
import type { ManagerContext, WorkflowManager } from "../interfaces.js";

/** The resolved target of an execution. */
export interface LaunchTarget {
  /** The launch plan launched (for tasks, the generated one). */
  launchPlan: LaunchPlan;
  /** `launch_plans.id` (0 for single-task launches, whose row records the task instead). */
  launchPlanRowId: number;
  /** The workflow row: its closure location and identifier. */
  workflowRow: WorkflowRow;
  /** `workflows.id` recorded on the execution (for launch plans, the launch plan row's `workflow_id`). */
  workflowRowId: number;
  /** `tasks.id` for single-task launches, else 0. */
  taskRowId: number;
  /** LAUNCH_PLAN or TASK: how the execution row records what launched it. */
  launchEntity: ResourceType;
}

/**
 * Loads the launch plan and its workflow for a launch-plan execution.
 * @throws AloftError NotFound "missing entity of type LAUNCH_PLAN …" / "… WORKFLOW …" from the repositories.
 */
export async function resolveLaunchPlanTarget(
  repos: Pick<Repositories, "launchPlans" | "workflows">,
  launchPlanId: Identifier,
): Promise<LaunchTarget> {
  const launchPlanRow = await repos.launchPlans.get(entityKeyFromId(launchPlanId));
  const launchPlan = launchPlanFromRow(launchPlanRow);
  const workflowRow = await repos.workflows.get(entityKeyFromId(launchPlan.spec?.workflowId));
  return {
    launchPlan,
    launchPlanRowId: launchPlanRow.id,
    workflowRow,
    workflowRowId: launchPlanRow.workflow_id,
    taskRowId: 0,
    launchEntity: ResourceType.LAUNCH_PLAN,
  };
}

/** What a single-task launch needs besides the repositories. */
export interface SingleTaskLaunchDeps {
  repos: Pick<Repositories, "tasks" | "workflows" | "launchPlans" | "namedEntities">;
  /** Registers the generated workflow (compiled and stored like any other). */
  workflows: Pick<WorkflowManager, "createWorkflow">;
}

/**
 * Loads the task and gets or creates its `.flytegen.<task>` workflow (one node running the task, same
 * version) and INACTIVE launch plan, both marked SYSTEM_GENERATED, as flyteadmin does on the first launch
 * of a task version. A concurrent first launch that wins the race is tolerated.
 *
 * @throws AloftError NotFound when the task version does not exist; the workflow manager's errors.
 */
export async function resolveSingleTaskTarget(
  deps: SingleTaskLaunchDeps,
  taskId: Identifier,
  requestSpec: ExecutionSpec,
  context: ManagerContext,
): Promise<LaunchTarget> {
  const taskRow = await deps.repos.tasks.get(entityKeyFromId(taskId));
  const task = taskFromRow(taskRow);
  const systemKey: EntityKey = { ...entityKeyFromId(taskId), name: systemName(taskId.name) };
  const workflowRow = await getOrCreateWorkflow(deps, task, taskId, systemKey, context);
  const launchPlan = await getOrCreateLaunchPlan(deps, taskId, systemKey, workflowRow, requestSpec);
  return {
    launchPlan,
    launchPlanRowId: 0,
    workflowRow,
    workflowRowId: workflowRow.id,
    taskRowId: taskRow.id,
    launchEntity: ResourceType.TASK,
  };
}

function systemName(taskName: string): string {
  return `.flytegen.${taskName}`;
}

/**
 * The node id of the generated workflow: the last 63 characters of the task name, keeping only letters,
 * digits and `-` (flyteadmin's `generateNodeNameFromTask`).
 */
export function nodeIdForTask(taskName: string): string {
  const chars = [...taskName];
  const tail = chars.length >= 63 ? chars.slice(chars.length - 63) : chars;
  return tail.filter((ch) => ch === "-" || /[\p{L}\p{N}]/u.test(ch)).join("");
}

async function getOrCreateWorkflow(
  deps: SingleTaskLaunchDeps,
  task: Task,
  taskId: Identifier,
  key: EntityKey,
  context: ManagerContext,
): Promise<WorkflowRow> {
  const existing = await deps.repos.workflows.find(key);
  if (existing !== undefined) return existing;
  const template = task.closure?.compiledTask?.template;
  const nodeId = nodeIdForTask(taskId.name);
  const workflowId = entityKeyToId(key, ResourceType.WORKFLOW);
  const node: Node = create(NodeSchema, {
    id: nodeId,
    metadata: { name: nodeId, retries: template?.metadata?.retries ?? create(RetryStrategySchema, { retries: 3 }) },
    inputs: bindings(template?.interface?.inputs, ""),
    target: {
      case: "taskNode",
      value: {
        reference: {
          case: "referenceId",
          value: create(IdentifierSchema, { ...taskId, resourceType: ResourceType.TASK }),
        },
      },
    },
  });
  const spec = create(WorkflowSpecSchema, {
    template: {
      id: workflowId,
      interface: template?.interface ?? create(TypedInterfaceSchema),
      nodes: [node],
      outputs: bindings(template?.interface?.outputs, nodeId),
    },
  });
  try {
    await deps.workflows.createWorkflow(create(WorkflowCreateRequestSchema, { id: workflowId, spec }), context);
  } catch (error) {
    if (!(error instanceof AloftError && error.code === Code.AlreadyExists)) throw error;
  }
  await deps.repos.namedEntities.update(
    { resourceType: ResourceType.WORKFLOW, project: key.project, domain: key.domain, name: key.name },
    { description: "", state: NamedEntityState.SYSTEM_GENERATED },
  );
  return deps.repos.workflows.get(key);
}

/** One binding per variable, each a promise of the same variable from `nodeId` ("" = the workflow inputs). */
function bindings(variables: VariableMap | undefined, nodeId: string): Binding[] {
  return Object.keys(variables?.variables ?? {})
    .sort()
    .map((name) =>
      create(BindingSchema, {
        var: name,
        binding: { value: { case: "promise", value: { nodeId, var: name } } },
      }),
    );
}

async function getOrCreateLaunchPlan(
  deps: SingleTaskLaunchDeps,
  taskId: Identifier,
  key: EntityKey,
  workflowRow: WorkflowRow,
  requestSpec: ExecutionSpec,
): Promise<LaunchPlan> {
  const existing = await deps.repos.launchPlans.find(key);
  if (existing !== undefined) return launchPlanFromRow(existing);
  const workflowInterface =
    decodeOptionalColumn(TypedInterfaceSchema, workflowRow.typed_interface, "workflow interface") ??
    create(TypedInterfaceSchema);
  const expectations = validateLaunchPlanInputs({
    workflowInterface,
    defaultInputs: create(ParameterMapSchema),
    fixedInputs: create(LiteralMapSchema),
  });
  if (!expectations.ok) {
    throw AloftError.invalidArgument(expectations.errors.map(formatCompileError).join("\n"));
  }
  const launchPlan = create(LaunchPlanSchema, {
    id: entityKeyToId(key, ResourceType.LAUNCH_PLAN),
    spec: create(LaunchPlanSpecSchema, {
      // [quirk] flyteadmin names the task here, not the generated workflow; clients have seen it for years.
      workflowId: entityKeyToId({ ...key, name: taskId.name }, ResourceType.WORKFLOW),
      entityMetadata: create(LaunchPlanMetadataSchema),
      defaultInputs: expectations.value.expectedInputs,
      fixedInputs: create(LiteralMapSchema),
      labels: create(LabelsSchema),
      annotations: create(AnnotationsSchema),
      ...(requestSpec.authRole === undefined ? {} : { authRole: requestSpec.authRole }),
      ...(requestSpec.securityContext === undefined ? {} : { securityContext: requestSpec.securityContext }),
    }),
    closure: create(LaunchPlanClosureSchema, {
      expectedInputs: expectations.value.expectedInputs,
      expectedOutputs: expectations.value.expectedOutputs,
    }),
  });
  try {
    await deps.repos.launchPlans.create(
      launchPlanToRow({
        launchPlan,
        workflowRowId: workflowRow.id,
        digest: launchPlanDigest(launchPlan),
        state: LAUNCH_PLAN_INACTIVE,
      }),
    );
  } catch (error) {
    if (!(error instanceof AloftError && error.code === Code.AlreadyExists)) throw error;
    return launchPlanFromRow(await deps.repos.launchPlans.get(key));
  }
  await deps.repos.namedEntities.update(
    { resourceType: ResourceType.LAUNCH_PLAN, project: key.project, domain: key.domain, name: key.name },
    { description: "", state: NamedEntityState.SYSTEM_GENERATED },
  );
  return launchPlan;
}
