import { type DbTime, nowDbTime, withDbErrors } from "@aloft/db";
import { AloftError } from "@aloft/idl";
import type { NewProjectRow, ProjectRow } from "../db/schema.js";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { filterToSql, sortExpression } from "./filters/filter-sql.js";
import type { ListInput } from "./pagination.js";

/** Columns of a project an update may change. */
export interface ProjectChanges {
  name?: string;
  description?: string;
  labels?: Uint8Array | null;
  state?: number;
  updated_at?: DbTime;
}

const ARCHIVED = 1;

/** Projects (`projects`). */
export interface ProjectRepo {
  /** Registers a project. @throws AloftError AlreadyExists when the identifier is taken. */
  create(project: NewProjectRow): Promise<void>;
  /** @throws AloftError NotFound "project [id] not found". */
  get(identifier: string): Promise<ProjectRow>;
  /** The project, or undefined. */
  find(identifier: string): Promise<ProjectRow | undefined>;
  /**
   * Projects matching `input.filters` (entity `p`). Without filters ARCHIVED projects are left out,
   * as flyteadmin does. `limit` 0 means no limit; default order `identifier` ascending.
   */
  list(input: ListInput): Promise<ProjectRow[]>;
  /** Writes the given columns (and `updated_at`). @throws AloftError NotFound if the project does not exist. */
  update(identifier: string, changes: ProjectChanges): Promise<void>;
}

/** The Kysely {@link ProjectRepo}. */
export function createProjectRepo(db: AdminDbExecutor): ProjectRepo {
  return withDbErrors<ProjectRepo>({
    async create(project) {
      const now = nowDbTime();
      await db
        .insertInto("projects")
        .values({ ...project, created_at: project.created_at ?? now, updated_at: project.updated_at ?? now })
        .execute();
    },

    async get(identifier) {
      const row = await this.find(identifier);
      if (row === undefined) throw AloftError.notFound(`project [${identifier}] not found`);
      return row;
    },

    find(identifier) {
      return db.selectFrom("projects").selectAll().where("identifier", "=", identifier).executeTakeFirst();
    },

    async list(input) {
      const filters = input.filters ?? [];
      let query = db.selectFrom("projects").selectAll();
      if (filters.length === 0) query = query.where("state", "<>", ARCHIVED);
      for (const filter of filters) query = query.where(filterToSql(filter));
      query =
        input.sort === undefined
          ? query.orderBy("identifier", "asc")
          : query.orderBy(sortExpression(input.sort), input.sort.direction).orderBy("id", input.sort.direction);
      const offset = input.offset ?? 0;
      // SQLite accepts OFFSET only after a LIMIT.
      if (input.limit > 0 || offset > 0) query = query.limit(input.limit > 0 ? input.limit : Number.MAX_SAFE_INTEGER);
      if (offset > 0) query = query.offset(offset);
      return query.execute();
    },

    async update(identifier, changes) {
      const result = await db
        .updateTable("projects")
        .set({ ...changes, updated_at: changes.updated_at ?? nowDbTime() })
        .where("identifier", "=", identifier)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw AloftError.notFound(`project [${identifier}] not found`);
    },
  });
}
