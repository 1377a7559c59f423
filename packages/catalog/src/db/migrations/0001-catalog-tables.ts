import { createIndex, createNaturalKey, createTable, type MigrationFactory } from "@aloft/db";
import type { Kysely } from "kysely";

const DATASET_KEY = ["dataset_project", "dataset_name", "dataset_domain", "dataset_version"];

/**
 * The catalog's tables and an index for every lookup, filter and sort.
 *
 * Migrations are append-only: never edit this file once released; add `0002-…`.
 */
export const catalogTables: MigrationFactory = (capabilities) => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const types = capabilities.sqlTypes;
    await createTable(db, types, "catalog_datasets", {
      id: "id",
      uuid: "text",
      project: "text",
      name: "text",
      domain: "text",
      version: "text",
      serialized_metadata: "bytes",
      partition_keys: "text",
    });
    await createNaturalKey(db, "catalog_datasets", ["project", "name", "domain", "version"]);
    await db.schema.createIndex("catalog_datasets_uuid_key").unique().on("catalog_datasets").column("uuid").execute();
    // ListDatasets filters by any one property (project is the natural key's prefix) and sorts by creation.
    await createIndex(db, "catalog_datasets_name_idx", "catalog_datasets", ["name"]);
    await createIndex(db, "catalog_datasets_domain_idx", "catalog_datasets", ["domain"]);
    await createIndex(db, "catalog_datasets_version_idx", "catalog_datasets", ["version"]);
    await createIndex(db, "catalog_datasets_created_idx", "catalog_datasets", ["created_at"]);

    await createTable(db, types, "catalog_artifacts", {
      id: "id",
      dataset_project: "text",
      dataset_name: "text",
      dataset_domain: "text",
      dataset_version: "text",
      artifact_id: "text",
      dataset_uuid: "text",
      serialized_metadata: "bytes",
    });
    await createNaturalKey(db, "catalog_artifacts", [...DATASET_KEY, "artifact_id"]);
    // GetArtifact by id alone (no dataset), and ListArtifacts of a dataset in creation order.
    await createIndex(db, "catalog_artifacts_artifact_id_idx", "catalog_artifacts", ["artifact_id"]);
    await createIndex(db, "catalog_artifacts_dataset_created_idx", "catalog_artifacts", ["dataset_uuid", "created_at"]);

    await createTable(db, types, "catalog_artifact_data", {
      id: "id",
      artifact_row_id: "bigint",
      name: "text",
      location: "text",
      position: "int",
    });
    await createNaturalKey(db, "catalog_artifact_data", ["artifact_row_id", "name"]);

    await createTable(db, types, "catalog_partitions", {
      id: "id",
      artifact_row_id: "bigint",
      dataset_uuid: "text",
      artifact_id: "text",
      partition_key: "text",
      partition_value: "text",
      position: "int",
    });
    // Also serves the partition filter of ListArtifacts (artifact, key, value).
    await createNaturalKey(db, "catalog_partitions", ["artifact_row_id", "partition_key", "partition_value"]);

    await createTable(db, types, "catalog_tags", {
      id: "id",
      dataset_project: "text",
      dataset_name: "text",
      dataset_domain: "text",
      dataset_version: "text",
      tag_name: "text",
      artifact_id: "text",
      artifact_row_id: "bigint",
      dataset_uuid: "text",
    });
    await createNaturalKey(db, "catalog_tags", [...DATASET_KEY, "tag_name"]);
    // An artifact's tags, and the tag filter of ListArtifacts.
    await createIndex(db, "catalog_tags_artifact_idx", "catalog_tags", ["artifact_row_id", "tag_name"]);

    await createTable(db, types, "catalog_reservations", {
      id: "id",
      dataset_project: "text",
      dataset_name: "text",
      dataset_domain: "text",
      dataset_version: "text",
      tag_name: "text",
      owner_id: "text",
      expires_at: "time",
    });
    await createNaturalKey(db, "catalog_reservations", [...DATASET_KEY, "tag_name"]);
  },
});
