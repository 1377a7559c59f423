import { inTransaction, withDbErrors } from "@aloft/db";
import type { ArtifactDataRow, ArtifactRow, PartitionRow, TagRow } from "../db/catalog-schema.js";
import type { CatalogDb, CatalogRepoOptions, DatasetKey, ListPage } from "./catalog-db.js";

/**
 * Which artifact: its id, within a dataset when one is given (artifact ids are UUIDs, so Flyte lets GetArtifact
 * omit the dataset).
 */
export interface ArtifactKey {
  dataset?: DatasetKey;
  artifactId: string;
}

/** Which tag: a name within a dataset. */
export interface TagKey {
  dataset: DatasetKey;
  tagName: string;
}

/** An artifact row with everything it owns. */
export interface ArtifactRecord {
  row: ArtifactRow;
  /** Its values' locations, in the order they were given. */
  data: ArtifactDataRow[];
  /** In the order they were given. */
  partitions: PartitionRow[];
  tags: TagRow[];
}

/** What {@link ArtifactRepo.create} stores. */
export interface NewArtifact {
  dataset: DatasetKey;
  datasetUuid: string;
  artifactId: string;
  serializedMetadata: Uint8Array;
  data: readonly { name: string; location: string }[];
  partitions: readonly { key: string; value: string }[];
}

/** A property ListArtifacts may filter on (equality): a partition key/value pair, or a tag. */
export type ArtifactCondition = { kind: "partition"; key: string; value: string } | { kind: "tag"; tagName: string };

/** Artifacts with their data locations and partitions (`catalog_artifacts`, `catalog_artifact_data`, `catalog_partitions`). */
export interface ArtifactRepo {
  /**
   * Stores the artifact, its data locations and partitions in one transaction.
   * @throws AloftError AlreadyExists when the dataset already has an artifact with this id.
   */
  create(artifact: NewArtifact): Promise<void>;
  /** The artifact, or undefined; the newest when the key has no dataset and several datasets hold the id. */
  find(key: ArtifactKey): Promise<ArtifactRecord | undefined>;
  /** The artifact the tag names, or undefined when there is no such tag. */
  findByTag(key: TagKey): Promise<ArtifactRecord | undefined>;
  /** The dataset's artifacts matching every condition, one page in creation order. */
  list(datasetUuid: string, conditions: readonly ArtifactCondition[], page: ListPage): Promise<ArtifactRecord[]>;
  /**
   * Replaces the artifact's metadata and data locations in one transaction: locations of names no longer given are
   * removed, the others written. Returns false when the artifact no longer exists.
   */
  update(
    artifactRowId: number,
    change: { serializedMetadata: Uint8Array; data: readonly { name: string; location: string }[] },
  ): Promise<boolean>;
}

