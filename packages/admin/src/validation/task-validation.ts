/**
 * CreateTask checks (flyteadmin `task_validator.go`) apart from the project-domain gate, which the manager
 * runs (it needs the database): template fields, the task-type whitelist and container / pod resources against
 * the platform limits.
 */
import { AloftError } from "@aloft/idl";
import type { TaskCreateRequest, TaskSpec } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  type Resources_ResourceEntry,
  Resources_ResourceName,
  type TaskTemplate,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { TaskResourceSet, WhitelistScope } from "../config/admin-config.js";
import { missingArgument, requireNonEmpty } from "./field-validation.js";
import { identifierText, validateIdentifier } from "./identifier-validation.js";
import {
  parseQuantity,
  type Quantity,
  quantityIsZero,
  quantityMilliValue,
  quantityToString,
  quantityValue,
} from "./k8s-quantity.js";

/** The resource names flyteadmin compares (others, such as STORAGE, are not checked). */
const CHECKED = new Set([
  Resources_ResourceName.CPU,
  Resources_ResourceName.MEMORY,
  Resources_ResourceName.GPU,
  Resources_ResourceName.EPHEMERAL_STORAGE,
]);

type QuantityMap = Map<Resources_ResourceName, Quantity>;

/** What a task is checked against. */
export interface TaskValidationLimits {
  /** The platform's task resource limits (TASK_RESOURCE attributes, else `config.taskResources.limits`). */
  platformLimits: TaskResourceSet;
  /** `config.taskTypeWhitelist`: task types that need whitelisting and where each may be used. */
  taskTypeWhitelist: Readonly<Record<string, readonly WhitelistScope[]>>;
}

/**
 * The identifier: type TASK and fully set (run before the project gate).
 * @throws AloftError InvalidArgument with flyteadmin's identifier messages.
 */
export function validateTaskIdentifier(
  request: TaskCreateRequest,
): asserts request is TaskCreateRequest & { id: Identifier } {
  validateIdentifier(request.id, ResourceType.TASK);
}

/**
 * `spec.template` is present (flyteadmin checks this after the project gate).
 * @throws AloftError InvalidArgument "missing spec".
 */
export function requireTaskTemplate(
  request: TaskCreateRequest,
): asserts request is TaskCreateRequest & { spec: TaskSpec & { template: TaskTemplate } } {
  if (request.spec?.template === undefined) throw missingArgument("spec");
}

/**
 * `validateTaskTemplate`: type (whitelisted where configured), metadata (with a runtime version when a runtime is
 * given), interface, and for container and pod tasks an image and resources within limits.
 *
 * @throws AloftError InvalidArgument "missing type", "task type must be whitelisted before use", "missing
 *   metadata", "missing runtime version", "missing typed interface", "missing image", "invalid TaskSpecification,
 *   pod tasks should specify their target as a K8sPod with a defined pod spec", or a resource message
 *   ({@link validateTaskResources}).
 */
export function validateTaskTemplate(id: Identifier, template: TaskTemplate, limits: TaskValidationLimits): void {
  requireNonEmpty(template.type, "type");
  validateTaskType(id, template.type, limits.taskTypeWhitelist);
  if (template.metadata === undefined) throw missingArgument("metadata");
  if (template.metadata.runtime !== undefined) requireNonEmpty(template.metadata.runtime.version, "runtime version");
  if (template.interface === undefined) throw missingArgument("typed interface");
  const target = template.target;
  if (target.case === "container") {
    requireNonEmpty(target.value.image, "image");
    if (target.value.resources === undefined) return;
    validateTaskResources({
      id,
      requests: target.value.resources.requests,
      limits: target.value.resources.limits,
      platformLimits: limits.platformLimits,
    });
  } else if (target.case === "k8sPod") {
    const podSpec = target.value.podSpec;
    if (podSpec === undefined) {
      throw AloftError.invalidArgument(
        "invalid TaskSpecification, pod tasks should specify their target as a K8sPod with a defined pod spec",
      );
    }
    const platform = platformLimitMap(limits.platformLimits);
    const containers = Array.isArray(podSpec["containers"]) ? podSpec["containers"] : [];
    for (const container of containers) {
      const resources = isRecord(container) && isRecord(container["resources"]) ? container["resources"] : {};
      validateResource(id, podResourceMap(resources["requests"]), podResourceMap(resources["limits"]), platform);
    }
  }
}

/** `validateTaskType`: a whitelisted type may only be used in the projects (and domains) listed for it. */
function validateTaskType(
  id: Identifier,
  type: string,
  whitelist: Readonly<Record<string, readonly WhitelistScope[]>>,
): void {
  const scopes = whitelist[type];
  if (scopes === undefined || scopes.length === 0) return;
  for (const scope of scopes) {
    if (scope.project === "") return;
    if (scope.project !== id.project) continue;
    if (scope.domain === "" || scope.domain === id.domain) return;
  }
  throw AloftError.invalidArgument("task type must be whitelisted before use");
}

/** Input of {@link validateTaskResources}. */
export interface ValidateTaskResourcesInput {
  id: Identifier;
  requests: readonly Resources_ResourceEntry[];
  limits: readonly Resources_ResourceEntry[];
  platformLimits: TaskResourceSet;
}

