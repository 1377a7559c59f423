/*
 * The Pod of a task attempt, built as Flyte's pod plugin builds it (propeller.md §7.3; flyteplugins
 * k8s/pod/plugin.go `BuildResource`, flytek8s/pod_helper.go `BuildRawPod` + `ApplyFlytePodConfiguration`,
 * container_helper.go, propeller's k8s plugin manager `addObjectMetadata`).
 */
import { randomInt } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import type {
  V1Container,
  V1EnvVar,
  V1NodeSelectorRequirement,
  V1ObjectMeta,
  V1Pod,
  V1PodSpec,
  V1Toleration,
} from "@kubernetes/client-node";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { DataLoadingConfig, TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { renderCommandTemplates } from "../../semantics/render-command-templates.js";
import { messageOf } from "../../semantics/execution-errors.js";
import { commandTemplatePaths } from "../command-template-paths.js";
import type { TaskExecutionContext } from "../task-plugin.js";
import {
  applyResourceOverrides,
  mergeResources,
  mergeResourcesIfMissing,
  resourceListsOf,
  sanitizeGpuResources,
  toResourceLists,
  type ResourceCustomizationMode,
  type ResourceLists,
} from "./container-resources.js";
import { addCoPilotToContainer, addCoPilotToPod } from "./copilot-containers.js";
import type { CompiledK8sPodOptions } from "./k8s-pod-options.js";
import { cloneJson, mergeOverride, mergePodSpecOntoTemplate, templateContainerResources } from "./merge-pod-spec.js";
import { secretAnnotations, SECRETS_POD_LABEL } from "./secret-annotations.js";
import { PRIMARY_CONTAINER_KEY } from "./primary-container.js";

const SIDECAR_TASK_TYPE = "sidecar";
const RAW_CONTAINER_TASK_TYPE = "raw-container";
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// k8s.io/apimachinery's rand.String alphabet (no vowels, no confusable digits).
const RAND_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Why a pod cannot be built (a Flyte `BadTaskSpecification`, failing the task permanently). */
export class PodBuildError extends Error {
  override name = "PodBuildError";
}

/** A built pod and its primary container. */
export interface BuiltPod {
  pod: V1Pod;
  primaryContainerName: string;
}

function unionMaps(...maps: Array<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  return Object.assign({}, ...maps.filter((m) => m !== undefined)) as Record<string, string>;
}

function nonEmpty(map: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(map).length === 0 ? undefined : map;
}

// A google.protobuf.Struct field is plain JSON in protobuf-es; a copy, so building the pod leaves the template alone.
function structToObject<T>(value: JsonObject | undefined): T | undefined {
  return value === undefined ? undefined : cloneJson(value as unknown as T);
}

/** The pod name for a generated name (`ConvertToDNS1123SubdomainCompatibleString`, without the camel-case step). */
export function podNameFor(generatedName: string): string {
  if (DNS1123_SUBDOMAIN.test(generatedName) && generatedName.length <= 253) return generatedName;
  return generatedName
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, "")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, 253);
}

function containerNameFor(generatedName: string): string {
  if (DNS1123_LABEL.test(generatedName) && generatedName.length <= 63) return generatedName;
  return Array.from({ length: 4 }, () => RAND_ALPHABET[randomInt(RAND_ALPHABET.length)]).join("");
}

