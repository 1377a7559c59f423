/**
 * `@aloft/catalog`: Flyte's DataCatalog in TypeScript (memoized task outputs, tags, reservations and lineage), and
 * Flyte's cache keys, byte for byte, so Aloft and Flyte 1 can share cached results.
 *
 * ```ts
 * import { createDatabase } from "@aloft/db";
 * import { createBlobStore } from "@aloft/storage";
 * import {
 *   catalogRoutes,
 *   createCatalogService,
 *   createRemoteCatalogClient,
 *   migrateCatalogDatabase,
 *   taskCacheKey,
 *   type CatalogTables,
 * } from "@aloft/catalog";
 *
 * const database = await createDatabase<CatalogTables>({ url: "sqlite:///var/lib/aloft/aloft.db" });
 * await migrateCatalogDatabase(database);
 * const catalog = createCatalogService({ database, blobStore: await createBlobStore({ kind: "fs", root: "/data" }) });
 *
 * const { datasetId, tagName } = taskCacheKey(taskTemplate, inputs); // Flyte's dataset id and artifact tag
 * const { artifact } = await catalog.getArtifact({ dataset: datasetId, queryHandle: { case: "tagName", value: tagName } });
 *
 * // Serve it over gRPC/Connect (connect-node), and reach it from elsewhere:
 * const handler = connectNodeAdapter({ routes: catalogRoutes(catalog) });
 * const remote = createRemoteCatalogClient("http://localhost:8089");
 * ```
 *
 * Every RPC throws `AloftError`s with datacatalog's codes: InvalidArgument for bad requests, NotFound for unknown
 * datasets, artifacts and tags, AlreadyExists for duplicates, Internal for unreadable artifact values.
 */

// --- The DataCatalog service ---
export type { CatalogClient, CatalogMethodName } from "./service/catalog-client.js";
export { createCatalogService } from "./service/create-catalog-service.js";
export type { CatalogServiceOptions } from "./service/create-catalog-service.js";
export { catalogRoutes } from "./service/catalog-routes.js";
export { createRemoteCatalogClient } from "./service/remote-catalog-client.js";
export type { RemoteCatalogClient } from "./service/remote-catalog-client.js";
export { CATALOG_MIGRATIONS, migrateCatalogDatabase } from "./db/catalog-migrations.js";
export { CATALOG_TABLE_NAMES } from "./db/catalog-schema.js";
export type {
  CatalogArtifactDataTable,
  CatalogArtifactTable,
  CatalogDatasetTable,
  CatalogPartitionTable,
  CatalogReservationTable,
  CatalogTables,
  CatalogTagTable,
} from "./db/catalog-schema.js";

// --- Cache keys: Flyte's dataset ids and artifact tags, byte for byte ---
export { commonJsonHash, objectHash } from "./keys/object-hash.js";
export type { CommonJsonValue } from "./keys/object-hash.js";
export { toGoJsonpb } from "./keys/go-jsonpb.js";
export type { GoJsonpbOptions } from "./keys/go-jsonpb.js";
export { pbHash, pbHashString } from "./keys/pb-hash.js";
export {
  CACHE_KEY_METADATA_ANNOTATION,
  stripInterfaceTypeMetadata,
  stripTypeMetadata,
} from "./keys/strip-type-metadata.js";
export {
  artifactTagName,
  CACHED_ARTIFACT_TAG_PREFIX,
  hashifyLiteral,
  hashLiteralMap,
  TASK_DATASET_PREFIX,
  taskCacheKey,
  taskDatasetId,
  taskSignatureHash,
} from "./keys/cache-keys.js";
export type { TaskCacheKey, TaskDatasetKey } from "./keys/cache-keys.js";
export {
  artifactMetadataForSource,
  CatalogMetadataKey,
  datasetIdToIdentifier,
  datasetMetadataForSource,
  eventCatalogMetadata,
  sourceFromMetadata,
} from "./keys/cache-lineage.js";
