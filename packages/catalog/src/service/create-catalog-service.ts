/** The catalog's composition root (datacatalog's `NewDataCatalogService`): repositories, blob store, managers. */
import { nowDbTime, dateToDbTime, type SqlDatabase } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import {
  AddTagRequestSchema,
  CreateArtifactRequestSchema,
  CreateDatasetRequestSchema,
  GetArtifactRequestSchema,
  GetDatasetRequestSchema,
  GetOrExtendReservationRequestSchema,
  ListArtifactsRequestSchema,
  ListDatasetsRequestSchema,
  ReleaseReservationRequestSchema,
  UpdateArtifactRequestSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { type BlobStore, catalogStorageRoot } from "@aloft/storage";
import type { CatalogTables } from "../db/catalog-schema.js";
import { createArtifactDataStore } from "../managers/artifact-data-store.js";
import { createArtifactManager } from "../managers/artifact-manager.js";
import { createDatasetManager } from "../managers/dataset-manager.js";
import { createReservationManager } from "../managers/reservation-manager.js";
import { createTagManager } from "../managers/tag-manager.js";
import type { CatalogDb } from "../repositories/catalog-db.js";
import { createCatalogRepositories } from "../repositories/create-catalog-repositories.js";
import type { CatalogClient } from "./catalog-client.js";

/** Options of {@link createCatalogService}. */
export interface CatalogServiceOptions<DB extends CatalogTables> {
  /** The database holding the catalog's tables (run `migrateCatalogDatabase` first); may be shared. */
  database: SqlDatabase<DB>;
  /** Where artifact values are stored. */
  blobStore: BlobStore;
  /** Folder under the blob store's base for artifact values (datacatalog's `storage-prefix`). @default "metadata" */
  storagePrefix?: string;
  /** The clock: artifact creation times and reservation expiry. @default () => new Date() */
  now?: () => Date;
  /** The longest reservation heartbeat granted (`max-reservation-heartbeat`). @default 10_000 */
  maxReservationHeartbeatMs?: number;
  /** Heartbeats a reservation survives unextended (`heartbeat-grace-period-multiplier`). @default 3 */
  heartbeatGracePeriodMultiplier?: number;
}

/**
 * Flyte's DataCatalog service over the shared database and a blob store: every RPC, taking request protos and
 * returning response protos. It is the in-process client the engine's task cache uses, and what `catalogRoutes`
 * serves over gRPC/Connect.
 */
export function createCatalogService<DB extends CatalogTables>(options: CatalogServiceOptions<DB>): CatalogClient {
  const now = options.now;
  const repos = createCatalogRepositories({
    db: options.database.db as unknown as CatalogDb,
    now: now === undefined ? nowDbTime : () => dateToDbTime(now()),
  });
  const dataStore = createArtifactDataStore(
    options.blobStore,
    catalogStorageRoot({
      baseUri: options.blobStore.baseUri,
      ...(options.storagePrefix === undefined ? {} : { storagePrefix: options.storagePrefix }),
    }),
  );
  const datasets = createDatasetManager(repos);
  const artifacts = createArtifactManager(repos, dataStore);
  const tags = createTagManager(repos);
  const reservations = createReservationManager(repos.reservations, {
    maxHeartbeatMs: options.maxReservationHeartbeatMs ?? 10_000,
    heartbeatGracePeriodMultiplier: options.heartbeatGracePeriodMultiplier ?? 3,
    now: now ?? (() => new Date()),
  });
  return {
    createDataset: (request) => datasets.createDataset(create(CreateDatasetRequestSchema, request)),
    getDataset: (request) => datasets.getDataset(create(GetDatasetRequestSchema, request)),
    listDatasets: (request) => datasets.listDatasets(create(ListDatasetsRequestSchema, request)),
    createArtifact: (request) => artifacts.createArtifact(create(CreateArtifactRequestSchema, request)),
    getArtifact: (request) => artifacts.getArtifact(create(GetArtifactRequestSchema, request)),
    listArtifacts: (request) => artifacts.listArtifacts(create(ListArtifactsRequestSchema, request)),
    updateArtifact: (request) => artifacts.updateArtifact(create(UpdateArtifactRequestSchema, request)),
    addTag: (request) => tags.addTag(create(AddTagRequestSchema, request)),
    getOrExtendReservation: (request) =>
      reservations.getOrExtendReservation(create(GetOrExtendReservationRequestSchema, request)),
    releaseReservation: (request) => reservations.releaseReservation(create(ReleaseReservationRequestSchema, request)),
  };
}