/** The Kysely {@link ArtifactRepo}. */
export function createArtifactRepo({ db, now }: CatalogRepoOptions): ArtifactRepo {
  return withDbErrors<ArtifactRepo>({
    async create(artifact) {
      const time = now();
      const stamps = { created_at: time, updated_at: time };
      await inTransaction(db, async (trx) => {
        const { id } = await trx
          .insertInto("catalog_artifacts")
          .values({
            dataset_project: artifact.dataset.project,
            dataset_name: artifact.dataset.name,
            dataset_domain: artifact.dataset.domain,
            dataset_version: artifact.dataset.version,
            artifact_id: artifact.artifactId,
            dataset_uuid: artifact.datasetUuid,
            serialized_metadata: artifact.serializedMetadata,
            ...stamps,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (artifact.data.length > 0) {
          await trx
            .insertInto("catalog_artifact_data")
            .values(
              artifact.data.map((data, position) => ({
                artifact_row_id: id,
                name: data.name,
                location: data.location,
                position,
                ...stamps,
              })),
            )
            .execute();
        }
        if (artifact.partitions.length > 0) {
          await trx
            .insertInto("catalog_partitions")
            .values(
              artifact.partitions.map((partition, position) => ({
                artifact_row_id: id,
                dataset_uuid: artifact.datasetUuid,
                artifact_id: artifact.artifactId,
                partition_key: partition.key,
                partition_value: partition.value,
                position,
                ...stamps,
              })),
            )
            .execute();
        }
      });
    },

    async find(key) {
      let query = db.selectFrom("catalog_artifacts").selectAll().where("artifact_id", "=", key.artifactId);
      if (key.dataset !== undefined) {
        query = query
          .where("dataset_project", "=", key.dataset.project)
          .where("dataset_name", "=", key.dataset.name)
          .where("dataset_domain", "=", key.dataset.domain)
          .where("dataset_version", "=", key.dataset.version);
      }
      const row = await query.orderBy("created_at", "desc").orderBy("id", "desc").executeTakeFirst();
      return row === undefined ? undefined : (await loadRecords(db, [row]))[0];
    },

    async findByTag(key) {
      const row = await db
        .selectFrom("catalog_tags as t")
        .innerJoin("catalog_artifacts as a", "a.id", "t.artifact_row_id")
        .selectAll("a")
        .where("t.dataset_project", "=", key.dataset.project)
        .where("t.dataset_name", "=", key.dataset.name)
        .where("t.dataset_domain", "=", key.dataset.domain)
        .where("t.dataset_version", "=", key.dataset.version)
        .where("t.tag_name", "=", key.tagName)
        .executeTakeFirst();
      return row === undefined ? undefined : (await loadRecords(db, [row]))[0];
    },

    async list(datasetUuid, conditions, page) {
      let query = db.selectFrom("catalog_artifacts as a").selectAll("a").where("a.dataset_uuid", "=", datasetUuid);
      for (const condition of conditions) {
        query =
          condition.kind === "partition"
            ? query.where(({ exists, selectFrom }) =>
                exists(
                  selectFrom("catalog_partitions as p")
                    .select("p.id")
                    .whereRef("p.artifact_row_id", "=", "a.id")
                    .where("p.partition_key", "=", condition.key)
                    .where("p.partition_value", "=", condition.value),
                ),
              )
            : query.where(({ exists, selectFrom }) =>
                exists(
                  selectFrom("catalog_tags as t")
                    .select("t.id")
                    .whereRef("t.artifact_row_id", "=", "a.id")
                    .where("t.tag_name", "=", condition.tagName),
                ),
              );
      }
      const direction = page.ascending ? "asc" : "desc";
      const rows = await query
        .orderBy("a.created_at", direction)
        .orderBy("a.id", direction)
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return loadRecords(db, rows);
    },

    async update(artifactRowId, change) {
      const time = now();
      const names = change.data.map((data) => data.name);
      return inTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable("catalog_artifacts")
          .set({ serialized_metadata: change.serializedMetadata, updated_at: time })
          .where("id", "=", artifactRowId)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return false;
        let removed = trx.deleteFrom("catalog_artifact_data").where("artifact_row_id", "=", artifactRowId);
        if (names.length > 0) removed = removed.where("name", "not in", names);
        await removed.execute();
        if (change.data.length > 0) {
          await trx
            .insertInto("catalog_artifact_data")
            .values(
              change.data.map((data, position) => ({
                artifact_row_id: artifactRowId,
                name: data.name,
                location: data.location,
                position,
                created_at: time,
                updated_at: time,
              })),
            )
            .onConflict((conflict) =>
              conflict.columns(["artifact_row_id", "name"]).doUpdateSet((row) => ({
                location: row.ref("excluded.location"),
                position: row.ref("excluded.position"),
                updated_at: row.ref("excluded.updated_at"),
              })),
            )
            .execute();
        }
        return true;
      });
    },
  });
}

/** Loads what the artifacts own with one query per table, not per artifact. */
async function loadRecords(db: CatalogDb, rows: readonly ArtifactRow[]): Promise<ArtifactRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [data, partitions, tags] = await Promise.all([
    db
      .selectFrom("catalog_artifact_data")
      .selectAll()
      .where("artifact_row_id", "in", ids)
      .orderBy("position")
      .execute(),
    db.selectFrom("catalog_partitions").selectAll().where("artifact_row_id", "in", ids).orderBy("position").execute(),
    db.selectFrom("catalog_tags").selectAll().where("artifact_row_id", "in", ids).orderBy("id").execute(),
  ]);
  const byArtifact = <T extends { artifact_row_id: number }>(items: readonly T[]): Map<number, T[]> => {
    const grouped = new Map<number, T[]>();
    for (const item of items) {
      const list = grouped.get(item.artifact_row_id);
      if (list === undefined) grouped.set(item.artifact_row_id, [item]);
      else list.push(item);
    }
    return grouped;
  };
  const dataOf = byArtifact(data);
  const partitionsOf = byArtifact(partitions);
  const tagsOf = byArtifact(tags);
  return rows.map((row) => ({
    row,
    data: dataOf.get(row.id) ?? [],
    partitions: partitionsOf.get(row.id) ?? [],
    tags: tagsOf.get(row.id) ?? [],
  }));
}