/** `BuildRawPod` (and the sidecar variants of `BuildResource`): the task's own pod spec and primary container. */
function buildRawPod(ctx: TaskExecutionContext, options: CompiledK8sPodOptions) {
  const template = ctx.template;
  const meta: { annotations: Record<string, string>; labels: Record<string, string> } = { annotations: {}, labels: {} };
  if (template.type === SIDECAR_TASK_TYPE && template.taskTypeVersion === 0) {
    const job = structToObject<{
      podSpec?: V1PodSpec;
      primaryContainerName?: string;
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
    }>(template.custom);
    if (job?.podSpec === undefined) {
      throw new PodBuildError(`invalid TaskSpecification, nil PodSpec [${JSON.stringify(job ?? null)}]`);
    }
    Object.assign(meta.annotations, job.annotations ?? {});
    Object.assign(meta.labels, job.labels ?? {});
    return { podSpec: job.podSpec, meta, primary: job.primaryContainerName ?? "" };
  }
  if (template.type === SIDECAR_TASK_TYPE && template.taskTypeVersion === 1) {
    const podSpec = structToObject<V1PodSpec>(template.custom) ?? ({ containers: [] } as V1PodSpec);
    const primary = template.config[PRIMARY_CONTAINER_KEY];
    if (primary === undefined) {
      throw new PodBuildError(
        `invalid TaskSpecification, config missing [${PRIMARY_CONTAINER_KEY}] key in [${JSON.stringify(template.config)}]`,
      );
    }
    if (template.target.case === "k8sPod") {
      Object.assign(meta.annotations, template.target.value.metadata?.annotations ?? {});
      Object.assign(meta.labels, template.target.value.metadata?.labels ?? {});
    }
    return { podSpec, meta, primary };
  }
  const target = template.target;
  if (target.case === "container") {
    const c = target.value;
    const name = containerNameFor(ctx.generatedName);
    let resources: ResourceLists;
    try {
      resources = toResourceLists(c.resources);
    } catch (e) {
      throw new PodBuildError(`Failed to parse resource as a valid quantity.: ${messageOf(e)}`);
    }
    const container: V1Container = {
      name,
      image: c.image,
      args: [...c.args],
      command: [...c.command],
      env: c.env.map((kv) => ({ name: kv.key, value: kv.value })),
      terminationMessagePolicy: "FallbackToLogsOnError",
      resources,
      ...(options.imagePullPolicy === "" ? {} : { imagePullPolicy: options.imagePullPolicy }),
    };
    return { podSpec: { containers: [container] } as V1PodSpec, meta, primary: name };
  }
  if (target.case === "k8sPod") {
    const podSpec = structToObject<V1PodSpec>(target.value.podSpec);
    if (podSpec === undefined) {
      throw new PodBuildError(
        "Pod tasks with task type version > 1 should specify their target as a K8sPod with a defined pod spec",
      );
    }
    const primary = template.config[PRIMARY_CONTAINER_KEY];
    if (primary === undefined) {
      throw new PodBuildError(
        `invalid TaskSpecification, config missing [${PRIMARY_CONTAINER_KEY}] key in [${JSON.stringify(template.config)}]`,
      );
    }
    Object.assign(meta.annotations, target.value.metadata?.annotations ?? {});
    Object.assign(meta.labels, target.value.metadata?.labels ?? {});
    return { podSpec, meta, primary };
  }
  throw new PodBuildError("invalid TaskSpecification, unable to determine Pod configuration");
}

/** What `AddFlyteCustomizationsToContainer` needs for every container. */
interface Customization {
  render(templates: readonly string[] | undefined): string[] | undefined;
  env: V1EnvVar[];
  overrides: ResourceLists;
}

function customizeContainer(
  container: V1Container,
  mode: ResourceCustomizationMode,
  custom: Customization,
  templateResources: ResourceLists,
  options: CompiledK8sPodOptions,
): void {
  const command = custom.render(container.command);
  const args = custom.render(container.args);
  if (command !== undefined) container.command = command;
  if (args !== undefined) container.args = args;
  container.env = [...(container.env ?? []), ...custom.env];
  const platform = resourceListsOf(options.platformResources);
  let resources = resourceListsOf(container.resources);
  sanitizeGpuResources(resources, options.gpuResourceName);
  const adjust = {
    defaultCpuRequest: options.defaultCpuRequest,
    defaultMemoryRequest: options.defaultMemoryRequest,
    gpuResourceName: options.gpuResourceName,
  };
  if (mode === "assign") {
    resources = applyResourceOverrides(cloneJson(custom.overrides), platform, { ...adjust, assignIfUnset: true });
  } else if (mode === "merge-existing") {
    mergeResources(custom.overrides, resources);
    mergeResourcesIfMissing(templateResources, resources);
    applyResourceOverrides(resources, platform, { ...adjust, assignIfUnset: true });
  } else {
    mergeResourcesIfMissing(templateResources, resources);
    applyResourceOverrides(resources, platform, { ...adjust, assignIfUnset: false });
  }
  container.resources = { ...container.resources, requests: resources.requests, limits: resources.limits };
}

