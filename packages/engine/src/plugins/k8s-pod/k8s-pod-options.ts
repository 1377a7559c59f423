import type {
  KubeConfig,
  V1Affinity,
  V1NodeSelectorRequirement,
  V1PodDNSConfig,
  V1PodSecurityContext,
  V1PodTemplate,
  V1SecurityContext,
  V1Toleration,
} from "@kubernetes/client-node";
import type { PendingGracePeriods } from "./pod-phase.js";

/** Co-pilot's containers for raw containers with a `data_config` (Flyte's `k8s.co-pilot` config). */
export interface CoPilotConfig {
  /** @default "flyte-copilot-" */
  namePrefix?: string;
  /** @default "cr.flyte.org/flyteorg/flytecopilot:v0.0.15" */
  image?: string;
  /** @default "/var/flyte/inputs" */
  defaultInputDataPath?: string;
  /** @default "flyte-inputs" */
  inputVolumeName?: string;
  /** @default "/var/flyte/outputs" */
  defaultOutputPath?: string;
  /** @default "flyte-outputs" */
  outputVolumeName?: string;
  /** @default "500m" */
  cpu?: string;
  /** @default "128Mi" */
  memory?: string;
  /** Upload timeout, and the pod's termination grace period. @default 3600 */
  timeoutSeconds?: number;
  /**
   * The co-pilot command with its storage flags (Flyte derives them from its storage config), e.g.
   * `["/bin/flyte-copilot", "--storage.limits.maxDownloadMBs=0", "--logger.level=3", "--storage.type=s3", …]`.
   * @default ["/bin/flyte-copilot", "--storage.limits.maxDownloadMBs=0", "--logger.level=3"]
   */
  command?: readonly string[];
}

/** Platform resource defaults and limits (admin's task resource attributes, Flyte's `GetPlatformResources`). */
export interface PlatformResources {
  requests?: Readonly<Record<string, string>>;
  limits?: Readonly<Record<string, string>>;
}

/** Options of {@link createK8sPodPlugin}: Flyte's `k8s` plugin configuration, by its names. */
export interface K8sPodPluginOptions {
  /** Where the API server is: a KubeConfig, a kubeconfig file's text, or the default lookup (KUBECONFIG, in-cluster). */
  kubeConfig?: KubeConfig | string;
  /** @default "k8s-pod" */
  id?: string;
  /** @default ["container", "python-task", "raw-container", "sidecar"] */
  taskTypes?: readonly string[];
  /** @default { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } */
  defaultAnnotations?: Readonly<Record<string, string>>;
  defaultLabels?: Readonly<Record<string, string>>;
  /** Added to every container's environment. */
  defaultEnvVars?: Readonly<Record<string, string>>;
  /** @default "1000m" */
  defaultCpuRequest?: string;
  /** @default "1024Mi" */
  defaultMemoryRequest?: string;
  defaultTolerations?: readonly V1Toleration[];
  defaultNodeSelector?: Readonly<Record<string, string>>;
  defaultAffinity?: V1Affinity;
  schedulerName?: string;
  interruptibleTolerations?: readonly V1Toleration[];
  interruptibleNodeSelector?: Readonly<Record<string, string>>;
  interruptibleNodeSelectorRequirement?: V1NodeSelectorRequirement;
  nonInterruptibleNodeSelectorRequirement?: V1NodeSelectorRequirement;
  /** Tolerations added when a container requests or limits the resource named by the key. */
  resourceTolerations?: Readonly<Record<string, readonly V1Toleration[]>>;
  /** @default "nvidia.com/gpu" */
  gpuResourceName?: string;
  imagePullPolicy?: string;
  defaultSecurityContext?: V1SecurityContext;
  defaultPodSecurityContext?: V1PodSecurityContext;
  defaultPodDnsConfig?: V1PodDNSConfig;
  enableHostNetworkingPod?: boolean;
  /** Extended resources whose request adds a `NoSchedule` toleration of that name. @default [] */
  addTolerationsForExtendedResources?: readonly string[];
  /** PodTemplates by name (Flyte reads them from the cluster); tasks pick one with `metadata.pod_template_name`. */
  podTemplates?: Readonly<Record<string, V1PodTemplate>>;
  /** The template every pod is merged onto when its task names none. */
  defaultPodTemplateName?: string;
  /** Flyte's `k8s.co-pilot`. */
  coPilot?: CoPilotConfig;
  /** Platform resource defaults and limits (Flyte gets them from admin per execution). */
  platformResources?: PlatformResources;
  /** Service account when the security context names none. @default "" */
  defaultServiceAccount?: string;
  /** Delete the pod when the attempt is finalized (Flyte's `delete-resource-on-finalize`). @default true */
  deleteResourceOnFinalize?: boolean;
  /**
   * How long a pending pod may show these states before the attempt fails (Flyte's
   * `create-container-error-grace-period` 3 min, `create-container-config-error-grace-period` 0,
   * `image-pull-backoff-grace-period` 3 min, `pod-pending-timeout` 0 = off).
   */
  pendingGracePeriods?: Partial<PendingGracePeriods>;
}

