import { withDbErrors } from "@aloft/db";
import type { DatasetRow, NewDatasetRow } from "../db/catalog-schema.js";
import type { CatalogRepoOptions, DatasetKey, ListPage } from "./catalog-db.js";

/** A dataset property ListDatasets may filter on (equality). */
export interface DatasetCondition {
  property: "project" | "name" | "domain" | "version";
  value: string;
}

/** Datasets (`catalog_datasets`). */
export interface DatasetRepo {
  /** @throws AloftError AlreadyExists when a dataset with the same id exists. */
  create(row: NewDatasetRow): Promise<void>;
  /** The dataset with this id (and this UUID, when one is given), or undefined. */
  find(key: DatasetKey & { uuid?: string }): Promise<DatasetRow | undefined>;
  /** Datasets matching every condition, one page in creation order. */
  list(conditions: readonly DatasetCondition[], page: ListPage): Promise<DatasetRow[]>;
}

/** The Kysely {@link DatasetRepo}. */
export function createDatasetRepo({ db, now }: CatalogRepoOptions): DatasetRepo {
  return withDbErrors<DatasetRepo>({
    async create(row) {
      const time = now();
      await db
        .insertInto("catalog_datasets")
        .values({ ...row, created_at: row.created_at ?? time, updated_at: row.updated_at ?? time })
        .execute();
    },

    find(key) {
      let query = db
        .selectFrom("catalog_datasets")
        .selectAll()
        .where("project", "=", key.project)
        .where("name", "=", key.name)
        .where("domain", "=", key.domain)
        .where("version", "=", key.version);
      if (key.uuid !== undefined && key.uuid !== "") query = query.where("uuid", "=", key.uuid);
      return query.executeTakeFirst();
    },

    list(conditions, page) {
      let query = db.selectFrom("catalog_datasets").selectAll();
      // The property comes from a closed union, the value is a bound parameter: filters never reach SQL as text.
      for (const condition of conditions) query = query.where(condition.property, "=", condition.value);
      const direction = page.ascending ? "asc" : "desc";
      return query
        .orderBy("created_at", direction)
        .orderBy("id", direction)
        .limit(page.limit)
        .offset(page.offset)
        .execute();
    },
  });
}
