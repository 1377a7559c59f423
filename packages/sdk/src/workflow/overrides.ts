import type { CallSite } from "../entities/entity.js";
import type { PodTemplate, ResourceSpec } from "../entities/resources.js";
import { definitionError } from "./definition-error.js";
import { dnsify } from "./dnsify.js";
import type { NodeMetadataSpec, NodeSpec } from "./model.js";

/**
 * What `.withOverrides(...)` may change on one node (flytekit's `with_overrides`). Metadata options apply
 * to every node; the others only to nodes running a task (map nodes: to each mapped task).
 */
export interface NodeOverrides {
  /** The node's id instead of `n0`, `n1`… (made a DNS-1123 label as flytekit does). Must stay unique. */
  nodeName?: string;
  /** The node's display name (`NodeMetadata.name`). */
  name?: string;
  /** Retries of the task. */
  retries?: number;
  /** Timeout of one attempt, in milliseconds; `0` removes the task's timeout. */
  timeoutMs?: number;
  /** Whether the node may run on interruptible (spot) machines. */
  interruptible?: boolean;
  /** Turns caching off for this node, or on with a version. */
  cache?: false | { version: string; serialize?: boolean };
  /** Task nodes only: resource requests. */
  requests?: ResourceSpec;
  /** Task nodes only: resource limits. */
  limits?: ResourceSpec;
  /** Task nodes only: the container image. */
  image?: string;
  /** Task nodes only: a pod template the container is merged into. */
  podTemplate?: PodTemplate;
}

const KNOWN = new Set([
  "nodeName",
  "name",
  "retries",
  "timeoutMs",
  "interruptible",
  "cache",
  "requests",
  "limits",
  "image",
  "podTemplate",
]);
const TASK_ONLY = ["cache", "requests", "limits", "image", "podTemplate"] as const;

/**
 * Applies overrides to a node, checking each (unknown options, negative numbers, task-only options on
 * other nodes, node ids already taken) with the caller's call site.
 * @internal
 */
export function applyOverrides(node: NodeSpec, overrides: NodeOverrides, site: CallSite | undefined): void {
  if (typeof overrides !== "object" || overrides === null) {
    throw definitionError(site, `withOverrides(): expected an options object`);
  }
  const unknown = Object.keys(overrides).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) {
    throw definitionError(site, `withOverrides(): unknown option ${unknown.map((k) => `"${k}"`).join(", ")}`);
  }
  const calleeKind = node.target.kind === "call" ? node.target.callee().kind : undefined;
  const runsTask = calleeKind === "task" || calleeKind === "map";
  for (const key of TASK_ONLY) {
    if (overrides[key] !== undefined && !runsTask) {
      throw definitionError(
        site,
        `withOverrides(): "${key}" can only be overridden on nodes running a task, not on ${node.label}`,
      );
    }
  }
  const metadata: NodeMetadataSpec = node.subMetadata ?? node.metadata;
  if (overrides.nodeName !== undefined) renameNode(node, overrides.nodeName, site);
  if (overrides.name !== undefined) metadata.name = overrides.name;
  if (overrides.retries !== undefined) {
    if (!Number.isSafeInteger(overrides.retries) || overrides.retries < 0) {
      throw definitionError(site, `withOverrides(): retries must be a non-negative integer, got ${overrides.retries}`);
    }
    metadata.retries = overrides.retries;
  }
  if (overrides.timeoutMs !== undefined) {
    if (!Number.isFinite(overrides.timeoutMs) || overrides.timeoutMs < 0) {
      throw definitionError(
        site,
        `withOverrides(): timeoutMs must be a non-negative number, got ${overrides.timeoutMs}`,
      );
    }
    metadata.timeoutMs = overrides.timeoutMs;
  }
  if (overrides.interruptible !== undefined) metadata.interruptible = overrides.interruptible;
  if (overrides.cache !== undefined) applyCache(metadata, overrides.cache, site);
  if (overrides.requests !== undefined) node.overrides.requests = overrides.requests;
  if (overrides.limits !== undefined) node.overrides.limits = overrides.limits;
  if (overrides.image !== undefined) node.overrides.image = overrides.image;
  if (overrides.podTemplate !== undefined) node.overrides.podTemplate = overrides.podTemplate;
}

function applyCache(metadata: NodeMetadataSpec, cache: NodeOverrides["cache"], site: CallSite | undefined): void {
  if (cache === false) {
    metadata.cacheable = false;
    return;
  }
  // flytekit refuses to turn caching on for a node without a version ("must specify cache version").
  if (typeof cache !== "object" || cache === null || typeof cache.version !== "string" || cache.version === "") {
    throw definitionError(site, "withOverrides(): cache must be false or { version, serialize? } with a version");
  }
  metadata.cacheable = true;
  metadata.cacheVersion = cache.version;
  metadata.cacheSerializable = cache.serialize ?? false;
}

function renameNode(node: NodeSpec, nodeName: string, site: CallSite | undefined): void {
  const id = dnsify(nodeName);
  if (id === "")
    throw definitionError(site, `withOverrides(): node name ${JSON.stringify(nodeName)} has no usable characters`);
  const clash = node.scope.root.allNodes.find((n) => n !== node && n.id === id);
  if (clash !== undefined) {
    throw definitionError(site, `withOverrides(): node id "${id}" is already taken by ${clash.label}`);
  }
  node.id = id;
}
