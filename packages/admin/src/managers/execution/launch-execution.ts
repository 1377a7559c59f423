/**
 * The CreateExecution path shared by create, relaunch and recover (flyteadmin `launchExecutionAndPrepareModel`,
 * `launchExecution`, `launchSingleTaskExecution`, `createExecutionModel`): validate, resolve what runs and
 * with which inputs and settings, offload the inputs, then hand the execution to the engine and record it
 * in one transaction.
 */
import type { ExecutionRequest } from "@aloft/db";
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AloftError, Code } from "@aloft/idl";
import type { Notification } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  type ExecutionCreateRequest,
  ExecutionMetadata_ExecutionMode,
  ExecutionMetadataSchema,
  type ExecutionSpec,
  ExecutionSpecSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ConcurrencyLimitBehavior, type LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ResourceType, type WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { BlobStore } from "@aloft/storage";
import type { AdminConfig, DomainConfig } from "../../config/admin-config.js";
import type { NewExecutionRow } from "../../db/schema.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import { Entity } from "../../repositories/filters/filter-entities.js";
import { fieldFilter } from "../../repositories/filters/filter-expression.js";
import {
  executionTagsFromSpec,
  executionToRow,
  launchFailureToExecutionError,
} from "../../transformers/execution-transformer.js";
import {
  entityKeyToId,
  executionKeyFromId,
  executionKeyToId,
  nodeExecutionKeyFromId,
} from "../../transformers/identifier-transformer.js";
import { decodeColumn } from "../../transformers/proto-bytes.js";
import {
  checkAndFetchInputsForExecution,
  validateExecutionRequestSpec,
  validateExecutionRequestTarget,
} from "../../validation/execution-validation.js";
import { assertProjectDomainActive } from "../../validation/project-domain-gate.js";
import { generateExecutionName } from "../execution-name.js";
import type { ManagerContext, WorkflowManager } from "../interfaces.js";
import { loadLaunchResources, resolveLaunchSettings } from "./launch-settings.js";
import { LaunchRefused, type LaunchWriter } from "./launch-writes.js";
import type { WorkflowClosureCache } from "./workflow-closure-cache.js";
import type { LaunchPlanTargetCache } from "./launch-plan-target-cache.js";
import { resolveSingleTaskTarget } from "./launch-target.js";
import { offloadExecutionInputs } from "./literal-data.js";
import { namespaceFor } from "./namespace.js";
import { platformTaskResourcesToSpecs } from "./task-resources.js";

/** What launching an execution reads. */
export interface LaunchExecutionDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** Hands executions to the engine (`executor`) and records them, in one transaction. */
  launches: LaunchWriter;
  /** Registers the `.flytegen` workflow of single-task launches. */
  workflows: Pick<WorkflowManager, "createWorkflow">;
  /** `config.domains` (the project-domain gate). */
  domains: readonly DomainConfig[];
  /** `config.application`: execution defaults and the event version. */
  application: AdminConfig["application"];
  /** `config.registration`: caps on resolved labels and annotations (0 = none). */
  registration: Pick<AdminConfig["registration"], "maxLabelEntries" | "maxAnnotationEntries">;
  /** `config.taskResources`: platform defaults and limits when no TASK_RESOURCE attributes apply. */
  taskResources: AdminConfig["taskResources"];
  /** `config.namespaceMapping.template`. */
  namespaceTemplate: string;
  /** Where compiled workflows are read from (cached: workflow versions never change). */
  closures: WorkflowClosureCache;
  /** Where launch plans and their workflows are read from (cached: launch plan versions never change). */
  launchPlanTargets: LaunchPlanTargetCache;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default generateExecutionName */
  generateName?: () => string;
}

/** Options of {@link launchExecution}. */
export interface LaunchExecutionOptions {
  /** When the request arrived (the engine's `accepted_at`). */
  requestedAt: Date;
  /** `executions.id` of the execution a relaunch or recovery starts from. */
  sourceExecutionRowId?: number;
}

/**
 * Runs CreateExecution for `request` and returns the new execution's id.
 *
 * @throws AloftError InvalidArgument for an invalid request or inputs ("invalid input x", "expected_inputs x
 *   missing", "fixed_inputs x cannot be overridden" …), an unknown or inactive project; NotFound for a missing
 *   launch plan, task or workflow; AlreadyExists for a taken name or a launch plan at its SKIP concurrency
 *   limit. When the engine refuses a launch-plan execution, the execution is still recorded as FAILED and
 *   its id returned (flyteadmin's behaviour); for single-task launches the engine's error is thrown.
 */
