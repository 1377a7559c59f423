import type { DbExecutor, DbTime } from "@aloft/db";
import type { CatalogTables } from "../db/catalog-schema.js";

/** Where catalog repositories send their queries: the database or a transaction on it. */
export type CatalogDb = DbExecutor<CatalogTables>;

/** What every catalog repository is built from. */
export interface CatalogRepoOptions {
  db: CatalogDb;
  /** The time written into `created_at`/`updated_at` (injectable so tests control artifact ages). */
  now: () => DbTime;
}

/** A dataset's natural key, as artifacts, tags and reservations carry it. */
export interface DatasetKey {
  project: string;
  name: string;
  domain: string;
  version: string;
}

/** One page of a list: rows to skip and at most how many to return, in creation order. */
export interface ListPage {
  offset: number;
  limit: number;
  ascending: boolean;
}
