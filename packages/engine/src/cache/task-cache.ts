/**
 * Node-level memoization as the task node handler sees it (propeller.md §6): look up before queuing, write
 * after success, and serialize concurrent runs of the same key with reservations. The implementation
 * (`createCatalogTaskCache`) computes Flyte's cache keys and talks to a DataCatalog service.
 */
import type {
  CatalogCacheStatus,
  CatalogMetadata,
  CatalogReservation_Status,
} from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import type { TaskExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";

/** What identifies one cached result: the task (its interface and cache version) and its inputs. */
export interface CacheRequest {
  /** The task as compiled (type metadata is stripped by the cache before hashing the interface). */
  template: TaskTemplate;
  /** The node's resolved inputs. */
  inputs: LiteralMap;
  /** The attempt asking, recorded as the artifact's source (lineage). */
  source: TaskExecutionIdentifier;
}

/** Outcome of {@link TaskCache.lookup}. */
export type CacheLookup =
  | { status: CatalogCacheStatus.CACHE_HIT; outputs: LiteralMap; metadata: CatalogMetadata }
  | { status: CatalogCacheStatus.CACHE_MISS; metadata?: CatalogMetadata };

/** Outcome of {@link TaskCache.put}. */
export interface CachePut {
  /** CACHE_POPULATED, CACHE_PUT_FAILURE, or CACHE_DISABLED for tasks without outputs. */
  status: CatalogCacheStatus;
  metadata?: CatalogMetadata;
}

export interface TaskCache {
  /** Errors other than "not found" are thrown: the round is retried, as propeller does. */
  lookup(request: CacheRequest): Promise<CacheLookup>;
  /** Writes the outputs (`overwrite`: replaces an existing artifact, for `overwrite_cache`). Never throws. */
  put(request: CacheRequest, outputs: LiteralMap, options?: { overwrite?: boolean }): Promise<CachePut>;
  /** Takes or extends the reservation for `ownerId`: RESERVATION_ACQUIRED or RESERVATION_EXISTS. */
  reserve(request: CacheRequest, ownerId: string): Promise<CatalogReservation_Status>;
  /** Releases `ownerId`'s reservation (missing is fine): RESERVATION_RELEASED. */
  release(request: CacheRequest, ownerId: string): Promise<CatalogReservation_Status>;
}
