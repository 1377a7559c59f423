import { nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { sql } from "kysely";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { fieldFilter } from "./filters/filter-expression.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import type { NamedEntityKey } from "./keys.js";
import { type ListInput, validateLimit } from "./pagination.js";

/** A named entity: a (type, project, domain, name) with at least one version, and its metadata. */
export interface NamedEntityRecord {
  /** `core.ResourceType`: TASK=1, WORKFLOW=2, LAUNCH_PLAN=3. */
  resource_type: number;
  project: string;
  domain: string;
  name: string;
  /** "" when no metadata row exists. */
  description: string;
  /** `admin.NamedEntityState`; ACTIVE (0) when no metadata row exists. */
  state: number;
}

/** A named entity's identity. */
export interface NamedEntityId extends NamedEntityKey {
  resourceType: number;
}

/** Input of {@link NamedEntityRepo.list}. */
export interface ListNamedEntitiesInput extends ListInput {
  resourceType: number;
  project: string;
  domain: string;
}

/**
 * Named entities: computed from the versions in `tasks`, `workflows` or `launch_plans`, joined with
 * their optional `named_entity_metadata` row.
 */
export interface NamedEntityRepo {
  /**
   * @throws AloftError NotFound "entry not found" when no version exists; InvalidArgument for a
   *   resource type other than TASK, WORKFLOW, LAUNCH_PLAN.
   */
  get(id: NamedEntityId): Promise<NamedEntityRecord>;
  /** The named entity, or undefined when no version exists. */
  find(id: NamedEntityId): Promise<NamedEntityRecord | undefined>;
  /** Creates or replaces the metadata row (description and state). */
  update(id: NamedEntityId, metadata: { description: string; state: number }): Promise<void>;
  /**
   * The names of one type in a project and domain, filtered (entity `nen`, joins `nem`; `state` is
   * compared as `COALESCE(state, 0)`), sorted and paged. With no filters at all, names starting with
   * `.flytegen` (single-task executions' system entities) are hidden, as flyteadmin does.
   * Default order `name` ascending.
   */
  list(input: ListNamedEntitiesInput): Promise<NamedEntityRecord[]>;
}

const TABLES: Readonly<Record<number, "tasks" | "workflows" | "launch_plans">> = {
  [ResourceType.TASK]: "tasks",
  [ResourceType.WORKFLOW]: "workflows",
  [ResourceType.LAUNCH_PLAN]: "launch_plans",
};

/** The Kysely {@link NamedEntityRepo}. */
export function createNamedEntityRepo(db: AdminDbExecutor): NamedEntityRepo {
  /** Distinct names of one type in a project and domain, as the derived table `entities`. */
  const entities = (resourceType: number, project: string, domain: string, verb: string) => {
    const table = TABLES[resourceType];
    if (table === undefined) {
      throw AloftError.invalidArgument(
        `Cannot ${verb} for resource type: ${ResourceType[resourceType] ?? resourceType}`,
      );
    }
    // The three tables share these columns; naming one of them keeps the builder typed.
    const names = db
      .selectFrom(table as "tasks")
      .select(["project", "domain", "name", sql.lit(resourceType).as("resource_type")])
      .where("project", "=", project)
      .where("domain", "=", domain)
      .groupBy(["project", "domain", "name"])
      .as("entities");
    return db
      .selectFrom(names)
      .leftJoin("named_entity_metadata", (join) =>
        join
          .on("named_entity_metadata.resource_type", "=", resourceType)
          .onRef("named_entity_metadata.project", "=", "entities.project")
          .onRef("named_entity_metadata.domain", "=", "entities.domain")
          .onRef("named_entity_metadata.name", "=", "entities.name"),
      )
      .select([
        "entities.project",
        "entities.domain",
        "entities.name",
        "named_entity_metadata.description",
        "named_entity_metadata.state",
      ]);
  };

  const toRecord =
    (resourceType: number) =>
    (row: { project: string; domain: string; name: string; description: string | null; state: number | null }) => ({
      resource_type: resourceType,
      project: row.project,
      domain: row.domain,
      name: row.name,
      description: row.description ?? "",
      state: row.state ?? 0,
    });

  return withDbErrors<NamedEntityRepo>({
    async get(id) {
      const record = await this.find(id);
      if (record === undefined) throw AloftError.notFound("entry not found");
      return record;
    },

    async find(id) {
      const row = await entities(id.resourceType, id.project, id.domain, "get NamedEntityMetadata")
        .where("entities.name", "=", id.name)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(id.resourceType)(row);
    },

    async update(id, metadata) {
      const now = nowDbTime();
      await db
        .insertInto("named_entity_metadata")
        .values({
          resource_type: id.resourceType,
          project: id.project,
          domain: id.domain,
          name: id.name,
          description: metadata.description,
          state: metadata.state,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(["resource_type", "project", "domain", "name"])
            .doUpdateSet({ description: metadata.description, state: metadata.state, updated_at: now }),
        )
        .execute();
    },

    async list(input) {
      validateLimit(input.limit);
      const filters =
        input.filters === undefined || input.filters.length === 0
          ? [fieldFilter({ entity: "nen", fn: "not_like", field: "name", value: ".flytegen%" })]
          : input.filters;
      let query = entities(input.resourceType, input.project, input.domain, "list entity names");
      for (const filter of filters) query = query.where(filterToSql(filter));
      const direction = input.sort?.direction ?? "asc";
      if (input.sort !== undefined) query = query.orderBy(sortExpression(input.sort), direction);
      const rows = await query
        .orderBy("entities.name", direction)
        .orderBy("entities.project", direction)
        .orderBy("entities.domain", direction)
        .limit(input.limit)
        .offset(input.offset ?? 0)
        .execute();
      return rows.map(toRecord(input.resourceType));
    },
  });
}
