import type { JsonObject } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import {
  Resources_ResourceName,
  ResourcesSchema,
  Resources_ResourceEntrySchema,
  type Resources,
  type Resources_ResourceEntry,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { create } from "@bufbuild/protobuf";

/**
 * Compute resources of a container, as Kubernetes quantities (flytekit's `Resources`): `cpu: "500m"`
 * or `cpu: 2`, `memory: "1Gi"`, `gpu: 1`, `ephemeralStorage: "10Gi"`.
 */
export interface ResourceSpec {
  cpu?: string | number;
  memory?: string;
  gpu?: string | number;
  ephemeralStorage?: string;
}

/**
 * A Kubernetes pod spec to run a task in (flytekit's `PodTemplate`): the task's container is merged into
 * the container named `primaryContainerName` (added when the spec has none of that name), and the task
 * becomes a `k8s_pod` target instead of a `container`.
 */
export interface PodTemplate {
  /** The pod spec as Kubernetes JSON (`{ containers: [...], volumes: [...] }`). */
  podSpec: JsonObject;
  /** @default "primary" */
  primaryContainerName?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

/** A secret the task needs at run time (flytekit's `Secret`). */
export interface SecretRequest {
  /** The secret's name (a Kubernetes secret, a vault path…). */
  group: string;
  /** The key within the group. */
  key?: string;
  groupVersion?: string;
  /**
   * How it is made available: as an environment variable, a file, or as the platform decides.
   * @default "any"
   */
  mountAs?: "any" | "env" | "file";
  /** A custom environment variable name for it (`[A-Z_][A-Z0-9_]*`). */
  envVar?: string;
}

/** The fallback primary container name of pod templates, as flytekit's `PodTemplate`. */
export const DEFAULT_PRIMARY_CONTAINER_NAME = "primary";

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Checks a secret request, throwing `InvalidArgument` (prefixed with `where`) for a bad one. */
export function validateSecret(secret: SecretRequest, where: string): void {
  if (typeof secret.group !== "string" || secret.group === "") {
    throw AloftError.invalidArgument(`${where}: a secret needs a group`);
  }
  if (secret.envVar !== undefined && !ENV_VAR_NAME.test(secret.envVar)) {
    throw AloftError.invalidArgument(`${where}: invalid environment variable name ${JSON.stringify(secret.envVar)}`);
  }
}

function entry(name: Resources_ResourceName, value: string | number): Resources_ResourceEntry {
  return create(Resources_ResourceEntrySchema, { name, value: String(value) });
}

/**
 * Resource entries in the order flytekit's `_get_container_definition` writes a task's container:
 * ephemeral storage, CPU, GPU, memory.
 */
export function containerResourceEntries(spec: ResourceSpec | undefined): Resources_ResourceEntry[] {
  const out: Resources_ResourceEntry[] = [];
  if (spec === undefined) return out;
  if (spec.ephemeralStorage) out.push(entry(Resources_ResourceName.EPHEMERAL_STORAGE, spec.ephemeralStorage));
  if (spec.cpu !== undefined && spec.cpu !== "" && spec.cpu !== 0)
    out.push(entry(Resources_ResourceName.CPU, spec.cpu));
  if (spec.gpu !== undefined && spec.gpu !== "" && spec.gpu !== 0)
    out.push(entry(Resources_ResourceName.GPU, spec.gpu));
  if (spec.memory) out.push(entry(Resources_ResourceName.MEMORY, spec.memory));
  return out;
}

/** A task's container `Resources`, as flytekit writes them (empty lists when nothing is asked for). */
export function containerResources(requests?: ResourceSpec, limits?: ResourceSpec): Resources {
  return create(ResourcesSchema, {
    requests: containerResourceEntries(requests),
    limits: containerResourceEntries(limits),
  });
}

/**
 * Resource entries in the order flytekit's `convert_resources_to_resource_model` writes node
 * overrides: CPU, memory, GPU, ephemeral storage.
 */
export function overrideResourceEntries(spec: ResourceSpec | undefined): Resources_ResourceEntry[] {
  const out: Resources_ResourceEntry[] = [];
  if (spec === undefined) return out;
  if (spec.cpu !== undefined) out.push(entry(Resources_ResourceName.CPU, spec.cpu));
  if (spec.memory !== undefined) out.push(entry(Resources_ResourceName.MEMORY, spec.memory));
  if (spec.gpu !== undefined) out.push(entry(Resources_ResourceName.GPU, spec.gpu));
  if (spec.ephemeralStorage !== undefined)
    out.push(entry(Resources_ResourceName.EPHEMERAL_STORAGE, spec.ephemeralStorage));
  return out;
}
