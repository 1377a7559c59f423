/**
 * The execution-time settings CreateExecution resolves from matchable attributes and config (flyteadmin
 * `getExecutionConfig`, `GetTaskResources`, `resolveStringMap`, `addProjectLabels`, `getClusterAssignment`,
 * `addPluginOverrides`). The lookups are independent, so they run concurrently.
 */
import { AloftError } from "@aloft/idl";
import type { ClusterAssignment } from "@aloft/idl/gen/flyteidl/admin/cluster_assignment_pb";
import { LabelsSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { ExecutionSpec } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  MatchableResource,
  type PluginOverride,
  type WorkflowExecutionConfig,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminConfig } from "../../config/admin-config.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import { decodeColumn } from "../../transformers/proto-bytes.js";
import { resourceTypeName } from "../../transformers/resource-transformer.js";
import { loadResourceSnapshot, type ResourceSnapshot } from "../resource-snapshot.js";
import {
  findMatchableAttributes,
  type PlatformTaskResources,
  resolveTaskResources,
  resolveWorkflowExecutionConfig,
} from "../resolve-attributes.js";

/** The attribute types a launch looks up. */
const LAUNCH_RESOURCE_TYPES = [
  MatchableResource.WORKFLOW_EXECUTION_CONFIG,
  MatchableResource.TASK_RESOURCE,
  MatchableResource.CLUSTER_ASSIGNMENT,
  MatchableResource.PLUGIN_OVERRIDE,
].map(resourceTypeName);

/** What {@link resolveLaunchSettings} reads. */
export interface LaunchSettingsDeps {
  repos: Pick<Repositories, "resources">;
  application: AdminConfig["application"];
  registration: Pick<AdminConfig["registration"], "maxLabelEntries" | "maxAnnotationEntries">;
  taskResources: AdminConfig["taskResources"];
}

/** Input of {@link resolveLaunchSettings}. */
export interface LaunchSettingsInput {
  executionId: WorkflowExecutionIdentifier;
  /** The request spec (principal already set). */
  spec: ExecutionSpec;
  /** The launch plan launched (for tasks, the generated one). */
  launchPlan: LaunchPlan;
  /** Single-task launch: the launch plan's settings and caps do not apply, as in flyteadmin. */
  isTask: boolean;
  /** Name of the launched workflow (TASK_RESOURCE lookup). */
  workflowName: string;
  /** The project row's serialized labels. */
  projectLabels: Uint8Array | null;
  /** Default `run_as.execution_identity`: the caller. */
  executionIdentity: string;
  /** The attributes, when already loaded with {@link loadLaunchResources}. */
  resources?: ResourceSnapshot;
}