/** {@link CoPilotConfig} with every default applied. */
export type CompiledCoPilotConfig = Required<CoPilotConfig>;

/** {@link K8sPodPluginOptions} with every default applied (optional settings without a default stay optional). */
export interface CompiledK8sPodOptions extends K8sPodPluginOptions {
  id: string;
  taskTypes: readonly string[];
  defaultAnnotations: Readonly<Record<string, string>>;
  defaultLabels: Readonly<Record<string, string>>;
  defaultEnvVars: Readonly<Record<string, string>>;
  defaultCpuRequest: string;
  defaultMemoryRequest: string;
  defaultTolerations: readonly V1Toleration[];
  defaultNodeSelector: Readonly<Record<string, string>>;
  schedulerName: string;
  interruptibleTolerations: readonly V1Toleration[];
  interruptibleNodeSelector: Readonly<Record<string, string>>;
  resourceTolerations: Readonly<Record<string, readonly V1Toleration[]>>;
  gpuResourceName: string;
  imagePullPolicy: string;
  addTolerationsForExtendedResources: readonly string[];
  podTemplates: Readonly<Record<string, V1PodTemplate>>;
  defaultPodTemplateName: string;
  coPilot: CompiledCoPilotConfig;
  platformResources: PlatformResources;
  defaultServiceAccount: string;
  deleteResourceOnFinalize: boolean;
}

/** Applies the defaults of {@link K8sPodPluginOptions} (Flyte's `defaultK8sConfig`). */
export function compileK8sPodOptions(options: K8sPodPluginOptions = {}): CompiledK8sPodOptions {
  const coPilot = options.coPilot ?? {};
  return {
    ...options,
    id: options.id ?? "k8s-pod",
    taskTypes: options.taskTypes ?? ["container", "python-task", "raw-container", "sidecar"],
    defaultAnnotations: options.defaultAnnotations ?? { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
    defaultLabels: options.defaultLabels ?? {},
    defaultEnvVars: options.defaultEnvVars ?? {},
    defaultCpuRequest: options.defaultCpuRequest ?? "1000m",
    defaultMemoryRequest: options.defaultMemoryRequest ?? "1024Mi",
    defaultTolerations: options.defaultTolerations ?? [],
    defaultNodeSelector: options.defaultNodeSelector ?? {},
    schedulerName: options.schedulerName ?? "",
    interruptibleTolerations: options.interruptibleTolerations ?? [],
    interruptibleNodeSelector: options.interruptibleNodeSelector ?? {},
    resourceTolerations: options.resourceTolerations ?? {},
    gpuResourceName: options.gpuResourceName ?? "nvidia.com/gpu",
    imagePullPolicy: options.imagePullPolicy ?? "",
    addTolerationsForExtendedResources: options.addTolerationsForExtendedResources ?? [],
    podTemplates: options.podTemplates ?? {},
    defaultPodTemplateName: options.defaultPodTemplateName ?? "",
    coPilot: {
      namePrefix: coPilot.namePrefix ?? "flyte-copilot-",
      image: coPilot.image ?? "cr.flyte.org/flyteorg/flytecopilot:v0.0.15",
      defaultInputDataPath: coPilot.defaultInputDataPath ?? "/var/flyte/inputs",
      inputVolumeName: coPilot.inputVolumeName ?? "flyte-inputs",
      defaultOutputPath: coPilot.defaultOutputPath ?? "/var/flyte/outputs",
      outputVolumeName: coPilot.outputVolumeName ?? "flyte-outputs",
      cpu: coPilot.cpu ?? "500m",
      memory: coPilot.memory ?? "128Mi",
      timeoutSeconds: coPilot.timeoutSeconds ?? 3600,
      command: coPilot.command ?? ["/bin/flyte-copilot", "--storage.limits.maxDownloadMBs=0", "--logger.level=3"],
    },
    platformResources: options.platformResources ?? {},
    defaultServiceAccount: options.defaultServiceAccount ?? "",
    deleteResourceOnFinalize: options.deleteResourceOnFinalize ?? true,
  };
}
