/*
 * Co-pilot in a pod (flyteplugins flytek8s/copilot.go): for a raw container with a `data_config`, the
 * primary container mounts an inputs and an outputs volume at the task's input and output paths, an init
 * container `flyte-copilot-downloader` fills the inputs volume, and a sidecar `flyte-copilot-uploader`
 * (an init container with restartPolicy Always) uploads the outputs when the primary container exits.
 */
import { toBinary } from "@bufbuild/protobuf";
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  type TypedInterface,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { DataLoadingConfig_LiteralMapFormat, type DataLoadingConfig } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { formatGoDuration } from "../../semantics/go-format.js";
import type { CompiledCoPilotConfig } from "./k8s-pod-options.js";
import type { ResourceLists } from "./container-resources.js";

const SIDECAR = "uploader";
const DOWNLOADER = "downloader";

function copilotContainer(
  name: string,
  cfg: CompiledCoPilotConfig,
  args: string[],
  mountName: string,
  mountPath: string,
): V1Container {
  return {
    name: `${cfg.namePrefix}${name}`,
    image: cfg.image,
    command: [...cfg.command],
    args,
    workingDir: "/",
    resources: { limits: { cpu: cfg.cpu, memory: cfg.memory }, requests: { cpu: cfg.cpu, memory: cfg.memory } },
    volumeMounts: [{ name: mountName, mountPath }],
    terminationMessagePolicy: "FallbackToLogsOnError",
    imagePullPolicy: "IfNotPresent",
  };
}

function hasVariables(map: { variables: Record<string, unknown> } | undefined): boolean {
  return map !== undefined && Object.keys(map.variables).length > 0;
}

/** `CalculateStorageSize`: the `storage` limit, else request, of the node's resource overrides. */
function storageSize(overrides: ResourceLists | undefined): string | undefined {
  return overrides?.limits.storage ?? overrides?.requests.storage;
}

/** `AddCoPilotToContainer`: the primary container's volume mounts for co-pilot's data. */
export function addCoPilotToContainer(
  cfg: CompiledCoPilotConfig,
  container: V1Container,
  iface: TypedInterface | undefined,
  dataConfig: DataLoadingConfig,
): void {
  if (!dataConfig.enabled) return;
  container.securityContext ??= {};
  container.securityContext.capabilities ??= {};
  if (hasVariables(iface?.inputs)) {
    (container.volumeMounts ??= []).push({
      name: cfg.inputVolumeName,
      mountPath: dataConfig.inputPath || cfg.defaultInputDataPath,
    });
  }
  if (hasVariables(iface?.outputs)) {
    (container.volumeMounts ??= []).push({
      name: cfg.outputVolumeName,
      mountPath: dataConfig.outputPath || cfg.defaultOutputPath,
    });
  }
}

/**
 * `AddCoPilotToPod`: volumes, the downloader init container and the uploader sidecar. Returns the name of
 * the primary init container (the downloader), or "".
 */
export function addCoPilotToPod(
  cfg: CompiledCoPilotConfig,
  pod: V1PodSpec,
  iface: TypedInterface | undefined,
  dataConfig: DataLoadingConfig,
  paths: { inputs: string; outputPrefix: string; rawOutputPrefix: string },
  resourceOverrides: ResourceLists | undefined,
): string {
  if (!dataConfig.enabled || iface === undefined) return "";
  const size = storageSize(resourceOverrides);
  const volume = (name: string) => ({ name, emptyDir: size === undefined ? {} : { sizeLimit: size } });
  let primaryInit = "";
  if (iface.inputs !== undefined && hasVariables(iface.inputs)) {
    const inPath = dataConfig.inputPath || cfg.defaultInputDataPath;
    (pod.volumes ??= []).push(volume(cfg.inputVolumeName));
    const args = [
      "download",
      "--from-remote",
      paths.inputs,
      "--to-output-prefix",
      paths.outputPrefix,
      "--to-local-dir",
      inPath,
      "--format",
      DataLoadingConfig_LiteralMapFormat[dataConfig.format] ?? String(dataConfig.format),
      "--input-interface",
      Buffer.from(toBinary(VariableMapSchema, iface.inputs)).toString("base64"),
    ];
    const downloader = copilotContainer(DOWNLOADER, cfg, args, cfg.inputVolumeName, inPath);
    (pod.initContainers ??= []).push(downloader);
    primaryInit = downloader.name;
  }
  if (hasVariables(iface.outputs)) {
    const outPath = dataConfig.outputPath || cfg.defaultOutputPath;
    (pod.volumes ??= []).push(volume(cfg.outputVolumeName));
    const args = [
      "sidecar",
      "--timeout",
      formatGoDuration(BigInt(cfg.timeoutSeconds) * 1_000_000_000n),
      "--to-raw-output",
      paths.rawOutputPrefix,
      "--to-output-prefix",
      paths.outputPrefix,
      "--from-local-dir",
      outPath,
      "--interface",
      Buffer.from(toBinary(TypedInterfaceSchema, iface)).toString("base64"),
    ];
    const sidecar = copilotContainer(SIDECAR, cfg, args, cfg.outputVolumeName, outPath);
    sidecar.restartPolicy = "Always";
    pod.initContainers = [sidecar, ...(pod.initContainers ?? [])];
    pod.terminationGracePeriodSeconds = cfg.timeoutSeconds;
  }
  return primaryInit;
}
