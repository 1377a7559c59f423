/*
 * Flyte's resource manager (propeller.md §7.5) for one engine process: the allocation rules of
 * flytepropeller nodes/task/resourcemanager/redis_resourcemanager.go on in-memory sets instead of Redis
 * sets, plus wake-ups for waiters so a task in WaitingForResources is retried as soon as a token frees.
 */
import { AloftError } from "@aloft/idl";
import type { AllocateOptions, AllocationStatus, ResourceConstraints, ResourceManager } from "../resource-manager.js";
import { allocationScopePrefixes } from "./allocation-token.js";

/** Options of {@link createInMemoryResourceManager}. */
export interface InMemoryResourceManagerOptions {
  /**
   * Quota (max tokens held at once) per resource namespace. They win over plugins' registered defaults.
   * A namespace with neither a configured nor a registered quota is unlimited (every allocation granted,
   * Flyte's `noop` manager).
   * @default {}
   */
  quotas?: Readonly<Record<string, number>>;
}

/** A {@link ResourceManager} that can also report what it holds. */
export interface InMemoryResourceManager extends ResourceManager {
  registerQuota(namespace: string, quota: number): void;
  /** The quota of a namespace, `undefined` when unlimited. */
  quotaOf(namespace: string): number | undefined;
  /** Tokens held in a namespace, in allocation order. */
  allocated(namespace: string): string[];
  /** Tokens waiting (refused with a wake-up asked) in a namespace, oldest first. */
  waiting(namespace: string): string[];
}

interface Waiter {
  token: string;
  /** Order of the first refusal; a waiter woken and refused again keeps its place. */
  seq: number;
  constraints: ResourceConstraints | undefined;
  onAvailable: () => void;
}

interface Pool {
  quota: number | undefined;
  members: Set<string>;
  /** Sorted by seq. */
  waiters: Waiter[];
  /** First-refusal order of tokens refused and not yet granted or released (survives a wake-up). */
  firstRefusal: Map<string, number>;
}

function checkQuota(namespace: string, quota: number): void {
  if (!Number.isInteger(quota) || quota <= 0) {
    throw AloftError.invalidArgument(`invalid resource quota for namespace [${namespace}] (must be > 0): [${quota}]`);
  }
}

/**
 * Creates the in-memory resource manager. Allocation is Flyte's: a member already ⇒ granted; the
 * namespace's set at its quota ⇒ exhausted; a scope constraint whose prefix already counts `limit`
 * members ⇒ exhausted (Flyte's quirks kept: prefixes have no trailing separator, and a limit ≤ 0 refuses
 * only when the set is non-empty); else the token is added.
 *
 * @throws AloftError `InvalidArgument` for a quota that is not a positive integer.
 */
export function createInMemoryResourceManager(options: InMemoryResourceManagerOptions = {}): InMemoryResourceManager {
  const configured = new Map<string, number>();
  for (const [namespace, quota] of Object.entries(options.quotas ?? {})) {
    checkQuota(namespace, quota);
    configured.set(namespace, quota);
  }
  const pools = new Map<string, Pool>();
  let nextSeq = 0;

  const poolOf = (namespace: string): Pool => {
    let pool = pools.get(namespace);
    if (pool === undefined) {
      pool = { quota: configured.get(namespace), members: new Set(), waiters: [], firstRefusal: new Map() };
      pools.set(namespace, pool);
    }
    return pool;
  };

  const withinConstraints = (members: Iterable<string>, token: string, constraints?: ResourceConstraints): boolean => {
    // Without scope limits (the usual case) nothing needs counting.
    if (constraints?.projectScopeLimit === undefined && constraints?.namespaceScopeLimit === undefined) return true;
    const all = [...members];
    if (all.length === 0) return true;
    const prefixes = allocationScopePrefixes(token);
    const limits: Array<[string, number | undefined]> = [
      [prefixes.project, constraints?.projectScopeLimit],
      [prefixes.namespace, constraints?.namespaceScopeLimit],
    ];
    for (const [prefix, limit] of limits) {
      if (limit === undefined) continue;
      const count = all.filter((m) => m.startsWith(prefix)).length;
      if (count >= limit) return false;
    }
    return true;
  };

  const grantable = (pool: Pool, members: Iterable<string>, size: number, token: string, c?: ResourceConstraints) =>
    (pool.quota === undefined || size < pool.quota) && withinConstraints(members, token, c);

  const removeWaiter = (pool: Pool, token: string): void => {
    const i = pool.waiters.findIndex((w) => w.token === token);
    if (i !== -1) pool.waiters.splice(i, 1);
  };

  const addWaiter = (pool: Pool, waiter: Waiter): void => {
    removeWaiter(pool, waiter.token);
    let i = pool.waiters.length;
    while (i > 0 && (pool.waiters[i - 1] as Waiter).seq > waiter.seq) i--;
    pool.waiters.splice(i, 0, waiter);
  };

  // Wakes, oldest first, the waiters the freed room could take: each one woken counts as taken for the
  // next, so a release of one token wakes one waiter, not the whole queue.
  const wakeWaiters = (pool: Pool): void => {
    const promised = new Set(pool.members);
    const woken: Waiter[] = [];
    for (const waiter of [...pool.waiters]) {
      if (pool.quota !== undefined && promised.size >= pool.quota) break;
      if (!grantable(pool, promised, promised.size, waiter.token, waiter.constraints)) continue;
      promised.add(waiter.token);
      removeWaiter(pool, waiter.token);
      woken.push(waiter);
    }
    for (const waiter of woken) queueMicrotask(waiter.onAvailable);
  };

  return {
    allocate(namespace: string, token: string, constraints?: ResourceConstraints, opts?: AllocateOptions) {
      const pool = poolOf(namespace);
      if (pool.members.has(token)) return Promise.resolve<AllocationStatus>("granted");
      if (grantable(pool, pool.members, pool.members.size, token, constraints)) {
        pool.members.add(token);
        pool.firstRefusal.delete(token);
        removeWaiter(pool, token);
        return Promise.resolve<AllocationStatus>("granted");
      }
      let seq = pool.firstRefusal.get(token);
      if (seq === undefined) {
        seq = nextSeq++;
        pool.firstRefusal.set(token, seq);
      }
      if (opts?.onAvailable !== undefined) addWaiter(pool, { token, seq, constraints, onAvailable: opts.onAvailable });
      return Promise.resolve<AllocationStatus>("exhausted");
    },

    release(namespace: string, token: string) {
      const pool = pools.get(namespace);
      if (pool === undefined) return Promise.resolve();
      pool.firstRefusal.delete(token);
      removeWaiter(pool, token);
      if (pool.members.delete(token)) wakeWaiters(pool);
      return Promise.resolve();
    },

    registerQuota(namespace: string, quota: number) {
      checkQuota(namespace, quota);
      const pool = poolOf(namespace);
      if (pool.quota !== undefined) return;
      pool.quota = quota;
      configured.set(namespace, quota);
    },

    quotaOf: (namespace) => pools.get(namespace)?.quota ?? configured.get(namespace),
    allocated: (namespace) => [...(pools.get(namespace)?.members ?? [])],
    waiting: (namespace) => (pools.get(namespace)?.waiters ?? []).map((w) => w.token),
  };
}
