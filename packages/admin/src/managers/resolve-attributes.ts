/**
 * Matchable attribute resolution shared by registration and execution managers (flyteadmin
 * `resources/resource_manager.go` GetResource, `util/resources.go` GetTaskResources, `util/shared.go`
 * MergeIntoExecConfig, and `execution_manager.go` getExecutionConfig).
 *
 * Lookup rule: among the `resources` rows of one type whose project, domain, workflow and launch plan are each
 * either "" or the requested value, the highest priority wins as a whole (workflow > project-domain > project);
 * the config supplies the fallback. Only WORKFLOW_EXECUTION_CONFIG is merged field by field, across levels.
 */
import { AloftError, Code } from "@aloft/idl";
import { clone, create } from "@bufbuild/protobuf";
import {
  type Annotations,
  AnnotationsSchema,
  type AuthRole,
  AuthRoleSchema,
  type Envs,
  EnvsSchema,
  type Labels,
  LabelsSchema,
  type RawOutputDataConfig,
  RawOutputDataConfigSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { ExecutionSpec } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  MatchableResource,
  type MatchingAttributes,
  type TaskResourceSpec,
  type WorkflowExecutionConfig,
  WorkflowExecutionConfigSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { IdentitySchema, type SecurityContext, SecurityContextSchema } from "@aloft/idl/gen/flyteidl/core/security_pb";
import type { AdminConfig, TaskResourceSet } from "../config/admin-config.js";
import type { ResourceRepo } from "../repositories/resource-repo.js";
import type { ResourceSnapshot } from "./resource-snapshot.js";
import { matchingAttributesFromRow, resourceTypeName } from "../transformers/resource-transformer.js";

/** Which attributes to look up; omitted levels are "" (any). */
export interface MatchableAttributesQuery {
  resourceType: MatchableResource;
  project: string;
  domain?: string;
  workflow?: string;
  launchPlan?: string;
}

/** The most specific row found by {@link findMatchableAttributes}, with the level it was stored at. */
export interface ResolvedAttributes {
  attributes: MatchingAttributes;
  project: string;
  domain: string;
  workflow: string;
  launchPlan: string;
}

/**
 * The most specific matchable attributes for `query`, or undefined when no row matches (flyteadmin's
 * `GetMatchableResource`, which treats NotFound as "none").
 *
 * @throws AloftError InvalidArgument from the repository for an impossible query (no project and no domain,
 *   a workflow without a project, a launch plan without a workflow).
 */
export async function findMatchableAttributes(
  resources: Pick<ResourceRepo, "get"> & Partial<Pick<ResourceSnapshot, "find">>,
  query: MatchableAttributesQuery,
): Promise<ResolvedAttributes | undefined> {
  const id = {
    project: query.project,
    domain: query.domain ?? "",
    workflow: query.workflow ?? "",
    launchPlan: query.launchPlan ?? "",
    resourceType: resourceTypeName(query.resourceType),
  };
  try {
    // A snapshot answers "none" without building a NotFound error (lookups are frequent and usually find nothing).
    const row = resources.find === undefined ? await resources.get(id) : await resources.find(id);
    if (row === undefined) return undefined;
    return {
      attributes: matchingAttributesFromRow(row),
      project: row.project,
      domain: row.domain,
      workflow: row.workflow,
      launchPlan: row.launch_plan,
    };
  } catch (error) {
    if (error instanceof AloftError && error.code === Code.NotFound) return undefined;
    throw error;
  }
}

/** Requests and limits of the platform (quantity strings, unset when not configured). */
export interface PlatformTaskResources {
  defaults: TaskResourceSet;
  limits: TaskResourceSet;
}

/** Input of {@link resolveTaskResources}. */
export interface ResolveTaskResourcesInput {
  project: string;
  domain: string;
  /** Only used for workflow-level TASK_RESOURCE rows (execution time); registration passes none. */
  workflow?: string;
  /** `config.taskResources`, the fallback when no TASK_RESOURCE row matches. */
  configured: AdminConfig["taskResources"];
}

/**
 * The platform task resources for a project and domain (and workflow): the most specific TASK_RESOURCE
 * attributes as a whole, else the configured defaults and limits (flyteadmin `GetTaskResources`). Lookup
 * errors other than "not found" are ignored, as flyteadmin only logs them.
 */
export async function resolveTaskResources(
  resources: Pick<ResourceRepo, "get">,
  input: ResolveTaskResourcesInput,
): Promise<PlatformTaskResources> {
  let found: ResolvedAttributes | undefined;
  try {
    found = await findMatchableAttributes(resources, {
      resourceType: MatchableResource.TASK_RESOURCE,
      project: input.project,
      domain: input.domain,
      ...(input.workflow === undefined ? {} : { workflow: input.workflow }),
    });
  } catch {
    found = undefined;
  }
  const target = found?.attributes.target;
  if (target?.case === "taskResourceAttributes") {
    return {
      defaults: taskResourceSetFromSpec(target.value.defaults),
      limits: taskResourceSetFromSpec(target.value.limits),
    };
  }
  return { defaults: { ...input.configured.defaults }, limits: { ...input.configured.limits } };
}

function taskResourceSetFromSpec(spec: TaskResourceSpec | undefined): TaskResourceSet {
  const set: TaskResourceSet = {};
  if (spec === undefined) return set;
  if (spec.cpu !== "") set.cpu = spec.cpu;
  if (spec.gpu !== "") set.gpu = spec.gpu;
  if (spec.memory !== "") set.memory = spec.memory;
  if (spec.storage !== "") set.storage = spec.storage;
  if (spec.ephemeralStorage !== "") set.ephemeralStorage = spec.ephemeralStorage;
  return set;
}

/**
 * Anything that carries execution settings: an `ExecutionSpec`, a `LaunchPlanSpec`, a
 * `WorkflowExecutionConfig`, or the application defaults ({@link applicationExecConfigSource}).
 */
export interface ExecConfigSource {
  maxParallelism?: number;
  securityContext?: SecurityContext | undefined;
  rawOutputDataConfig?: RawOutputDataConfig | undefined;
  labels?: Labels | undefined;
  annotations?: Annotations | undefined;
  interruptible?: boolean | undefined;
  overwriteCache?: boolean;
  envs?: Envs | undefined;
}

/** A security context counts as set only if it names a service account, an IAM role or an execution identity. */
function hasRunAs(context: SecurityContext | undefined): boolean {
  const runAs = context?.runAs;
  return (
    runAs !== undefined && (runAs.k8sServiceAccount !== "" || runAs.iamRole !== "" || runAs.executionIdentity !== "")
  );
}

/**
 * flyteadmin's `MergeIntoExecConfig`: fills each field of `target` that is still unset from `source`
 * (`target` has priority). Unset means: max parallelism 0; no security context with a service account, IAM role
 * or execution identity; an empty raw output prefix; no labels/annotations/envs entries (maps are taken whole,
 * never key-merged); interruptible unset; overwrite cache false. Mutates and returns `target`; copied values
 * are clones, so later changes to `target` never reach `source`.
 */
export function mergeIntoExecConfig(
  target: WorkflowExecutionConfig,
  source: ExecConfigSource | undefined,
): WorkflowExecutionConfig {
  if (source === undefined) return target;
  if (target.maxParallelism === 0 && (source.maxParallelism ?? 0) > 0) target.maxParallelism = source.maxParallelism!;
  if (target.securityContext === undefined && hasRunAs(source.securityContext)) {
    target.securityContext = clone(SecurityContextSchema, source.securityContext!);
  }
  if (
    (target.rawOutputDataConfig?.outputLocationPrefix ?? "") === "" &&
    (source.rawOutputDataConfig?.outputLocationPrefix ?? "") !== ""
  ) {
    target.rawOutputDataConfig = clone(RawOutputDataConfigSchema, source.rawOutputDataConfig!);
  }
  if (isEmptyMap(target.labels?.values) && !isEmptyMap(source.labels?.values)) {
    target.labels = clone(LabelsSchema, source.labels!);
  }
  if (isEmptyMap(target.annotations?.values) && !isEmptyMap(source.annotations?.values)) {
    target.annotations = clone(AnnotationsSchema, source.annotations!);
  }
  if (target.interruptible === undefined && source.interruptible !== undefined)
    target.interruptible = source.interruptible;
  if (!target.overwriteCache && (source.overwriteCache ?? false)) target.overwriteCache = true;
  if ((target.envs?.values.length ?? 0) === 0 && (source.envs?.values.length ?? 0) > 0) {
    target.envs = clone(EnvsSchema, source.envs!);
  }
  return target;
}

function isEmptyMap(values: Record<string, string> | undefined): boolean {
  return values === undefined || Object.keys(values).length === 0;
}

/**
 * The application's execution defaults as a merge source (flyteadmin's top-level `ApplicationConfig`):
 * max parallelism, IAM role / service account, output prefix, labels, annotations, envs (sorted by key),
 * interruptible only when true (false would override every workflow), overwrite cache.
 */
export function applicationExecConfigSource(application: AdminConfig["application"]): ExecConfigSource {
  return {
    maxParallelism: application.maxParallelism,
    securityContext: create(SecurityContextSchema, {
      runAs: { iamRole: application.assumableIamRole, k8sServiceAccount: application.k8sServiceAccount },
    }),
    rawOutputDataConfig: create(RawOutputDataConfigSchema, { outputLocationPrefix: application.outputLocationPrefix }),
    labels: create(LabelsSchema, { values: { ...application.labels } }),
    annotations: create(AnnotationsSchema, { values: { ...application.annotations } }),
    interruptible: application.interruptible ? true : undefined,
    overwriteCache: application.overwriteCache,
    envs: create(EnvsSchema, {
      values: Object.keys(application.envs)
        .sort()
        .map((key) => ({ key, value: application.envs[key] ?? "" })),
    }),
  };
}

/**
 * The application defaults as a `WorkflowExecutionConfig` (flyteadmin `GetAsWorkflowExecutionConfig`, what
 * GetProjectAttributes merges in): max parallelism, overwrite cache and interruptible always; security
 * context, raw output config, labels and annotations only when configured; never envs.
 */
export function applicationWorkflowExecutionConfig(application: AdminConfig["application"]): WorkflowExecutionConfig {
  const source = applicationExecConfigSource(application);
  return create(WorkflowExecutionConfigSchema, {
    maxParallelism: application.maxParallelism,
    overwriteCache: application.overwriteCache,
    ...(source.interruptible === undefined ? {} : { interruptible: source.interruptible }),
    ...(application.k8sServiceAccount !== "" || application.assumableIamRole !== ""
      ? { securityContext: source.securityContext }
      : {}),
    ...(application.outputLocationPrefix !== "" ? { rawOutputDataConfig: source.rawOutputDataConfig } : {}),
    ...(Object.keys(application.labels).length > 0 ? { labels: source.labels } : {}),
    ...(Object.keys(application.annotations).length > 0 ? { annotations: source.annotations } : {}),
  });
}

/**
 * The legacy auth role of an execution (flyteadmin `resolveAuthRole`): the request's, else the launch plan's
 * `auth_role`, else its `auth`, else its `role` as an IAM role, else empty.
 */
export function resolveAuthRole(requestSpec: ExecutionSpec | undefined, launchPlan: LaunchPlan | undefined): AuthRole {
  if (requestSpec?.authRole !== undefined) return requestSpec.authRole;
  const spec = launchPlan?.spec;
  if (spec === undefined) return create(AuthRoleSchema);
  if (spec.authRole !== undefined) return spec.authRole;
  if (spec.auth !== undefined) {
    return create(AuthRoleSchema, {
      assumableIamRole: spec.auth.assumableIamRole,
      kubernetesServiceAccount: spec.auth.kubernetesServiceAccount,
    });
  }
  if (spec.role !== "") return create(AuthRoleSchema, { assumableIamRole: spec.role });
  return create(AuthRoleSchema);
}

/** Input of {@link resolveWorkflowExecutionConfig}. */
export interface ResolveWorkflowExecutionConfigInput {
  project: string;
  domain: string;
  /** The execution request's spec (highest priority). */
  requestSpec: ExecutionSpec | undefined;
  /** The launch plan being launched; its spec is the second source and its workflow name picks attributes. */
  launchPlan?: LaunchPlan | undefined;
  /** `config.application`: the last source. */
  application: AdminConfig["application"];
  /** The caller's execution identity, used when nothing else sets `run_as.execution_identity`. @default "" */
  executionIdentity?: string;
}

/**
 * flyteadmin's `getExecutionConfig`: merges, field by field with the first set value winning, the request
 * spec, the launch plan spec, the most specific WORKFLOW_EXECUTION_CONFIG attributes for (project, domain,
 * workflow name), the project-level ones, the legacy auth role (security context only), then the application
 * defaults. The result always has a security context with `run_as` (empty if nothing set one), whose
 * execution identity defaults to `executionIdentity`.
 */
export async function resolveWorkflowExecutionConfig(
  resources: Pick<ResourceRepo, "get">,
  input: ResolveWorkflowExecutionConfigInput,
): Promise<WorkflowExecutionConfig> {
  const config = create(WorkflowExecutionConfigSchema);
  mergeIntoExecConfig(config, input.requestSpec);
  const launchPlanSpec = input.launchPlan?.spec;
  mergeIntoExecConfig(config, launchPlanSpec);
  const workflowName = launchPlanSpec?.workflowId?.name ?? "";

  const specific = await findMatchableAttributes(resources, {
    resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
    project: input.project,
    domain: input.domain,
    workflow: workflowName,
  });
  if (specific?.attributes.target.case === "workflowExecutionConfig") {
    mergeIntoExecConfig(config, specific.attributes.target.value);
  }
  // The project-level row too, so a project-level field fills what a project-domain row leaves unset.
  const projectLevel = await findMatchableAttributes(resources, {
    resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
    project: input.project,
  });
  if (projectLevel?.attributes.target.case === "workflowExecutionConfig") {
    mergeIntoExecConfig(config, projectLevel.attributes.target.value);
  }

  if (config.securityContext === undefined) {
    const authRole = resolveAuthRole(input.requestSpec, input.launchPlan);
    if (authRole.kubernetesServiceAccount !== "" || authRole.assumableIamRole !== "") {
      config.securityContext = create(SecurityContextSchema, {
        runAs: { iamRole: authRole.assumableIamRole, k8sServiceAccount: authRole.kubernetesServiceAccount },
      });
    }
  }

  mergeIntoExecConfig(config, applicationExecConfigSource(input.application));
  config.securityContext ??= create(SecurityContextSchema);
  config.securityContext.runAs ??= create(IdentitySchema);
  if (config.securityContext.runAs.executionIdentity === "") {
    config.securityContext.runAs.executionIdentity = input.executionIdentity ?? "";
  }
  return config;
}
