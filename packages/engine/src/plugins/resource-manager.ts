/**
 * Flyte's resource manager (propeller.md §7.5): named quotas that plugins draw tokens from, so a
 * namespace (or a project, or a plugin's external service) never runs more than its share at once.
 */

/** Outcome of {@link ResourceManager.allocate}. */
export type AllocationStatus = "granted" | "exhausted";

/** Optional per-scope caps checked on top of the namespace's quota. */
export interface ResourceConstraints {
  /** Max tokens held by executions of the same project. */
  projectScopeLimit?: number;
  /** Max tokens held by executions of the same project and domain. */
  namespaceScopeLimit?: number;
}

/** Optional behaviour of {@link ResourceManager.allocate}. */
export interface AllocateOptions {
  /**
   * When the answer is `exhausted`: called once, later, when a release leaves room this token could take
   * (typically the plugin's `ctx.wake`), so a task in WaitingForResources is retried at once instead of
   * at the engine's backstop re-evaluation. Not a reservation: the plugin must allocate again.
   */
  onAvailable?: () => void;
}

export interface ResourceManager {
  /**
   * Takes `token` from `namespace`'s quota. Already holding it ⇒ granted. Tokens are
   * `ex:<project>:<domain>:<execName>-<generatedName>` so scope limits can count by prefix.
   */
  allocate(
    namespace: string,
    token: string,
    constraints?: ResourceConstraints,
    options?: AllocateOptions,
  ): Promise<AllocationStatus>;
  /** Gives the token back (no-op when not held) and forgets it as a waiter. */
  release(namespace: string, token: string): Promise<void>;
  /**
   * A plugin's default quota for its namespace (Flyte's `RegisterResourceQuota` at plugin setup). A quota
   * from the manager's own configuration wins; so does the first registration. Optional: a manager
   * without it only knows its configured quotas.
   */
  registerQuota?(namespace: string, quota: number): void;
}
