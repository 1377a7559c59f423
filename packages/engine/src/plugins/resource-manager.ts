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

export interface ResourceManager {
  /**
   * Takes `token` from `namespace`'s quota. Already holding it ⇒ granted. Tokens are
   * `ex:<project>:<domain>:<execName>-<generatedName>` so scope limits can count by prefix.
   */
  allocate(namespace: string, token: string, constraints?: ResourceConstraints): Promise<AllocationStatus>;
  /** Gives the token back (no-op when not held). */
  release(namespace: string, token: string): Promise<void>;
}
