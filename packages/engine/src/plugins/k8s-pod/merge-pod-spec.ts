/*
 * Pod template merging (flyteplugins flytek8s/pod_helper.go `MergeBasePodSpecOntoTemplate`) on plain JSON
 * objects, with mergo's `Merge(dst, src, WithOverride, WithAppendSlice)` rules: non-empty values of the
 * source override, objects merge field by field, lists are appended, empty values ("" 0 false, empty
 * lists, null) never override.
 */
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";

const DEFAULT_CONTAINER = "default";
const DEFAULT_INIT_CONTAINER = "default-init";
const PRIMARY_CONTAINER = "primary";
const PRIMARY_INIT_CONTAINER = "primary-init";

type Json = unknown;

function isEmpty(value: Json): boolean {
  return (
    value === undefined ||
    value === null ||
    value === "" ||
    value === 0 ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** mergo's Merge with override and append-slice: `src` merged into `dst` (changed and returned). */
export function mergeOverride<T extends object>(dst: T, src: T | undefined): T {
  if (src === undefined) return dst;
  const target = dst as Record<string, Json>;
  for (const [key, value] of Object.entries(src as Record<string, Json>)) {
    if (isEmpty(value)) continue;
    const current = target[key];
    if (Array.isArray(value)) target[key] = [...(Array.isArray(current) ? current : []), ...cloneJson(value)];
    else if (isObject(value) && isObject(current)) mergeOverride(current, value);
    else target[key] = cloneJson(value);
  }
  return dst;
}

function mergeContainers(
  base: readonly V1Container[] | undefined,
  template: readonly V1Container[],
  names: { default: string; primary: string; primaryName: string },
): V1Container[] | undefined {
  if (base === undefined) return undefined;
  const defaultTemplate = template.find((c) => c.name === names.default);
  const primaryTemplate = template.find((c) => c.name === names.primary);
  return base.map((container) => {
    let merged: V1Container | undefined = defaultTemplate === undefined ? undefined : cloneJson(defaultTemplate);
    if (container.name === names.primaryName && primaryTemplate !== undefined) {
      merged = merged === undefined ? cloneJson(primaryTemplate) : mergeOverride(merged, primaryTemplate);
    }
    for (const t of template) {
      if (container.name === names.primaryName || container.name === names.default || t.name !== container.name)
        continue;
      merged = merged === undefined ? cloneJson(t) : mergeOverride(merged, t);
    }
    return merged === undefined ? cloneJson(container) : mergeOverride(merged, container);
  });
}

/**
 * Merges a pod spec onto a template's: template fields underneath, the pod's on top; containers get the
 * template's `default` container, then `primary` (for the primary container), then the one of the same
 * name; init containers likewise with `default-init` and `primary-init`.
 */
export function mergePodSpecOntoTemplate(
  template: V1PodSpec,
  base: V1PodSpec,
  primaryContainerName: string,
  primaryInitContainerName: string,
): V1PodSpec {
  const merged = mergeOverride(cloneJson(template), base);
  const containers = mergeContainers(base.containers, template.containers ?? [], {
    default: DEFAULT_CONTAINER,
    primary: PRIMARY_CONTAINER,
    primaryName: primaryContainerName,
  });
  merged.containers = containers ?? [];
  const initContainers = mergeContainers(base.initContainers, template.initContainers ?? [], {
    default: DEFAULT_INIT_CONTAINER,
    primary: PRIMARY_INIT_CONTAINER,
    primaryName: primaryInitContainerName,
  });
  if (initContainers === undefined) delete merged.initContainers;
  else merged.initContainers = initContainers;
  return merged;
}

/** Resources of the template container standing for `name` (itself, else `primary`, else `default`). */
export function templateContainerResources(
  template: V1PodSpec | undefined,
  name: string,
  init: boolean,
): V1Container["resources"] {
  const containers = (init ? template?.initContainers : template?.containers) ?? [];
  const fallbacks = init
    ? [name, PRIMARY_INIT_CONTAINER, DEFAULT_INIT_CONTAINER]
    : [name, PRIMARY_CONTAINER, DEFAULT_CONTAINER];
  for (const candidate of fallbacks) {
    const found = containers.find((c) => c.name === candidate);
    if (found !== undefined) return found.resources ?? {};
  }
  return {};
}
