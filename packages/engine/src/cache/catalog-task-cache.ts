/**
 * The {@link TaskCache} over a DataCatalog: propeller's datacatalog client
 * (flytepropeller/pkg/controller/nodes/catalog/datacatalog/datacatalog.go) and the node executor's cache steps
 * (flytepropeller/pkg/controller/nodes/cache.go), with Flyte's keys, metadata and statuses.
 */
import { randomUUID } from "node:crypto";
import {
  artifactMetadataForSource,
  type CatalogClient,
  datasetMetadataForSource,
  eventCatalogMetadata,
  sourceFromMetadata,
  taskCacheKey,
  type TaskCacheKey,
} from "@aloft/catalog";
import { inferLiteralType, isCastable } from "@aloft/compiler";
import { AloftError, Code, formatIdentifier, literalTypeToString } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  CatalogCacheStatus,
  type CatalogMetadata,
  CatalogMetadataSchema,
  CatalogReservation_Status,
} from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { type LiteralMap, LiteralMapSchema, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { Artifact, ArtifactData } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { CacheLookup, CachePut, CacheRequest, TaskCache } from "./task-cache.js";

/** Options of {@link createCatalogTaskCache}. */
export interface CatalogTaskCacheOptions {
  /** Cached results older than this are misses (propeller's `catalog-cache.max-cache-age`); 0 never expires. @default 0 */
  maxCacheAgeMs?: number;
  /** The heartbeat requested with reservations (propeller's workflow re-evaluation interval). @default 10_000 */
  heartbeatMs?: number;
  /** The clock the cache age is measured with. @default () => new Date() */
  now?: () => Date;
  /** Ids of new artifacts. @default crypto.randomUUID */
  newArtifactId?: () => string;
  /** Told why a write failed (the node still succeeds with CACHE_PUT_FAILURE). @default ignore */
  onPutFailure?: (error: unknown, request: CacheRequest) => void;
}

/**
 * A {@link TaskCache} over `client` (the in-process `createCatalogService` or `createRemoteCatalogClient`).
 *
 * Keys are computed once per task template and inputs message (both are treated as immutable once handed over).
 */
export function createCatalogTaskCache(client: CatalogClient, options: CatalogTaskCacheOptions = {}): TaskCache {
  const maxCacheAgeMs = options.maxCacheAgeMs ?? 0;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const newArtifactId = options.newArtifactId ?? randomUUID;
  const keys = new WeakMap<TaskTemplate, WeakMap<LiteralMap, TaskCacheKey>>();

  function keyOf(request: CacheRequest): TaskCacheKey {
    let byInputs = keys.get(request.template);
    if (byInputs === undefined) {
      byInputs = new WeakMap();
      keys.set(request.template, byInputs);
    }
    let key = byInputs.get(request.inputs);
    if (key === undefined) {
      key = taskCacheKey(request.template, request.inputs);
      byInputs.set(request.inputs, key);
    }
    return key;
  }

  async function lookup(request: CacheRequest): Promise<CacheLookup> {
    const key = keyOf(request);
    const dataset = await orNotFound(client.getDataset({ dataset: key.datasetId }));
    if (dataset?.dataset === undefined) return { status: CatalogCacheStatus.CACHE_MISS };
    const datasetId = dataset.dataset.id ?? key.datasetId;
    const found = await orNotFound(
      client.getArtifact({ dataset: datasetId, queryHandle: { case: "tagName", value: key.tagName } }),
    );
    const artifact = found?.artifact;
    if (artifact === undefined || isTooOld(artifact)) return { status: CatalogCacheStatus.CACHE_MISS };
    const source = sourceFromMetadata(dataset.dataset.metadata, artifact.metadata, key.taskId);
    const metadata = eventCatalogMetadata(datasetId, artifact.tags[0], source);
    return { status: CatalogCacheStatus.CACHE_HIT, outputs: outputsFromArtifact(key, artifact), metadata };
  }

  function isTooOld(artifact: Artifact): boolean {
    if (maxCacheAgeMs <= 0) return false;
    if (artifact.createdAt === undefined) {
      throw new AloftError(Code.Internal, `DataCatalog Artifact ${artifact.id} has no createdAt`);
    }
    return now().getTime() - timestampDate(artifact.createdAt).getTime() > maxCacheAgeMs;
  }

  async function put(request: CacheRequest, outputs: LiteralMap, overwrite: boolean): Promise<CachePut> {
    // Checked before any key is computed, as propeller does: a task without outputs is never written.
    const outputVariables = request.template.interface?.outputs?.variables;
    if (outputVariables !== undefined && Object.keys(outputVariables).length === 0) {
      return { status: CatalogCacheStatus.CACHE_DISABLED };
    }
    const key = keyOf(request);
    await ignoring(
      Code.AlreadyExists,
      client.createDataset({
        dataset: { id: key.datasetId, metadata: datasetMetadataForSource(request.source) },
      }),
    );
    const stored = outputVariables === undefined ? create(LiteralMapSchema) : outputs;
    const data = Object.keys(stored.literals)
      .sort()
      .map((name): Pick<ArtifactData, "name" | "value"> => ({ name, value: stored.literals[name] }));
    const artifactMetadata = artifactMetadataForSource(request.source);
    if (overwrite) {
      const updated = await orNotFound(
        client.updateArtifact({
          dataset: key.datasetId,
          queryHandle: { case: "tagName", value: key.tagName },
          data,
          metadata: artifactMetadata,
        }),
      );
      if (updated !== undefined) {
        const source = sourceFromMetadata(datasetMetadataForSource(request.source), artifactMetadata, key.taskId);
        return {
          status: CatalogCacheStatus.CACHE_POPULATED,
          metadata: eventCatalogMetadata(key.datasetId, { name: key.tagName, artifactId: updated.artifactId }, source),
        };
      }
      // Nothing to overwrite yet (the first run with overwrite_cache): create it, so overwriting is idempotent.
    }
    const artifactId = newArtifactId();
    await client.createArtifact({
      artifact: { id: artifactId, dataset: key.datasetId, data, metadata: artifactMetadata },
    });
    // A concurrent run with the same inputs may have tagged its artifact first; either serves the next lookup.
    await ignoring(
      Code.AlreadyExists,
      client.addTag({ tag: { name: key.tagName, artifactId, dataset: key.datasetId } }),
    );
    return {
      status: CatalogCacheStatus.CACHE_POPULATED,
      metadata: eventCatalogMetadata(key.datasetId, { name: key.tagName, artifactId }),
    };
  }

  return {
    lookup,

    async put(request, outputs, putOptions = {}) {
      try {
        return await put(request, outputs, putOptions.overwrite ?? false);
      } catch (error) {
        options.onPutFailure?.(error, request);
        // propeller reports the task's own id as the dataset of a failed write.
        return { status: CatalogCacheStatus.CACHE_PUT_FAILURE, metadata: putFailureMetadata(request) };
      }
    },

    async reserve(request, ownerId) {
      const key = keyOf(request);
      const { reservation } = await client.getOrExtendReservation({
        reservationId: { datasetId: key.datasetId, tagName: key.tagName },
        ownerId,
        heartbeatInterval: durationFromMs(heartbeatMs),
      });
      return reservation?.ownerId === ownerId
        ? CatalogReservation_Status.RESERVATION_ACQUIRED
        : CatalogReservation_Status.RESERVATION_EXISTS;
    },

    async release(request, ownerId) {
      const key = keyOf(request);
      await client.releaseReservation({
        reservationId: { datasetId: key.datasetId, tagName: key.tagName },
        ownerId,
      });
      return CatalogReservation_Status.RESERVATION_RELEASED;
    },
  };
}

/**
 * The task outputs a cached artifact holds (`GenerateTaskOutputsFromArtifact`): one value per declared output, each
 * castable to the output's type.
 *
 * @throws AloftError Internal when the artifact does not fit the task's interface (propeller fails the round).
 */
function outputsFromArtifact(key: TaskCacheKey, artifact: Artifact): LiteralMap {
  const variables = key.taskInterface.outputs?.variables ?? {};
  const names = Object.keys(variables);
  if (names.length === 0) return create(LiteralMapSchema);
  const task = formatIdentifier(key.taskId);
  if (names.length !== artifact.data.length) {
    throw mismatch(
      `the task ${task} with ${names.length} outputs, should have ${artifact.data.length} artifactData for artifact ${artifact.id}`,
    );
  }
  const outputs = create(LiteralMapSchema);
  for (const { name, value } of artifact.data) {
    const variable = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (variable === undefined) {
      throw mismatch(`unexpected artifactData with name [${name}] does not match any task output variables ${names}`);
    }
    const literal = value ?? create(LiteralSchema);
    const actual = inferLiteralType(literal);
    if (actual === undefined) throw mismatch(`failed to validate literal type for ${name}`);
    const expected = variable.type;
    if (expected === undefined || !isCastable(actual, expected)) {
      throw mismatch(
        `unexpected artifactData: [${name}] type: [${literalTypeToString(actual)}] does not match any task output type: [${
          expected === undefined ? "none" : literalTypeToString(expected)
        }]`,
      );
    }
    outputs.literals[name] = literal;
  }
  return outputs;
}

function mismatch(message: string): AloftError {
  return new AloftError(Code.Internal, message);
}

function putFailureMetadata(request: CacheRequest): CatalogMetadata {
  return create(CatalogMetadataSchema, request.template.id === undefined ? {} : { datasetId: request.template.id });
}

/** The response, or undefined when the catalog answered NotFound (a miss); other failures are thrown. */
async function orNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AloftError && error.code === Code.NotFound) return undefined;
    throw error;
  }
}

/** Waits for `call`, treating a failure with `code` as success. */
async function ignoring(code: Code, call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof AloftError && error.code === code)) throw error;
  }
}