/** `GetPodTolerations`: tolerations of the resources asked for, interruptible ones, then the defaults. */
function podTolerations(
  interruptible: boolean,
  resources: ResourceLists[],
  options: CompiledK8sPodOptions,
): V1Toleration[] {
  const names = new Set<string>();
  for (const r of resources) for (const name of [...Object.keys(r.limits), ...Object.keys(r.requests)]) names.add(name);
  const out: V1Toleration[] = [];
  // Go iterates a set in no particular order; sorted here so pods are stable.
  for (const name of [...names].sort()) out.push(...(options.resourceTolerations[name] ?? []));
  if (interruptible) out.push(...options.interruptibleTolerations);
  out.push(...options.defaultTolerations);
  return out;
}

/** `UpdatePod`: Flyte's pod-level settings. */
function updatePod(
  spec: V1PodSpec,
  ctx: TaskExecutionContext,
  resources: ResourceLists[],
  options: CompiledK8sPodOptions,
): void {
  spec.restartPolicy ||= "Never";
  const tolerations = [...podTolerations(ctx.interruptible, resources, options), ...(spec.tolerations ?? [])];
  if (tolerations.length > 0) spec.tolerations = tolerations;
  spec.serviceAccountName ||= serviceAccountOf(ctx, options);
  if (spec.serviceAccountName === "") delete spec.serviceAccountName;
  spec.schedulerName ||= options.schedulerName;
  if (spec.schedulerName === "") delete spec.schedulerName;
  let nodeSelector = unionMaps(options.defaultNodeSelector, spec.nodeSelector);
  if (ctx.interruptible) nodeSelector = unionMaps(nodeSelector, options.interruptibleNodeSelector);
  const selector = nonEmpty(nodeSelector);
  if (selector === undefined) delete spec.nodeSelector;
  else spec.nodeSelector = selector;
  if (spec.affinity === undefined && options.defaultAffinity !== undefined)
    spec.affinity = cloneJson(options.defaultAffinity);
  if (spec.securityContext === undefined && options.defaultPodSecurityContext !== undefined) {
    spec.securityContext = cloneJson(options.defaultPodSecurityContext);
  }
  if (options.enableHostNetworkingPod !== undefined) spec.hostNetwork = options.enableHostNetworkingPod;
  if (spec.dnsConfig === undefined && options.defaultPodDnsConfig !== undefined) {
    spec.dnsConfig = cloneJson(options.defaultPodDnsConfig);
  }
  // `ApplyInterruptibleNodeAffinity`.
  spec.affinity ??= {};
  const requirement = ctx.interruptible
    ? options.interruptibleNodeSelectorRequirement
    : options.nonInterruptibleNodeSelectorRequirement;
  if (requirement !== undefined) addRequiredNodeSelectorRequirements(spec, [cloneJson(requirement)]);
}

function addRequiredNodeSelectorRequirements(spec: V1PodSpec, requirements: V1NodeSelectorRequirement[]): void {
  spec.affinity ??= {};
  spec.affinity.nodeAffinity ??= {};
  const nodeAffinity = spec.affinity.nodeAffinity;
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] };
  const terms = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
  if (terms.length > 0)
    for (const term of terms) term.matchExpressions = [...(term.matchExpressions ?? []), ...requirements];
  else terms.push({ matchExpressions: [...requirements] });
}

function serviceAccountOf(ctx: TaskExecutionContext, options: CompiledK8sPodOptions): string {
  return ctx.securityContext?.runAs?.k8sServiceAccount || options.defaultServiceAccount;
}

