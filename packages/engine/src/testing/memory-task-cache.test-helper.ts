/*
 * An in-memory TaskCache for the engine's tests: keyed by task name and the inputs' binary form (not
 * Flyte's key, which the catalog computes), with reservations that never expire.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import {
  CatalogCacheStatus,
  CatalogMetadataSchema,
  CatalogReservation_Status,
} from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { CacheRequest, TaskCache } from "../cache/task-cache.js";

export interface MemoryTaskCache extends TaskCache {
  readonly puts: { key: string; overwrite: boolean }[];
  /** Reservation holders by key. */
  readonly reservations: Map<string, string>;
  keyOf(request: CacheRequest): string;
}

export function createMemoryTaskCache(): MemoryTaskCache {
  const entries = new Map<string, LiteralMap>();
  const reservations = new Map<string, string>();
  const puts: MemoryTaskCache["puts"] = [];
  const keyOf = (request: CacheRequest): string =>
    `${request.template.id?.name}:${Buffer.from(toBinary(LiteralMapSchema, request.inputs)).toString("base64")}`;
  const metadata = (key: string) =>
    create(CatalogMetadataSchema, { datasetId: { name: key.split(":")[0] ?? "" }, artifactTag: { name: key } });
  return {
    puts,
    reservations,
    keyOf,
    lookup(request) {
      const key = keyOf(request);
      const outputs = entries.get(key);
      return Promise.resolve(
        outputs === undefined
          ? { status: CatalogCacheStatus.CACHE_MISS }
          : { status: CatalogCacheStatus.CACHE_HIT, outputs, metadata: metadata(key) },
      );
    },
    put(request, outputs, options = {}) {
      const key = keyOf(request);
      puts.push({ key, overwrite: options.overwrite === true });
      entries.set(key, outputs);
      return Promise.resolve({ status: CatalogCacheStatus.CACHE_POPULATED, metadata: metadata(key) });
    },
    reserve(request, ownerId) {
      const key = keyOf(request);
      const holder = reservations.get(key);
      if (holder !== undefined && holder !== ownerId)
        return Promise.resolve(CatalogReservation_Status.RESERVATION_EXISTS);
      reservations.set(key, ownerId);
      return Promise.resolve(CatalogReservation_Status.RESERVATION_ACQUIRED);
    },
    release(request, ownerId) {
      const key = keyOf(request);
      if (reservations.get(key) === ownerId) reservations.delete(key);
      return Promise.resolve(CatalogReservation_Status.RESERVATION_RELEASED);
    },
  };
}
