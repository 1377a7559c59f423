/**
 * Matchable attribute lookups answered from rows read once. CreateExecution resolves several attribute types for
 * one project and domain (execution config at two levels, task resources, cluster assignment, plugin overrides);
 * reading every candidate row in one query and choosing in memory gives the same answers as one query per lookup.
 */
import type { ResourceRow } from "../db/schema.js";
import {
  invalidResourceId,
  isValidResourceId,
  type ResourceId,
  type ResourceRepo,
  resourceNotFound,
} from "../repositories/resource-repo.js";

/** `ResourceRepo.get` over a snapshot, plus `find`, which answers undefined instead of throwing NotFound. */
export interface ResourceSnapshot extends Pick<ResourceRepo, "get"> {
  find(id: ResourceId): Promise<ResourceRow | undefined>;
}

/**
 * Reads the rows of `resourceTypes` that can match lookups for `project` and `domain`; lookups outside that scope
 * (another project or domain, another type) are refused with an Error, as they would silently find nothing.
 */
export async function loadResourceSnapshot(
  resources: Pick<ResourceRepo, "listCandidates">,
  scope: { project: string; domain: string; resourceTypes: readonly string[] },
): Promise<ResourceSnapshot> {
  // Already ordered as `ResourceRepo.get` orders: priority descending, then id.
  const rows = await resources.listCandidates(scope);
  const find = (id: ResourceId): ResourceRow | undefined => {
    if (!isValidResourceId(id)) throw invalidResourceId(id);
    const inScope =
      (id.project === "" || id.project === scope.project) &&
      (id.domain === "" || id.domain === scope.domain) &&
      scope.resourceTypes.includes(id.resourceType);
    if (!inScope) throw new Error(`resource lookup ${JSON.stringify(id)} is outside the snapshot's scope`);
    return rows.find(
      (row) =>
        row.resource_type === id.resourceType &&
        matches(row.project, id.project) &&
        matches(row.domain, id.domain) &&
        matches(row.workflow, id.workflow) &&
        matches(row.launch_plan, id.launchPlan),
    );
  };
  return {
    async find(id) {
      return find(id);
    },
    async get(id) {
      const row = find(id);
      if (row === undefined) throw resourceNotFound(id);
      return row;
    },
  };
}

/** A stored "" matches any requested value; a lookup for "" matches only "". */
function matches(stored: string, requested: string): boolean {
  return stored === "" || stored === requested;
}