/**
 * A container's requests and limits: each CPU, memory, GPU and ephemeral-storage entry parses and appears once;
 * a request is at most its limit and both are at most the platform limit; GPU is whole and request == limit.
 * Comparisons use Go's `Quantity.Value()`, which rounds up to whole units, exactly as flyteadmin does.
 *
 * @throws AloftError InvalidArgument with flyteadmin's messages.
 */
export function validateTaskResources(input: ValidateTaskResourcesInput): void {
  const requests = entriesToQuantities(input.id, input.requests);
  const limits = entriesToQuantities(input.id, input.limits);
  validateResource(input.id, requests, limits, platformLimitMap(input.platformLimits));
}

function entriesToQuantities(id: Identifier, entries: readonly Resources_ResourceEntry[]): QuantityMap {
  const map: QuantityMap = new Map();
  for (const entry of entries) {
    if (!CHECKED.has(entry.name)) continue;
    const name = resourceName(entry.name);
    if (map.has(entry.name)) {
      throw AloftError.invalidArgument(`can't specify ${name} limit for task [${identifierText(id)}] multiple times`);
    }
    const parsed = parseQuantity(entry.value);
    if (!parsed.ok) {
      throw AloftError.invalidArgument(
        `Parsing of ${name} request failed for value ${entry.value} - reason  ${parsed.error}. Please follow K8s conventions for resources https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/`,
      );
    }
    map.set(entry.name, parsed.quantity);
    if (entry.name === Resources_ResourceName.GPU && quantityMilliValue(parsed.quantity) % 1000n !== 0n) {
      throw AloftError.invalidArgument(
        `gpu for [${identifierText(id)}] must be a whole number, got: ${entry.value} instead`,
      );
    }
  }
  return map;
}

function platformLimitMap(set: TaskResourceSet): QuantityMap {
  const map: QuantityMap = new Map();
  const add = (name: Resources_ResourceName, text: string | undefined): void => {
    if (text === undefined) return;
    const parsed = parseQuantity(text);
    if (parsed.ok && !quantityIsZero(parsed.quantity)) map.set(name, parsed.quantity);
  };
  add(Resources_ResourceName.CPU, set.cpu);
  add(Resources_ResourceName.MEMORY, set.memory);
  add(Resources_ResourceName.GPU, set.gpu);
  add(Resources_ResourceName.EPHEMERAL_STORAGE, set.ephemeralStorage);
  return map;
}

/** A pod container's `resources.requests`/`limits` (Kubernetes names) → quantities by flyteidl resource name. */
function podResourceMap(list: unknown): QuantityMap {
  const map: QuantityMap = new Map();
  if (!isRecord(list)) return map;
  for (const [key, value] of Object.entries(list)) {
    const upper = key === "ephemeral-storage" ? "EPHEMERAL_STORAGE" : key.toUpperCase();
    const name = Resources_ResourceName[upper as keyof typeof Resources_ResourceName] as
      Resources_ResourceName | undefined;
    if (name === undefined || !CHECKED.has(name)) continue;
    const parsed = parseQuantity(String(value));
    if (!parsed.ok) {
      throw AloftError.invalidArgument(`invalid pod spec: quantity ${key}=${String(value)}: ${parsed.error}`);
    }
    map.set(name, parsed.quantity);
  }
  return map;
}

function validateResource(id: Identifier, requests: QuantityMap, limits: QuantityMap, platform: QuantityMap): void {
  for (const [name, request] of requests) {
    const label = resourceName(name);
    const limit = limits.get(name);
    const platformLimit = platform.get(name);
    if (name === Resources_ResourceName.GPU) {
      if (limit !== undefined && quantityValue(request) !== quantityValue(limit)) {
        throw AloftError.invalidArgument(
          `For extended resource 'gpu' the default value must equal the limit value for task [${identifierText(id)}]`,
        );
      }
      if (platformLimit !== undefined && quantityValue(request) > quantityValue(platformLimit)) {
        throw overPlatform(label, "default", request, platformLimit);
      }
      continue;
    }
    if (limit !== undefined && quantityValue(limit) < quantityValue(request)) {
      throw AloftError.invalidArgument(
        `Requested ${label} default [${quantityToString(request)}] is greater than the limit [${quantityToString(limit)}]. Please fix your configuration`,
      );
    }
    if (limit !== undefined && platformLimit !== undefined && quantityValue(limit) > quantityValue(platformLimit)) {
      throw overPlatform(label, "limit", limit, platformLimit);
    }
    if (platformLimit !== undefined && quantityValue(request) > quantityValue(platformLimit)) {
      throw overPlatform(label, "default", request, platformLimit);
    }
  }
}

function overPlatform(label: string, what: "default" | "limit", value: Quantity, platform: Quantity): AloftError {
  return AloftError.invalidArgument(
    `Requested ${label} ${what} [${quantityToString(value)}] is greater than current limit set in the platform configuration [${quantityToString(platform)}]. Please contact Flyte Admins to change these limits or consult the configuration`,
  );
}

function resourceName(name: Resources_ResourceName): string {
  return Resources_ResourceName[name] ?? String(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
