import { type ArtifactRepo, createArtifactRepo } from "./artifact-repo.js";
import type { CatalogRepoOptions } from "./catalog-db.js";
import { createDatasetRepo, type DatasetRepo } from "./dataset-repo.js";
import { createReservationRepo, type ReservationRepo } from "./reservation-repo.js";
import { createTagRepo, type TagRepo } from "./tag-repo.js";

/** Every catalog repository, over one database. */
export interface CatalogRepositories {
  datasets: DatasetRepo;
  artifacts: ArtifactRepo;
  tags: TagRepo;
  reservations: ReservationRepo;
}

/** Builds the Kysely repositories. */
export function createCatalogRepositories(options: CatalogRepoOptions): CatalogRepositories {
  return {
    datasets: createDatasetRepo(options),
    artifacts: createArtifactRepo(options),
    tags: createTagRepo(options),
    reservations: createReservationRepo(options),
  };
}
