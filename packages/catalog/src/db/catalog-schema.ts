/**
 * The catalog's tables (Flyte's datacatalog models, prefixed `catalog_` in the shared database). Rows hold what is
 * looked up, filtered or sorted on; metadata is stored serialised, artifact values live in the blob store and rows
 * hold their locations.
 */
import type { DbTime, RowTimestamps } from "@aloft/db";
import type { Generated, Insertable, Selectable } from "kysely";

/** `catalog_datasets`: one per DatasetID (project, name, domain, version), with a UUID artifacts point at. */
export interface CatalogDatasetTable extends RowTimestamps {
  id: Generated<number>;
  uuid: string;
  project: string;
  name: string;
  domain: string;
  version: string;
  /** A serialised `datacatalog.Metadata`. */
  serialized_metadata: Uint8Array;
  /** The partition keys, a JSON array of strings in the order they were declared. */
  partition_keys: string;
}

/** `catalog_artifacts`: an artifact of a dataset, unique by dataset and artifact id. */
export interface CatalogArtifactTable extends RowTimestamps {
  id: Generated<number>;
  dataset_project: string;
  dataset_name: string;
  dataset_domain: string;
  dataset_version: string;
  artifact_id: string;
  dataset_uuid: string;
  /** A serialised `datacatalog.Metadata`. */
  serialized_metadata: Uint8Array;
}

/** `catalog_artifact_data`: where one named value of an artifact is stored (a `Literal` protobuf). */
export interface CatalogArtifactDataTable extends RowTimestamps {
  id: Generated<number>;
  artifact_row_id: number;
  name: string;
  location: string;
  /** Order within the artifact (the order the values were given in). */
  position: number;
}

/** `catalog_partitions`: a partition key/value of an artifact. */
export interface CatalogPartitionTable extends RowTimestamps {
  id: Generated<number>;
  artifact_row_id: number;
  dataset_uuid: string;
  artifact_id: string;
  partition_key: string;
  partition_value: string;
  position: number;
}

/** `catalog_tags`: a name for an artifact, unique within its dataset. */
export interface CatalogTagTable extends RowTimestamps {
  id: Generated<number>;
  dataset_project: string;
  dataset_name: string;
  dataset_domain: string;
  dataset_version: string;
  tag_name: string;
  artifact_id: string;
  artifact_row_id: number;
  dataset_uuid: string;
}

/** `catalog_reservations`: who may compute the artifact of a dataset and tag, and until when. */
export interface CatalogReservationTable extends RowTimestamps {
  id: Generated<number>;
  dataset_project: string;
  dataset_name: string;
  dataset_domain: string;
  dataset_version: string;
  tag_name: string;
  owner_id: string;
  expires_at: DbTime;
}

/** The catalog's tables, for the Kysely database type of every package that opens them. */
export interface CatalogTables {
  catalog_datasets: CatalogDatasetTable;
  catalog_artifacts: CatalogArtifactTable;
  catalog_artifact_data: CatalogArtifactDataTable;
  catalog_partitions: CatalogPartitionTable;
  catalog_tags: CatalogTagTable;
  catalog_reservations: CatalogReservationTable;
}

/** Every catalog table name, children before parents (safe for emptying). */
export const CATALOG_TABLE_NAMES = [
  "catalog_reservations",
  "catalog_tags",
  "catalog_partitions",
  "catalog_artifact_data",
  "catalog_artifacts",
  "catalog_datasets",
] as const satisfies readonly (keyof CatalogTables)[];

export type DatasetRow = Selectable<CatalogDatasetTable>;
export type NewDatasetRow = Insertable<CatalogDatasetTable>;
export type ArtifactRow = Selectable<CatalogArtifactTable>;
export type ArtifactDataRow = Selectable<CatalogArtifactDataTable>;
export type PartitionRow = Selectable<CatalogPartitionTable>;
export type TagRow = Selectable<CatalogTagTable>;
export type ReservationRow = Selectable<CatalogReservationTable>;