/** `ApplyGPUNodeSelectors` and `ApplySharedMemory` for the task's extended resources. */
function applyExtendedResources(
  spec: V1PodSpec,
  template: TaskTemplate,
  primary: string,
  options: CompiledK8sPodOptions,
): void {
  const gpu = template.extendedResources?.gpuAccelerator;
  if (gpu !== undefined && spec.containers.some((c) => c.resources?.limits?.[options.gpuResourceName] !== undefined)) {
    spec.affinity ??= {};
    const deviceLabel = "k8s.amazonaws.com/accelerator";
    const partitionLabel = "k8s.amazonaws.com/gpu-partition-size";
    if (gpu.device !== "") {
      addRequiredNodeSelectorRequirements(spec, [{ key: deviceLabel, operator: "In", values: [gpu.device] }]);
      (spec.tolerations ??= []).push({ key: deviceLabel, value: gpu.device, operator: "Equal", effect: "NoSchedule" });
    }
    const partition = gpu.partitionSizeValue;
    if (partition.case === "unpartitioned" && partition.value) {
      addRequiredNodeSelectorRequirements(spec, [{ key: partitionLabel, operator: "DoesNotExist" }]);
    } else if (partition.case === "partitionSize") {
      addRequiredNodeSelectorRequirements(spec, [{ key: partitionLabel, operator: "In", values: [partition.value] }]);
      spec.tolerations = [
        ...(spec.tolerations ?? []),
        { key: partitionLabel, value: partition.value, operator: "Equal", effect: "NoSchedule" },
      ];
    }
  }
  const shm = template.extendedResources?.sharedMemory;
  if (shm !== undefined) {
    if (shm.mountName === "") throw new PodBuildError("mount name is not set");
    if (shm.mountPath === "") throw new PodBuildError("mount path is not set");
    const container = spec.containers.find((c) => c.name === primary);
    if (container === undefined) throw new PodBuildError("Unable to find primary container");
    if ((spec.volumes ?? []).some((v) => v.name === shm.mountName)) {
      throw new PodBuildError(`A volume is already named ${shm.mountName} in pod spec`);
    }
    for (const mount of container.volumeMounts ?? []) {
      if (mount.name === shm.mountName)
        throw new PodBuildError(`A volume is already named ${shm.mountName} in container`);
      if (mount.mountPath === shm.mountPath)
        throw new PodBuildError(`${shm.mountPath} is already mounted in container`);
    }
    (spec.volumes ??= []).push({
      name: shm.mountName,
      emptyDir: { medium: "Memory", ...(shm.sizeLimit === "" ? {} : { sizeLimit: shm.sizeLimit }) },
    });
    (container.volumeMounts ??= []).push({ name: shm.mountName, mountPath: shm.mountPath });
  }
}

/** `AddTolerationsForExtendedResources`. */
function addExtendedResourceTolerations(spec: V1PodSpec, options: CompiledK8sPodOptions): void {
  const asked = new Set<string>();
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    for (const name of options.addTolerationsForExtendedResources)
      if (c.resources?.requests?.[name] !== undefined) asked.add(name);
  }
  for (const name of [...asked].sort()) {
    const toleration: V1Toleration = { key: name, operator: "Exists", effect: "NoSchedule" };
    const exists = (spec.tolerations ?? []).some(
      (t) =>
        t.key === toleration.key &&
        t.operator === toleration.operator &&
        t.effect === toleration.effect &&
        (t.value ?? "") === "",
    );
    if (!exists) spec.tolerations = [...(spec.tolerations ?? []), toleration];
  }
}

function dataConfigOf(template: TaskTemplate): DataLoadingConfig | undefined {
  if (template.target.case === "container") return template.target.value.dataConfig;
  if (template.target.case === "k8sPod") return template.target.value.dataConfig;
  return undefined;
}

/**
 * Builds the attempt's pod.
 *
 * @throws PodBuildError when the task cannot become a pod (Flyte fails it with `FailedToBuildResource`).
 */