export async function launchExecution(
  deps: LaunchExecutionDeps,
  request: ExecutionCreateRequest,
  context: ManagerContext,
  options: LaunchExecutionOptions,
): Promise<WorkflowExecutionIdentifier> {
  const userInputs =
    request.inputs !== undefined && Object.keys(request.inputs.literals).length > 0
      ? request.inputs
      : request.spec?.inputs;
  validateExecutionRequestTarget(request);
  // The project check, the launch plan and the matchable attributes are independent reads: start them together
  // (one round trip's wait instead of several on PostgreSQL) but report errors in flyteadmin's order: the
  // project, then the spec, then the launch plan.
  const projectCheck = assertProjectDomainActive(
    { projects: deps.repos.projects, domains: deps.domains },
    request.project,
    request.domain,
  );
  const checked = { spec: request.spec, inputs: userInputs };
  let specError: unknown;
  try {
    validateExecutionRequestSpec(checked);
  } catch (error) {
    specError = error;
  }
  const launchTargetId = checked.spec?.launchPlan;
  const isTask = launchTargetId?.resourceType === ResourceType.TASK;
  const early =
    specError === undefined && !isTask
      ? {
          target: deps.launchPlanTargets.resolve(launchTargetId!),
          resources: loadLaunchResources(deps.repos.resources, request.project, request.domain),
        }
      : undefined;
  // Whatever fails first, the others' rejections must not go unhandled.
  early?.target.catch(() => undefined);
  early?.resources.catch(() => undefined);
  const projectRow = await projectCheck;
  if (specError !== undefined) throw specError;
  const spec = clone(ExecutionSpecSchema, checked.spec!);

  const target = isTask ? await resolveSingleTaskTarget(deps, launchTargetId!, spec, context) : await early!.target;
  const launchPlan = target.launchPlan;
  const inputs = create(LiteralMapSchema, {
    literals: checkAndFetchInputsForExecution({
      userInputs,
      fixedInputs: launchPlan.spec?.fixedInputs,
      expectedInputs: launchPlan.closure?.expectedInputs,
    }),
  });

  const executionId = executionKeyToId({
    project: request.project,
    domain: request.domain,
    name: request.name !== "" ? request.name : (deps.generateName ?? generateExecutionName)(),
  });
  // Blob reads and writes overlap, as flyteadmin's errgroup.
  const closureUri = target.workflowRow.remote_closure_identifier;
  const [, offloaded] = await Promise.all([
    deps.closures.read(closureUri),
    offloadExecutionInputs(
      deps.blobStore,
      inputs,
      userInputs,
      executionId.project,
      executionId.domain,
      executionId.name,
    ),
  ]);
  const { inputsUri } = offloaded;

  const metadata = (spec.metadata ??= create(ExecutionMetadataSchema));
  metadata.principal = context.identity?.subject ?? "";
  const inherited = await inheritFromParent(deps.repos, spec);

  const workflowId = entityKeyToId(target.workflowRow, ResourceType.WORKFLOW);
  const settings = await resolveLaunchSettings(deps, {
    ...(early === undefined ? {} : { resources: await early.resources }),
    executionId,
    spec,
    launchPlan,
    isTask,
    workflowName: workflowId.name,
    projectLabels: projectRow.labels,
    executionIdentity: context.identity?.subject ?? "",
  });
  const { executionConfig, platformResources } = settings;
  const compiledWorkflow = await deps.closures.forLaunch(closureUri, platformResources);
  const recovery =
    metadata.referenceExecution !== undefined && metadata.mode === ExecutionMetadata_ExecutionMode.RECOVERED
      ? metadata.referenceExecution
      : undefined;
  if (!isTask) spec.maxParallelism = executionConfig.maxParallelism;
  if (!isTask && launchPlan.spec?.concurrencyPolicy !== undefined) await checkConcurrency(deps.repos, launchPlan);

  const namespace = namespaceFor(deps.namespaceTemplate, executionId.project, executionId.domain);
  const executionRequest: ExecutionRequest = {
    executionId,
    namespace,
    referenceWorkflowName: workflowId.name,
    referenceLaunchPlanName: launchPlan.id?.name ?? "",
    workflowClosure: compiledWorkflow,
    workflowClosureUri: closureUri,
    inputsUri,
    inputs,
    acceptedAt: timestampFromDate(options.requestedAt),
    labels: settings.labels,
    annotations: settings.annotations,
    taskPluginOverrides: settings.pluginOverrides,
    executionConfig,
    ...(recovery === undefined ? {} : { recoveryExecution: recovery }),
    taskResources: platformTaskResourcesToSpecs(platformResources),
    eventVersion: deps.application.eventVersion,
    ...(executionConfig.rawOutputDataConfig === undefined
      ? {}
      : { rawOutputDataConfig: executionConfig.rawOutputDataConfig }),
    ...(settings.clusterAssignment === undefined ? {} : { clusterAssignment: settings.clusterAssignment }),
    ...(spec.executionClusterLabel === undefined ? {} : { executionClusterLabel: spec.executionClusterLabel }),
  };

  const userInputsUri = await offloaded.userInputsUri;
  const createdAt = timestampFromDate((deps.now ?? (() => new Date()))());
  const rowFor = (cluster: string, launchError?: unknown): NewExecutionRow =>
    executionToRow({
      id: executionId,
      spec,
      launchPlanRowId: target.launchPlanRowId,
      workflowRowId: target.workflowRowId,
      taskRowId: target.taskRowId,
      createdAt,
      notifications: notificationsFor(spec, launchPlan),
      workflowId,
      parentNodeExecutionRowId: inherited.parentNodeExecutionRowId,
      sourceExecutionRowId: options.sourceExecutionRowId ?? inherited.sourceExecutionRowId,
      cluster,
      namespace,
      inputsUri,
      userInputsUri,
      securityContext: executionConfig.securityContext,
      launchEntity: target.launchEntity,
      ...(launchError === undefined ? {} : { launchError: launchFailureToExecutionError(launchError) }),
    });
  const tags = executionTagsFromSpec(spec);

  try {
    await deps.launches.write({ request: executionRequest, row: (cluster) => rowFor(cluster), tags });
  } catch (error) {
    if (!(error instanceof LaunchRefused)) throw error;
    if (isTask) throw AloftError.from(error.refusal);
    // The launch failed, but the execution is recorded FAILED and the call succeeds (flyteadmin).
    await deps.launches.writeRefused({ executionId, row: rowFor("", error.refusal), tags });
  }
  return executionId;
}

