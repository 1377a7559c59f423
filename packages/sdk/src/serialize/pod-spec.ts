import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Resources_ResourceName, type Container } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { DEFAULT_PRIMARY_CONTAINER_NAME, type PodTemplate } from "../entities/resources.js";

function resourceKey(name: Resources_ResourceName): string {
  // flytekit's `_sanitize_resource_name`: the enum name, lower case, `_` → `-` (`ephemeral-storage`).
  return (Resources_ResourceName[name] ?? String(name)).toLowerCase().replace(/_/g, "-");
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The pod spec of a task with a pod template, as flytekit's `_serialize_pod_spec`: the primary
 * container (added when the spec lacks it) gets the task container's command, args, resources (when any)
 * and environment (before its own), and its image unless it names one; every named image has its
 * `{{.image…}}` templates resolved by `resolveImage`; containers without an image get the default one.
 */
export function serializePodSpec(
  template: PodTemplate,
  primary: Container,
  resolveImage: (image: string | undefined) => string,
): JsonObject {
  const spec = structuredClone(template.podSpec) as JsonObject;
  const primaryName = template.primaryContainerName ?? DEFAULT_PRIMARY_CONTAINER_NAME;
  const containers: JsonValue[] = Array.isArray(spec["containers"]) ? [...spec["containers"]] : [];
  if (!containers.some((c) => isObject(c) && c["name"] === primaryName)) containers.push({ name: primaryName });
  spec["containers"] = containers.map((c) => {
    if (!isObject(c)) return c;
    const out: JsonObject = { ...c };
    const image = typeof c["image"] === "string" ? c["image"] : undefined;
    if (c["name"] !== primaryName) {
      out["image"] = resolveImage(image);
      return out;
    }
    out["image"] = image === undefined ? primary.image : resolveImage(image);
    out["command"] = [...primary.command];
    out["args"] = [...primary.args];
    const limits: JsonObject = {};
    const requests: JsonObject = {};
    for (const r of primary.resources?.limits ?? []) limits[resourceKey(r.name)] = r.value;
    for (const r of primary.resources?.requests ?? []) requests[resourceKey(r.name)] = r.value;
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) out["resources"] = { limits, requests };
    const env: JsonValue[] = primary.env.map((kv) => ({ name: kv.key, value: kv.value }));
    const own = c["env"];
    out["env"] = Array.isArray(own) ? [...env, ...own] : env;
    return out;
  });
  return spec;
}
