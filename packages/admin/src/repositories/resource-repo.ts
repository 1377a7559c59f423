import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { ResourceRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";

/** Priorities of matchable attribute levels: the most specific matching row wins. */
export const ResourcePriority = {
  Project: 5,
  ProjectDomain: 10,
  Workflow: 100,
  LaunchPlan: 1000,
} as const;

/** Which attributes: "" in project, domain, workflow or launch plan matches anything. */
export interface ResourceId {
  project: string;
  domain: string;
  workflow: string;
  launchPlan: string;
  /** `admin.MatchableResource` enum name, e.g. `TASK_RESOURCE`. */
  resourceType: string;
}

/** A row to write with {@link ResourceRepo.createOrUpdate}. */
export interface ResourceInput extends ResourceId {
  /** One of {@link ResourcePriority}. */
  priority: number;
  /** Serialized `admin.MatchingAttributes`. */
  attributes: Uint8Array;
}

/** Matchable attributes (`resources`). */
export interface ResourceRepo {
  /**
   * Creates or replaces the row for (project, domain, workflow, launch plan, type).
   * @throws AloftError InvalidArgument "missing and/or invalid parameters: …" for an impossible
   *   combination (a workflow without a project, a launch plan without a workflow, no type) or priority 0.
   */
  createOrUpdate(input: ResourceInput): Promise<void>;
  /**
   * The most specific row matching `id` (each of project, domain, workflow, launch plan equal or "";
   * highest priority first), e.g. the project-domain row when a workflow has none.
   * @throws AloftError NotFound "Resource [{Project:p Domain:d Workflow:w LaunchPlan:l ResourceType:t}] not found".
   */
  get(id: ResourceId): Promise<ResourceRow>;
  /** The project-level row (domain, workflow and launch plan ""). @throws AloftError NotFound as `get`. */
  getProjectLevel(id: Pick<ResourceId, "project" | "resourceType">): Promise<ResourceRow>;
  /** The row with exactly this id, or undefined (used to merge plugin overrides). */
  findExact(id: ResourceId): Promise<ResourceRow | undefined>;
  /** Every row of a type, all projects, highest priority first. */
  listAll(resourceType: string): Promise<ResourceRow[]>;
  /**
   * Every row of the given types that a lookup for `project` and `domain` (at any workflow or launch plan) could
   * match: project and domain each equal or "". One query for several lookups (see `managers/resource-snapshot.ts`).
   */
  listCandidates(scope: { project: string; domain: string; resourceTypes: readonly string[] }): Promise<ResourceRow[]>;
  /** Deletes the row with exactly this id; nothing happens if there is none. */
  delete(id: ResourceId): Promise<void>;
}

/** The Kysely {@link ResourceRepo}. */
export function createResourceRepo(db: AdminDbExecutor): ResourceRepo {
  return withDbErrors<ResourceRepo>({
    async createOrUpdate(input) {
      if (!isValidResourceId(input)) throw invalidResourceId(input);
      if (input.priority === 0)
        throw AloftError.invalidArgument(`missing and/or invalid parameters: invalid priority ${goValue(input)}`);
      const now = nowDbTime();
      await db
        .insertInto("resources")
        .values({
          project: input.project,
          domain: input.domain,
          workflow: input.workflow,
          launch_plan: input.launchPlan,
          resource_type: input.resourceType,
          priority: input.priority,
          attributes: input.attributes,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(["project", "domain", "workflow", "launch_plan", "resource_type"])
            .doUpdateSet({ attributes: input.attributes, priority: input.priority, updated_at: now }),
        )
        .execute();
    },

    async get(id) {
      if (!isValidResourceId(id)) throw invalidResourceId(id);
      const row = await db
        .selectFrom("resources")
        .selectAll()
        .where("resource_type", "=", id.resourceType)
        .where("domain", "in", anyOr(id.domain))
        .where("project", "in", anyOr(id.project))
        .where("workflow", "in", anyOr(id.workflow))
        .where("launch_plan", "in", anyOr(id.launchPlan))
        .orderBy("priority", "desc")
        .orderBy("id", "asc")
        .executeTakeFirst();
      if (row === undefined) throw resourceNotFound(id);
      return row;
    },

    async getProjectLevel(id) {
      const full = { project: id.project, domain: "", workflow: "", launchPlan: "", resourceType: id.resourceType };
      if (id.project === "") throw invalidResourceId(full);
      const row = await this.findExact(full);
      if (row === undefined) throw resourceNotFound(full);
      return row;
    },

    findExact(id) {
      return db
        .selectFrom("resources")
        .selectAll()
        .where("project", "=", id.project)
        .where("domain", "=", id.domain)
        .where("workflow", "=", id.workflow)
        .where("launch_plan", "=", id.launchPlan)
        .where("resource_type", "=", id.resourceType)
        .executeTakeFirst();
    },

    listAll(resourceType) {
      return db
        .selectFrom("resources")
        .selectAll()
        .where("resource_type", "=", resourceType)
        .orderBy("priority", "desc")
        .orderBy("id", "asc")
        .execute();
    },

    listCandidates(scope) {
      if (scope.resourceTypes.length === 0) return Promise.resolve([]);
      return db
        .selectFrom("resources")
        .selectAll()
        .where("resource_type", "in", [...scope.resourceTypes])
        .where("project", "in", anyOr(scope.project))
        .where("domain", "in", anyOr(scope.domain))
        .orderBy("priority", "desc")
        .orderBy("id", "asc")
        .execute();
    },

    async delete(id) {
      await db
        .deleteFrom("resources")
        .where("project", "=", id.project)
        .where("domain", "=", id.domain)
        .where("workflow", "=", id.workflow)
        .where("launch_plan", "=", id.launchPlan)
        .where("resource_type", "=", id.resourceType)
        .execute();
    },
  });
}

/**
 * flyteadmin's rules (`resource_repo.go`) for a lookup or write to make sense: a type is required; project or domain is set; a workflow
 * needs a project; a launch plan needs a workflow.
 */
export function isValidResourceId(id: ResourceId): boolean {
  if (id.resourceType === "") return false;
  if (id.domain === "" && id.project === "") return false;
  if (id.project === "" && (id.workflow !== "" || id.launchPlan !== "")) return false;
  if (id.workflow === "" && id.launchPlan !== "") return false;
  return true;
}

function anyOr(value: string): string[] {
  return value === "" ? [""] : ["", value];
}

/** NotFound "Resource [{Project:p Domain:d Workflow:w LaunchPlan:l ResourceType:t}] not found", as flyteadmin. */
export function resourceNotFound(id: ResourceId): AloftError {
  return AloftError.notFound(
    `Resource [{Project:${id.project} Domain:${id.domain} Workflow:${id.workflow} LaunchPlan:${id.launchPlan} ResourceType:${id.resourceType}}] not found`,
  );
}

/** InvalidArgument "missing and/or invalid parameters: {p d w l t}", as flyteadmin. */
export function invalidResourceId(id: ResourceId): AloftError {
  return AloftError.invalidArgument(`missing and/or invalid parameters: ${goValue(id)}`);
}

/** Go's `%v` of the ResourceID struct: `{p d w l t}`. */
function goValue(id: ResourceId): string {
  return `{${id.project} ${id.domain} ${id.workflow} ${id.launchPlan} ${id.resourceType}}`;
}
