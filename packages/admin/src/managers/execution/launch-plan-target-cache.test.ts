import { nowDbTime } from "@aloft/db";
import { AloftError, Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { type Identifier, IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import type { LaunchPlanRow, WorkflowRow } from "../../db/schema.js";
import type { Repositories } from "../../repositories/create-repositories.js";
import type { EntityKey } from "../../repositories/keys.js";
import { launchPlanToRow } from "../../transformers/launch-plan-transformer.js";
import { createLaunchPlanTargetCache } from "./launch-plan-target-cache.js";

const launchPlanId = (version: string): Identifier =>
  create(IdentifierSchema, {
    resourceType: ResourceType.LAUNCH_PLAN,
    project: "p",
    domain: "d",
    name: "lp",
    version,
  });

function launchPlanRow(key: EntityKey, rowId: number): LaunchPlanRow {
  const launchPlan = create(LaunchPlanSchema, {
    id: { ...key, resourceType: ResourceType.LAUNCH_PLAN },
    spec: { workflowId: { resourceType: ResourceType.WORKFLOW, ...key, name: "wf" } },
  });
  const at = nowDbTime();
  return {
    ...launchPlanToRow({ launchPlan, workflowRowId: 100 + rowId, digest: new Uint8Array(), state: 0 }),
    id: rowId,
    created_at: at,
    updated_at: at,
  } as LaunchPlanRow;
}

/** Repositories that count lookups; the launch plan of `missingVersion` is not registered (yet). */
function countingRepos(missing: Set<string>) {
  const calls = { launchPlans: 0, workflows: 0 };
  const repos = {
    launchPlans: {
      get: (key: EntityKey) => {
        calls.launchPlans++;
        if (missing.has(key.version)) return Promise.reject(AloftError.notFound(`missing launch plan ${key.version}`));
        return Promise.resolve(launchPlanRow(key, calls.launchPlans));
      },
    },
    workflows: {
      get: (key: EntityKey) => {
        calls.workflows++;
        return Promise.resolve({ id: 7, ...key, remote_closure_identifier: `file:///${key.version}` } as WorkflowRow);
      },
    },
  } as unknown as Pick<Repositories, "launchPlans" | "workflows">;
  return { repos, calls };
}

describe("createLaunchPlanTargetCache", () => {
  it("reads a launch plan version and its workflow once, and each version on its own", async () => {
    const { repos, calls } = countingRepos(new Set());
    const cache = createLaunchPlanTargetCache(repos);
    const first = await cache.resolve(launchPlanId("v1"));
    expect(first).toMatchObject({ launchPlanRowId: 1, workflowRowId: 101, taskRowId: 0 });
    expect(first.launchPlan.spec?.workflowId?.name).toBe("wf");
    expect(first.workflowRow.remote_closure_identifier).toBe("file:///v1");
    expect(await cache.resolve(launchPlanId("v1"))).toBe(first);
    expect(calls).toEqual({ launchPlans: 1, workflows: 1 });

    const other = await cache.resolve(launchPlanId("v2"));
    expect(other.launchPlanRowId).toBe(2);
    expect(calls).toEqual({ launchPlans: 2, workflows: 2 });
  });

  it("does not keep a failed lookup, so a launch plan registered later is found", async () => {
    const missing = new Set(["v1"]);
    const { repos, calls } = countingRepos(missing);
    const cache = createLaunchPlanTargetCache(repos);
    await expect(cache.resolve(launchPlanId("v1"))).rejects.toMatchObject({ code: Code.NotFound });
    missing.delete("v1");
    expect((await cache.resolve(launchPlanId("v1"))).launchPlanRowId).toBe(2);
    expect(calls.launchPlans).toBe(2);
  });

  it("forgets the least recently used version beyond its size", async () => {
    const { repos, calls } = countingRepos(new Set());
    const cache = createLaunchPlanTargetCache(repos, 2);
    await cache.resolve(launchPlanId("v1"));
    await cache.resolve(launchPlanId("v2"));
    await cache.resolve(launchPlanId("v1"));
    await cache.resolve(launchPlanId("v3"));
    expect(calls.launchPlans).toBe(3);
    await cache.resolve(launchPlanId("v1"));
    expect(calls.launchPlans).toBe(3);
    await cache.resolve(launchPlanId("v2"));
    expect(calls.launchPlans).toBe(4);
  });
});