export async function buildPod(ctx: TaskExecutionContext, options: CompiledK8sPodOptions): Promise<BuiltPod> {
  const template = ctx.template;
  const raw = buildRawPod(ctx, options);
  let spec = cloneJson(raw.podSpec);
  spec.containers ??= [];
  const primary = raw.primary;

  const podTemplateName = template.metadata?.podTemplateName ?? "";
  const basePodTemplate =
    podTemplateName !== ""
      ? options.podTemplates[podTemplateName]
      : options.podTemplates[options.defaultPodTemplateName];
  if (podTemplateName !== "" && basePodTemplate === undefined) {
    throw new PodBuildError(`PodTemplate '${podTemplateName}' does not exist`);
  }
  const templateSpec = basePodTemplate?.template?.spec;

  const allTemplates = [...spec.containers, ...(spec.initContainers ?? [])].flatMap((c) => [
    ...(c.command ?? []),
    ...(c.args ?? []),
  ]);
  const inputs: LiteralMap | undefined = allTemplates.some((t) => /{{\s*[.$]Inputs\./i.test(t))
    ? await ctx.inputs()
    : undefined;
  const custom: Customization = {
    render: (templates) => {
      if (templates === undefined) return undefined;
      try {
        return renderCommandTemplates(templates, inputs ?? create(LiteralMapSchema, {}), commandTemplatePaths(ctx));
      } catch (e) {
        throw new PodBuildError(messageOf(e));
      }
    },
    env: [
      ...Object.entries(ctx.env).map(([name, value]) => ({ name, value })),
      ...Object.entries(options.defaultEnvVars).map(([name, value]) => ({ name, value })),
    ],
    overrides: toResourceLists(ctx.resourceOverrides),
  };

  for (const c of spec.initContainers ?? []) {
    customizeContainer(
      c,
      "merge-existing",
      custom,
      resourceListsOf(templateContainerResources(templateSpec, c.name, true)),
      options,
    );
  }
  const containerResources: ResourceLists[] = [];
  let primaryContainer: V1Container | undefined;
  for (const c of spec.containers) {
    const mode = c.name === primary ? "merge-existing" : "ensure-in-range";
    customizeContainer(
      c,
      mode,
      custom,
      resourceListsOf(templateContainerResources(templateSpec, c.name, false)),
      options,
    );
    containerResources.push(resourceListsOf(c.resources));
    if (c.name === primary) primaryContainer = c;
  }
  if (primaryContainer === undefined) {
    throw new PodBuildError(`invalid TaskSpecification, primary container [${primary}] not defined`);
  }

  let primaryInit = "";
  const dataConfig = dataConfigOf(template);
  if (dataConfig !== undefined) {
    addCoPilotToContainer(options.coPilot, primaryContainer, template.interface, dataConfig);
    primaryInit = addCoPilotToPod(
      options.coPilot,
      spec,
      template.interface,
      dataConfig,
      { inputs: ctx.paths.inputs, outputPrefix: ctx.paths.outputPrefix, rawOutputPrefix: ctx.paths.rawOutputPrefix },
      custom.overrides,
    );
  }

  updatePod(spec, ctx, containerResources, options);
  if (primaryContainer.securityContext === undefined && options.defaultSecurityContext !== undefined) {
    primaryContainer.securityContext = cloneJson(options.defaultSecurityContext);
  }

  let metadata: V1ObjectMeta = { annotations: raw.meta.annotations, labels: raw.meta.labels };
  if (basePodTemplate !== undefined && templateSpec !== undefined) {
    spec = mergePodSpecOntoTemplate(templateSpec, spec, primary, primaryInit);
    metadata = mergeOverride(cloneJson(basePodTemplate.template?.metadata ?? {}), metadata);
  }
  applyExtendedResources(spec, template, primary, options);
  addExtendedResourceTolerations(spec, options);

  const annotations = { ...(metadata.annotations ?? {}) };
  if (
    template.type === SIDECAR_TASK_TYPE ||
    (spec.containers.length === 1 && template.type !== RAW_CONTAINER_TASK_TYPE)
  ) {
    annotations[PRIMARY_CONTAINER_KEY] = primary;
  }
  spec.serviceAccountName ||= serviceAccountOf(ctx, options);
  if (spec.serviceAccountName === "") delete spec.serviceAccountName;

  // propeller's k8s plugin manager: `newTaskExecutionMetadata` (secrets) and `addObjectMetadata`.
  const secrets = template.securityContext?.secrets ?? [];
  let secretsMap: Record<string, string>;
  try {
    secretsMap = secretAnnotations(secrets);
  } catch (e) {
    throw new PodBuildError(messageOf(e));
  }
  const taskMeta = template.metadata?.metadata;
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...metadata,
      name: podNameFor(ctx.generatedName),
      namespace: ctx.namespace,
      annotations: unionMaps(
        options.defaultAnnotations,
        annotations,
        taskMeta?.annotations,
        ctx.annotations,
        secretsMap,
      ),
      labels: unionMaps(
        options.defaultLabels,
        metadata.labels,
        taskMeta?.labels,
        ctx.labels,
        secrets.length > 0 ? { [SECRETS_POD_LABEL]: "true" } : {},
      ),
    },
    spec,
  };
  return { pod, primaryContainerName: primary };
}
