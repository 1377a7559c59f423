/**
 * How successive task events fold into one task execution closure (flyteadmin `transformers/task_execution.go`):
 * logs, reasons, custom info, and the external resources of array/map tasks.
 */
import { TERMINAL_TASK_PHASES } from "@aloft/idl";
import { create, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { ReasonSchema, type Reason } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { TaskLog } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  type ExternalResourceInfo,
  type TaskExecutionEvent,
  type TaskExecutionMetadata,
  TaskExecutionMetadata_InstanceClass,
} from "@aloft/idl/gen/flyteidl/event/event_pb";

/**
 * The latest logs first, then earlier logs that no latest log replaces (same URI or same name), as names
 * change while a task moves through phases.
 */
export function mergeLogs(existing: readonly TaskLog[], latest: readonly TaskLog[]): TaskLog[] {
  if (latest.length === 0) return [...existing];
  if (existing.length === 0) return [...latest];
  const uris = new Set(latest.map((log) => log.uri));
  const names = new Set(latest.filter((log) => log.name !== "").map((log) => log.name));
  return [...latest, ...existing.filter((log) => !uris.has(log.uri) && !names.has(log.name))];
}

/**
 * Logs visible in `phase`: `hide_once_finished` logs go once terminal, and while QUEUED or INITIALIZING
 * (plugins such as Ray report INITIALIZING while pods are pending) only `show_while_pending` logs stay.
 */
export function filterLogsByPhase(logs: readonly TaskLog[], phase: TaskExecution_Phase): TaskLog[] {
  return logs.filter((log) => {
    if (TERMINAL_TASK_PHASES.has(phase) && log.HideOnceFinished) return false;
    const pending = phase === TaskExecution_Phase.QUEUED || phase === TaskExecution_Phase.INITIALIZING;
    return !(pending && !log.ShowWhilePending);
  });
}

/** The event's reasons as closure reasons (legacy `reason` when the list is empty). */
export function reasonsOf(event: TaskExecutionEvent): Reason[] {
  if (event.reasons.length > 0) {
    return event.reasons.map((reason) =>
      create(ReasonSchema, {
        message: reason.reason,
        ...(reason.occurredAt === undefined ? {} : { occurredAt: reason.occurredAt }),
      }),
    );
  }
  if (event.reason === "") return [];
  return [
    create(ReasonSchema, { message: event.reason, ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}) }),
  ];
}

/**
 * Custom info merged as a JSON merge patch (RFC 7386): keys of `latest` win, `null` deletes, nested
 * objects merge, anything else (lists included) is replaced.
 */
export function mergeCustomInfo(
  existing: JsonObject | undefined,
  latest: JsonObject | undefined,
): JsonObject | undefined {
  if (existing === undefined) return latest;
  if (latest === undefined) return existing;
  return mergePatch(existing, latest);
}

function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const current = result[key];
      result[key] = mergePatch(isObject(current) ? current : {}, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sorts external resources by (index, retry attempt), the order {@link mergeExternalResources} relies on. */
export function sortExternalResources(resources: ExternalResourceInfo[]): void {
  resources.sort((a, b) => (a.index === b.index ? a.retryAttempt - b.retryAttempt : a.index - b.index));
}

/**
 * Metadata merged field by field: a new generated name, plugin id or instance class replaces the old one,
 * resource pool info is the latest, and external resources are merged by (index, retry attempt).
 */
export function mergeTaskMetadata(
  existing: TaskExecutionMetadata | undefined,
  latest: TaskExecutionMetadata | undefined,
): TaskExecutionMetadata | undefined {
  if (existing === undefined) return latest;
  if (latest === undefined) return existing;
  if (latest.generatedName !== "") existing.generatedName = latest.generatedName;
  existing.externalResources = mergeExternalResources(existing.externalResources, latest.externalResources);
  existing.resourcePoolInfo = latest.resourcePoolInfo;
  if (latest.pluginIdentifier !== "") existing.pluginIdentifier = latest.pluginIdentifier;
  if (latest.instanceClass !== TaskExecutionMetadata_InstanceClass.DEFAULT)
    existing.instanceClass = latest.instanceClass;
  return existing;
}

/**
 * Latest external resources folded into the existing (sorted) list: a resource with the same index and
 * retry attempt is updated in place, a new one is inserted at its sorted position.
 */
export function mergeExternalResources(
  existing: ExternalResourceInfo[],
  latest: readonly ExternalResourceInfo[],
): ExternalResourceInfo[] {
  const merged = existing;
  for (const resource of latest) {
    const position = lowerBound(merged, resource);
    const found = merged[position];
    if (found === undefined) {
      merged.push(resource);
    } else if (found.index === resource.index && found.retryAttempt === resource.retryAttempt) {
      merged[position] = mergeExternalResource(found, resource);
    } else {
      merged.splice(position, 0, resource);
    }
  }
  return merged;
}

function lowerBound(list: readonly ExternalResourceInfo[], probe: ExternalResourceInfo): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = list[middle]!;
    const atOrAfter = item.index === probe.index ? item.retryAttempt >= probe.retryAttempt : item.index >= probe.index;
    if (atOrAfter) high = middle;
    else low = middle + 1;
  }
  return low;
}

function mergeExternalResource(existing: ExternalResourceInfo, latest: ExternalResourceInfo): ExternalResourceInfo {
  if (latest.externalId !== "") existing.externalId = latest.externalId;
  existing.phase = latest.phase;
  if (latest.cacheStatus !== CatalogCacheStatus.CACHE_DISABLED) existing.cacheStatus = latest.cacheStatus;
  existing.logs = mergeLogs(existing.logs, latest.logs);
  if (latest.customInfo !== undefined) existing.customInfo = structuredClone(latest.customInfo);
  return existing;
}

/** Filters each external resource's logs for `phase` (done when the task changes phase). */
export function filterExternalResourceLogs(
  resources: readonly ExternalResourceInfo[],
  phase: TaskExecution_Phase,
): void {
  for (const resource of resources) resource.logs = filterLogsByPhase(resource.logs, phase);
}
