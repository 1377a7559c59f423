import type { TaskResources } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { type TaskResourceSpec, TaskResourceSpecSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { CompiledTask } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import {
  Resources_ResourceName,
  type Resources_ResourceEntry,
  Resources_ResourceEntrySchema,
  ResourcesSchema,
} from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { TaskResourceSet } from "../../config/admin-config.js";
import type { PlatformTaskResources } from "../resolve-attributes.js";
import {
  parseQuantity,
  type Quantity,
  quantityIsZero as isZeroQuantity,
  quantityToString as formatQuantity,
} from "../../validation/k8s-quantity.js";

const ZERO_QUANTITY: Quantity = { numerator: 0n, scale: 0, format: "DecimalSI" };

/**
 * Fills and clamps a container task's resources in place (flyteadmin's `setCompiledTaskDefaults`): for CPU
 * and memory always, for ephemeral storage and GPU only when the task or the platform default names
 * them, a missing request takes the limit (else the platform default), a missing limit takes the request,
 * and both are capped at the platform limit with request ≤ limit. Non-container tasks are left alone.
 */
export function applyTaskResourceDefaults(task: CompiledTask, platform: PlatformTaskResources): void {
  const target = task.template?.target;
  if (target?.case !== "container") return;
  const container = target.value;
  const resources = (container.resources ??= create(ResourcesSchema));
  const requested = resourceSet(resources.requests);
  const limited = resourceSet(resources.limits);
  const platformDefaults = setQuantities(platform.defaults);
  const platformLimits = setQuantities(platform.limits);
  const requests: Resources_ResourceEntry[] = [];
  const limits: Resources_ResourceEntry[] = [];
  const add = (name: Resources_ResourceName, key: ResourceKey): void => {
    const adjusted = adjustOrDefault(
      requested[key] ?? ZERO_QUANTITY,
      limited[key] ?? ZERO_QUANTITY,
      platformDefaults[key],
      platformLimits[key],
    );
    requests.push(create(Resources_ResourceEntrySchema, { name, value: formatQuantity(adjusted.request) }));
    limits.push(create(Resources_ResourceEntrySchema, { name, value: formatQuantity(adjusted.limit) }));
  };
  const named = (key: ResourceKey): boolean =>
    !isZero(requested[key]) || !isZero(limited[key]) || !isZeroQuantity(platformDefaults[key]);
  add(Resources_ResourceName.CPU, "cpu");
  add(Resources_ResourceName.MEMORY, "memory");
  if (named("ephemeralStorage")) add(Resources_ResourceName.EPHEMERAL_STORAGE, "ephemeralStorage");
  if (named("gpu")) add(Resources_ResourceName.GPU, "gpu");
  resources.requests = requests;
  resources.limits = limits;
}

type ResourceKey = "cpu" | "memory" | "ephemeralStorage" | "gpu";

function isZero(q: Quantity | undefined): boolean {
  return q === undefined || isZeroQuantity(q);
}

/** flytek8s `AdjustOrDefaultResource`. */
function adjustOrDefault(
  request: Quantity,
  limit: Quantity,
  platformDefault: Quantity,
  platformLimit: Quantity,
): { request: Quantity; limit: Quantity } {
  let req = request;
  let lim = limit;
  if (isZeroQuantity(req)) req = isZeroQuantity(lim) ? platformDefault : lim;
  if (isZeroQuantity(lim)) lim = req;
  req = capAt(req, platformLimit);
  lim = capAt(lim, platformLimit);
  req = capAt(req, lim);
  return { request: req, limit: lim };
}

/** Unparseable values read as unset, as flyteadmin's `parseQuantityNoError`. */
function parsedOrZero(text: string): Quantity {
  const parsed = parseQuantity(text);
  return parsed.ok ? parsed.quantity : ZERO_QUANTITY;
}

function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.max(a.scale, b.scale);
  const left = a.numerator * 10n ** BigInt(scale - a.scale);
  const right = b.numerator * 10n ** BigInt(scale - b.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

function capAt(value: Quantity, cap: Quantity): Quantity {
  if (isZeroQuantity(value) || isZeroQuantity(cap)) return value;
  return compareQuantities(value, cap) > 0 ? cap : value;
}

/** A container's entries by resource. */
function resourceSet(entries: readonly Resources_ResourceEntry[]): Partial<Record<ResourceKey, Quantity>> {
  const set: Partial<Record<ResourceKey, Quantity>> = {};
  for (const entry of entries) {
    const key = RESOURCE_KEYS[entry.name];
    if (key !== undefined) set[key] = parsedOrZero(entry.value);
  }
  return set;
}

const RESOURCE_KEYS: Partial<Record<Resources_ResourceName, ResourceKey>> = {
  [Resources_ResourceName.CPU]: "cpu",
  [Resources_ResourceName.MEMORY]: "memory",
  [Resources_ResourceName.EPHEMERAL_STORAGE]: "ephemeralStorage",
  [Resources_ResourceName.GPU]: "gpu",
};

function setQuantities(set: TaskResourceSet): Record<ResourceKey, Quantity> {
  const read = (text: string | undefined): Quantity =>
    text === undefined || text === "" ? ZERO_QUANTITY : parsedOrZero(text);
  return {
    cpu: read(set.cpu),
    memory: read(set.memory),
    ephemeralStorage: read(set.ephemeralStorage),
    gpu: read(set.gpu),
  };
}

/** Platform resources as the engine hand-off carries them (flyteadmin's `TaskResources`). */
export function platformTaskResourcesToSpecs(platform: PlatformTaskResources): TaskResources {
  return { defaults: specFromSet(platform.defaults), limits: specFromSet(platform.limits) };
}

function specFromSet(set: TaskResourceSet): TaskResourceSpec {
  return create(TaskResourceSpecSchema, {
    cpu: set.cpu ?? "",
    gpu: set.gpu ?? "",
    memory: set.memory ?? "",
    storage: set.storage ?? "",
    ephemeralStorage: set.ephemeralStorage ?? "",
  });
}
