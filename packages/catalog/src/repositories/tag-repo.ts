import { withDbErrors } from "@aloft/db";
import type { CatalogRepoOptions, DatasetKey } from "./catalog-db.js";

/** What {@link TagRepo.create} stores. */
export interface NewTag {
  dataset: DatasetKey;
  datasetUuid: string;
  tagName: string;
  artifactId: string;
  artifactRowId: number;
}

/** Tags (`catalog_tags`); they are read through {@link ArtifactRepo.findByTag}. */
export interface TagRepo {
  /** @throws AloftError AlreadyExists when the dataset already has a tag of this name. */
  create(tag: NewTag): Promise<void>;
}

/** The Kysely {@link TagRepo}. */
export function createTagRepo({ db, now }: CatalogRepoOptions): TagRepo {
  return withDbErrors<TagRepo>({
    async create(tag) {
      const time = now();
      await db
        .insertInto("catalog_tags")
        .values({
          dataset_project: tag.dataset.project,
          dataset_name: tag.dataset.name,
          dataset_domain: tag.dataset.domain,
          dataset_version: tag.dataset.version,
          tag_name: tag.tagName,
          artifact_id: tag.artifactId,
          artifact_row_id: tag.artifactRowId,
          dataset_uuid: tag.datasetUuid,
          created_at: time,
          updated_at: time,
        })
        .execute();
    },
  });
}