/** Everything the engine hand-off needs beyond the execution's identity and inputs. */
export interface LaunchSettings {
  executionConfig: WorkflowExecutionConfig;
  /** Execution labels plus project labels for keys the execution does not set. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  platformResources: PlatformTaskResources;
  clusterAssignment: ClusterAssignment | undefined;
  pluginOverrides: PluginOverride[];
}

/**
 * Resolves the settings of a launch.
 * @throws AloftError InvalidArgument "<labels|annotations> has too many entries [n > max]", or when the request
 *   asks for another cluster pool than the configured one.
 */
export async function resolveLaunchSettings(
  deps: LaunchSettingsDeps,
  input: LaunchSettingsInput,
): Promise<LaunchSettings> {
  const { executionId, spec, launchPlan, isTask } = input;
  const resources =
    input.resources ?? (await loadLaunchResources(deps.repos.resources, executionId.project, executionId.domain));
  const [executionConfig, platformResources, clusterAssignment, pluginOverrides] = await Promise.all([
    resolveWorkflowExecutionConfig(resources, {
      project: executionId.project,
      domain: executionId.domain,
      requestSpec: spec,
      launchPlan: isTask ? undefined : launchPlan,
      application: deps.application,
      executionIdentity: input.executionIdentity,
    }),
    resolveTaskResources(resources, {
      project: executionId.project,
      domain: executionId.domain,
      workflow: input.workflowName,
      configured: deps.taskResources,
    }),
    resolveClusterAssignment(resources, executionId.project, executionId.domain, spec),
    resolvePluginOverrides(resources, {
      project: executionId.project,
      domain: executionId.domain,
      // flyteadmin looks task launches up by the execution name; kept for parity.
      workflow: isTask ? executionId.name : (launchPlan.spec?.workflowId?.name ?? ""),
      launchPlan: isTask ? "" : (launchPlan.id?.name ?? ""),
    }),
  ]);
  const labels = isTask
    ? { ...(executionConfig.labels?.values ?? {}) }
    : resolveStringMap(
        executionConfig.labels?.values,
        launchPlan.spec?.labels?.values,
        "labels",
        deps.registration.maxLabelEntries,
      );
  for (const [key, value] of Object.entries(projectLabels(input.projectLabels))) labels[key] ??= value;
  const annotations = isTask
    ? { ...(executionConfig.annotations?.values ?? {}) }
    : resolveStringMap(
        executionConfig.annotations?.values,
        launchPlan.spec?.annotations?.values,
        "annotations",
        deps.registration.maxAnnotationEntries,
      );
  return { executionConfig, labels, annotations, platformResources, clusterAssignment, pluginOverrides };
}

/** Every matchable attribute a launch in `project` and `domain` may use, in one query. */
export function loadLaunchResources(
  resources: Repositories["resources"],
  project: string,
  domain: string,
): Promise<ResourceSnapshot> {
  return loadResourceSnapshot(resources, { project, domain, resourceTypes: LAUNCH_RESOURCE_TYPES });
}

/**
 * flyteadmin's `resolveStringMap`: the preferred map when it is set, else the fallback, capped at `maxEntries`
 * (0 = no cap).
 */
function resolveStringMap(
  preferred: Record<string, string> | undefined,
  fallback: Record<string, string> | undefined,
  name: string,
  maxEntries: number,
): Record<string, string> {
  const values = { ...(preferred ?? fallback ?? {}) };
  const count = Object.keys(values).length;
  if (maxEntries > 0 && count > maxEntries) {
    throw AloftError.invalidArgument(`${name} has too many entries [${count} > ${maxEntries}]`);
  }
  return values;
}

function projectLabels(bytes: Uint8Array | null): Record<string, string> {
  if (bytes === null || bytes.length === 0) return {};
  return decodeColumn(LabelsSchema, bytes, "project labels").values;
}

/** The CLUSTER_ASSIGNMENT attribute of the project and domain, or the request's pool when none is stored. */
async function resolveClusterAssignment(
  resources: ResourceSnapshot,
  project: string,
  domain: string,
  spec: ExecutionSpec,
): Promise<ClusterAssignment | undefined> {
  const found = await findMatchableAttributes(resources, {
    resourceType: MatchableResource.CLUSTER_ASSIGNMENT,
    project,
    domain,
  });
  const stored = found?.attributes.target.case === "clusterAssignment" ? found.attributes.target.value : undefined;
  const requested = spec.clusterAssignment;
  const requestedPool = requested?.clusterPoolName ?? "";
  const storedPool = stored?.clusterPoolName ?? "";
  if (requestedPool === "") return stored;
  if (storedPool === "") return requested;
  if (requestedPool !== storedPool) {
    throw AloftError.invalidArgument(
      `execution with project "${project}" and domain "${domain}" cannot run on cluster pool "${requestedPool}", because its configured to run on pool "${storedPool}"`,
    );
  }
  return stored;
}

async function resolvePluginOverrides(
  resources: ResourceSnapshot,
  query: { project: string; domain: string; workflow: string; launchPlan: string },
): Promise<PluginOverride[]> {
  const found = await findMatchableAttributes(resources, {
    resourceType: MatchableResource.PLUGIN_OVERRIDE,
    ...query,
  });
  return found?.attributes.target.case === "pluginOverrides" ? found.attributes.target.value.overrides : [];
}
