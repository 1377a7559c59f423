/**
 * Launch-plan targets by launch plan identifier. A launch plan version never changes once registered (flyteadmin
 * refuses to re-create one with a different spec), nor does the workflow version it names, so what a launch reads
 * of them (spec, expected inputs, row ids, the workflow's closure location) can be kept: every CreateExecution of
 * the same launch plan then skips two dependent queries and the decoding of the launch plan. Only the launch plan's
 * state (ACTIVE/INACTIVE) and its times change, and launching does not read them (flyteadmin launches inactive
 * launch plans too). Failed lookups are not kept, so a launch plan registered later is found.
 */
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Repositories } from "../../repositories/create-repositories.js";
import { type LaunchTarget, resolveLaunchPlanTarget } from "./launch-target.js";
import { LruMap } from "./lru-map.js";

/** Resolves launch-plan targets. Answers shared objects: callers must not change them. */
export interface LaunchPlanTargetCache {
  /**
   * The launch plan named by `launchPlanId` and its workflow, as {@link resolveLaunchPlanTarget} loads them.
   * @throws AloftError NotFound as {@link resolveLaunchPlanTarget}.
   */
  resolve(launchPlanId: Identifier): Promise<LaunchTarget>;
}

/** A cache of up to `maxEntries` targets read through `repos`, least recently used evicted first. */
export function createLaunchPlanTargetCache(
  repos: Pick<Repositories, "launchPlans" | "workflows">,
  maxEntries = 1024,
): LaunchPlanTargetCache {
  const targets = new LruMap<string, LaunchTarget>(maxEntries);
  return {
    async resolve(launchPlanId) {
      const key = `${launchPlanId.project}\n${launchPlanId.domain}\n${launchPlanId.name}\n${launchPlanId.version}`;
      const cached = targets.get(key);
      if (cached !== undefined) return cached;
      const target = await resolveLaunchPlanTarget(repos, launchPlanId);
      targets.set(key, target);
      return target;
    },
  };
}