/**
 * For a child execution launched by a node: the parent node's and execution's row ids, the parent's
 * principal, nesting + 1 and its cluster label (flyteadmin `getInheritedExecMetadata`). Mutates `spec`.
 */
async function inheritFromParent(
  repos: Pick<Repositories, "nodeExecutions" | "executions">,
  spec: ExecutionSpec,
): Promise<{ parentNodeExecutionRowId: number; sourceExecutionRowId: number }> {
  const parentNode = spec.metadata?.parentNodeExecution;
  if (parentNode === undefined || spec.metadata === undefined)
    return { parentNodeExecutionRowId: 0, sourceExecutionRowId: 0 };
  const nodeRow = await repos.nodeExecutions.get(nodeExecutionKeyFromId(parentNode));
  const parentRow = await repos.executions.get(executionKeyFromId(parentNode.executionId));
  spec.metadata.principal = parentRow.user;
  const parentSpec = decodeColumn(ExecutionSpecSchema, parentRow.spec, "spec");
  spec.metadata.nesting = parentSpec.metadata === undefined ? 1 : parentSpec.metadata.nesting + 1;
  if (parentSpec.executionClusterLabel !== undefined) spec.executionClusterLabel = parentSpec.executionClusterLabel;
  return { parentNodeExecutionRowId: nodeRow.id, sourceExecutionRowId: parentRow.id };
}

/**
 * flyteadmin's `checkLaunchPlanConcurrency`: counts QUEUED and RUNNING executions of any version of the
 * launch plan (same project and domain).
 * @throws AloftError AlreadyExists "concurrency limit (n) reached for launch plan x; skipping execution" for
 *   SKIP; Internal for a behaviour flyteadmin does not know.
 */
async function checkConcurrency(repos: Pick<Repositories, "executions">, launchPlan: LaunchPlan): Promise<void> {
  const policy = launchPlan.spec?.concurrencyPolicy;
  const id = launchPlan.id;
  if (policy === undefined || id === undefined) return;
  const count = await repos.executions.count({
    filters: [
      fieldFilter({ entity: Entity.Execution, fn: "eq", field: "project", value: id.project }),
      fieldFilter({ entity: Entity.Execution, fn: "eq", field: "domain", value: id.domain }),
      fieldFilter({ entity: Entity.LaunchPlan, fn: "eq", field: "name", value: id.name }),
      fieldFilter({ entity: Entity.Execution, fn: "value_in", field: "phase", value: ["QUEUED", "RUNNING"] }),
    ],
  });
  if (count < policy.max) return;
  switch (policy.behavior) {
    case ConcurrencyLimitBehavior.SKIP:
      throw AloftError.alreadyExists(
        `concurrency limit (${policy.max}) reached for launch plan ${id.name}; skipping execution`,
      );
    case ConcurrencyLimitBehavior.UNSPECIFIED:
      return;
    default:
      throw new AloftError(Code.Internal, `unsupported concurrency-limit behavior: ${String(policy.behavior)}`);
  }
}

/** Request notifications when given, none when disabled, else the launch plan's. */
function notificationsFor(spec: ExecutionSpec, launchPlan: LaunchPlan): Notification[] {
  const overrides = spec.notificationOverrides;
  if (overrides.case === "notifications" && overrides.value.notifications.length > 0)
    return overrides.value.notifications;
  if (overrides.case === "disableAll" && overrides.value) return [];
  return launchPlan.spec?.entityMetadata?.notifications ?? [];
}
