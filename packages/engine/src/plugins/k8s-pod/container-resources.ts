/*
 * Container resources as Flyte sets them (flyteplugins flytek8s/container_helper.go, utils.go): the task's
 * flyteidl Resources as a Kubernetes ResourceRequirements, node overrides merged over them, pod-template
 * resources filling gaps, then platform defaults and limits: a missing request takes the limit or the
 * default, a missing limit takes the request, both are clamped to the platform limit and request ≤ limit.
 */
import type { V1ResourceRequirements } from "@kubernetes/client-node";
import { Resources_ResourceName, type Resources } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { compareQuantities, isZeroQuantity } from "./quantity.js";

/** Requests and limits by resource name (`cpu`, `memory`, `nvidia.com/gpu`…). */
export interface ResourceLists {
  requests: Record<string, string>;
  limits: Record<string, string>;
}

const NVIDIA_GPU = "nvidia.com/gpu";
const GPU = "gpu";

/** How a container's resources are completed (Flyte's `ResourceCustomizationMode`). */
export type ResourceCustomizationMode = "assign" | "merge-existing" | "ensure-in-range";

function toResourceList(entries: Resources["requests"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    if (isZeroQuantity(entry.value)) continue;
    switch (entry.name) {
      case Resources_ResourceName.CPU:
        out.cpu = entry.value;
        break;
      case Resources_ResourceName.MEMORY:
        out.memory = entry.value;
        break;
      case Resources_ResourceName.GPU:
        out[NVIDIA_GPU] = entry.value;
        break;
      case Resources_ResourceName.EPHEMERAL_STORAGE:
        out["ephemeral-storage"] = entry.value;
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * flyteidl Resources as Kubernetes requests and limits (`ToK8sResourceRequirements`): zero values and
 * STORAGE are dropped, GPU is `nvidia.com/gpu`.
 *
 * @throws Error for a value that is not a quantity.
 */
export function toResourceLists(resources: Resources | undefined): ResourceLists {
  return { requests: toResourceList(resources?.requests ?? []), limits: toResourceList(resources?.limits ?? []) };
}

/** A Kubernetes ResourceRequirements as lists (missing maps empty). */
export function resourceListsOf(requirements: V1ResourceRequirements | undefined): ResourceLists {
  return { requests: { ...(requirements?.requests ?? {}) }, limits: { ...(requirements?.limits ?? {}) } };
}

/** `MergeResources`: every entry of `from` overrides `into`. */
export function mergeResources(from: ResourceLists, into: ResourceLists): void {
  Object.assign(into.limits, from.limits);
  Object.assign(into.requests, from.requests);
}

/** `MergeResourcesIfMissing`: entries of `from` fill what `into` lacks. */
export function mergeResourcesIfMissing(from: ResourceLists, into: ResourceLists): void {
  for (const [k, v] of Object.entries(from.limits)) if (!(k in into.limits)) into.limits[k] = v;
  for (const [k, v] of Object.entries(from.requests)) if (!(k in into.requests)) into.requests[k] = v;
}

/** `SanitizeGPUResourceRequirements`: the generic `gpu` resource becomes the configured GPU resource name. */
export function sanitizeGpuResources(resources: ResourceLists, gpuResourceName: string): void {
  for (const list of [resources.requests, resources.limits]) {
    const gpu = list[GPU];
    if (gpu === undefined) continue;
    list[gpuResourceName] = gpu;
    delete list[GPU];
  }
}

/** `ensureResourceLimit`: `value` capped at `limit` (either unset ⇒ unchanged). */
function capped(value: string | undefined, limit: string | undefined): string | undefined {
  if (isZeroQuantity(value) || isZeroQuantity(limit)) return value;
  return compareQuantities(value as string, limit as string) > 0 ? limit : value;
}

function adjust(name: string, resources: ResourceLists, platform: ResourceLists, assignIfUnset: boolean): void {
  let request = resources.requests[name];
  let limit = resources.limits[name];
  const platformLimit = platform.limits[name];
  if (assignIfUnset) {
    if (isZeroQuantity(request)) request = isZeroQuantity(limit) ? platform.requests[name] : limit;
    if (isZeroQuantity(limit)) limit = request;
  }
  request = capped(request, platformLimit);
  limit = capped(limit, platformLimit);
  request = capped(request, limit);
  // Go stores the zero Quantity ("0") for an unset value it adjusted.
  resources.requests[name] = request ?? "0";
  resources.limits[name] = limit ?? "0";
}

/**
 * `ApplyResourceOverrides`: cpu and memory always, ephemeral storage and the GPU only when asked for,
 * against the platform's defaults (config defaults for cpu and memory when the platform has none) and
 * limits. Returns `resources`, changed in place.
 */
export function applyResourceOverrides(
  resources: ResourceLists,
  platformResources: ResourceLists,
  options: { assignIfUnset: boolean; defaultCpuRequest: string; defaultMemoryRequest: string; gpuResourceName: string },
): ResourceLists {
  const platform: ResourceLists = {
    requests: { ...platformResources.requests },
    limits: { ...platformResources.limits },
  };
  platform.requests.cpu ??= options.defaultCpuRequest;
  platform.requests.memory ??= options.defaultMemoryRequest;
  adjust("cpu", resources, platform, options.assignIfUnset);
  adjust("memory", resources, platform, options.assignIfUnset);
  const asked = (name: string) => name in resources.requests || name in resources.limits;
  if (asked("ephemeral-storage")) adjust("ephemeral-storage", resources, platform, options.assignIfUnset);
  if (asked(options.gpuResourceName)) adjust(options.gpuResourceName, resources, platform, options.assignIfUnset);
  return resources;
}
