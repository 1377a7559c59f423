import {
  type CatalogClient,
  type CatalogTables,
  CATALOG_TABLE_NAMES,
  createCatalogService,
  migrateCatalogDatabase,
} from "@aloft/catalog";
import { createDatabase, type SqlDatabase } from "@aloft/db";
import { AloftError, Code, integerLiteral, literalMap, stringLiteral } from "@aloft/idl";
import { FsBlobStore } from "@aloft/storage";
import { describeEachDialect, makeTempDir, TEST_POSTGRES_URL, testSchemaName } from "@aloft/test-helpers";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { VariableMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { CatalogCacheStatus, CatalogReservation_Status } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  ResourceType,
  type TaskExecutionIdentifier,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type TaskTemplate, TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { type Kysely, sql } from "kysely";
import { expect, it, vi } from "vitest";
import { type CacheRequest, createCatalogTaskCache } from "../index.js";

interface Context {
  database: SqlDatabase<CatalogTables>;
  catalog: CatalogClient;
  clock: { now: Date };
  reset(): Promise<void>;
  close(): Promise<void>;
}

const START = new Date("2024-05-01T12:00:00.000Z");

async function openContext(dialect: "sqlite" | "postgres"): Promise<Context> {
  const schema = dialect === "postgres" ? testSchemaName("aloft_task_cache") : undefined;
  const database =
    dialect === "postgres"
      ? await createDatabase<CatalogTables>({ url: TEST_POSTGRES_URL ?? "", schema, poolSize: 4 })
      : await createDatabase<CatalogTables>({ url: "sqlite::memory:" });
  await migrateCatalogDatabase(database);
  const dir = await makeTempDir("aloft-task-cache-");
  const clock = { now: START };
  const catalog = createCatalogService({
    database,
    blobStore: new FsBlobStore({ root: dir.path }),
    now: () => clock.now,
  });
  return {
    database,
    catalog,
    clock,
    async reset() {
      clock.now = START;
      const db = database.db as Kysely<unknown>;
      for (const table of CATALOG_TABLE_NAMES) await sql`DELETE FROM ${sql.table(table)}`.execute(db);
    },
    async close() {
      await database.close();
      await dir.cleanup();
      if (schema === undefined) return;
      const server = await createDatabase({ url: TEST_POSTGRES_URL ?? "" });
      try {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(server.db);
      } finally {
        await server.close();
      }
    },
  };
}

const simple = (value: SimpleType) => ({ type: { case: "simple" as const, value } });

/**
 * flytepropeller's datacatalog_test.go `sampleKey`: a task reading and writing one string called `test`. Its inputs
 * below (`out1`, and `seed`, which the task ignores for caching) hash to the tag that test expects.
 */
function template(overrides: { version?: string; discoveryVersion?: string; outputs?: "string" | "none" } = {}) {
  const outputs: MessageInitShape<typeof VariableMapSchema> = {
    variables: overrides.outputs === "none" ? {} : { test: { type: simple(SimpleType.STRING) } },
  };
  return create(TaskTemplateSchema, {
    id: {
      resourceType: ResourceType.TASK,
      project: "project",
      domain: "domain",
      name: "name",
      version: overrides.version ?? "version",
    },
    metadata: {
      discoverable: true,
      discoveryVersion: overrides.discoveryVersion ?? "1.0.0",
      cacheIgnoreInputVars: ["seed"],
    },
    interface: {
      inputs: {
        variables: {
          // Descriptions and type metadata are stripped before hashing, as propeller's CRD does.
          test: {
            type: { ...simple(SimpleType.STRING), metadata: { docs: "not part of the key" } },
            description: "not part of the key either",
          },
        },
      },
      outputs,
    },
  });
}

function source(taskVersion: string, execution: string, attempt = 0): TaskExecutionIdentifier {
  return create(TaskExecutionIdentifierSchema, {
    taskId: {
      resourceType: ResourceType.TASK,
      project: "project",
      domain: "domain",
      name: "name",
      version: taskVersion,
    },
    nodeExecutionId: { nodeId: "n0", executionId: { project: "p1", domain: "d1", name: execution } },
    retryAttempt: attempt,
  });
}

const inputs = (value = "output1-stringval", seed = 1): LiteralMap =>
  literalMap({ out1: stringLiteral(value), seed: integerLiteral(seed) });

function request(options: { template?: TaskTemplate; inputs?: LiteralMap; source?: TaskExecutionIdentifier } = {}) {
  return {
    template: options.template ?? template(),
    inputs: options.inputs ?? inputs(),
    source: options.source ?? source("version", "exec-1"),
  } satisfies CacheRequest;
}

const outputs = (value: string) => literalMap({ test: stringLiteral(value) });

// The keys propeller computes for sampleKey and these inputs (datacatalog_test.go).
const FLYTE_DATASET = {
  project: "project",
  domain: "domain",
  name: "flyte_task-name",
  version: "1.0.0-ue5g6uuI-ue5g6uuI",
};

describeEachDialect("createCatalogTaskCache", openContext, (t) => {
  it("misses on an empty catalog", async () => {
    const cache = createCatalogTaskCache(t().catalog);
    expect(await cache.lookup(request())).toEqual({ status: CatalogCacheStatus.CACHE_MISS });
  });

  it("writes outputs with Flyte's dataset, tag and lineage, and hits them from any version of the task", async () => {
    const cache = createCatalogTaskCache(t().catalog, { newArtifactId: () => "artifact-1" });
    const written = await cache.put(request(), outputs("hello"));
    expect(written.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    expect(written.metadata?.datasetId).toMatchObject({ resourceType: ResourceType.DATASET, ...FLYTE_DATASET });
    expect(written.metadata?.artifactTag).toMatchObject({
      artifactId: "artifact-1",
      name: "flyte_cached-BE6CZsMk6N3ExR_4X9EuwBgj2Jh2UwasXK3a_pM9xlY",
    });

    const later = request({ template: template({ version: "v2" }), source: source("v2", "exec-2") });
    const hit = await cache.lookup(later);
    expect(hit.status).toBe(CatalogCacheStatus.CACHE_HIT);
    if (hit.status !== CatalogCacheStatus.CACHE_HIT) return;
    expect(hit.outputs).toEqual(outputs("hello"));
    expect(hit.metadata.datasetId).toMatchObject({ resourceType: ResourceType.DATASET, ...FLYTE_DATASET });
    expect(hit.metadata.artifactTag).toMatchObject({
      artifactId: "artifact-1",
      name: written.metadata?.artifactTag?.name,
    });
    expect(hit.metadata.sourceExecution).toEqual({ case: "sourceTaskExecution", value: source("version", "exec-1") });
  });

  it("finds an entry written under Flyte's keys", async () => {
    const { catalog } = t();
    const datasetId = { ...FLYTE_DATASET };
    await catalog.createDataset({ dataset: { id: datasetId, metadata: { keyMap: { "task-version": "flyte-v" } } } });
    await catalog.createArtifact({
      artifact: { id: "from-flyte", dataset: datasetId, data: [{ name: "test", value: stringLiteral("cached") }] },
    });
    await catalog.addTag({
      tag: {
        name: "flyte_cached-BE6CZsMk6N3ExR_4X9EuwBgj2Jh2UwasXK3a_pM9xlY",
        artifactId: "from-flyte",
        dataset: datasetId,
      },
    });
    const hit = await createCatalogTaskCache(catalog).lookup(request());
    expect(hit.status).toBe(CatalogCacheStatus.CACHE_HIT);
    expect(hit.status === CatalogCacheStatus.CACHE_HIT && hit.outputs).toEqual(outputs("cached"));
    // Entries without execution metadata report what propeller reports: unknown.
    expect(hit.metadata?.sourceExecution.value).toMatchObject({
      taskId: { version: "flyte-v" },
      nodeExecutionId: { nodeId: "unknown", executionId: { project: "project", domain: "domain", name: "unknown" } },
    });
  });

  it("misses for other inputs, but not for inputs that differ only in cache_ignore_input_vars", async () => {
    const cache = createCatalogTaskCache(t().catalog);
    await cache.put(request(), outputs("hello"));
    expect((await cache.lookup(request({ inputs: inputs("other") }))).status).toBe(CatalogCacheStatus.CACHE_MISS);
    expect((await cache.lookup(request({ inputs: inputs("output1-stringval", 99) }))).status).toBe(
      CatalogCacheStatus.CACHE_HIT,
    );
  });

  it("treats entries older than the max cache age as misses", async () => {
    const { catalog, clock } = t();
    const cache = createCatalogTaskCache(catalog, { maxCacheAgeMs: 60_000, now: () => clock.now });
    await cache.put(request(), outputs("hello"));
    clock.now = new Date(START.getTime() + 60_000);
    expect((await cache.lookup(request())).status).toBe(CatalogCacheStatus.CACHE_HIT);
    clock.now = new Date(START.getTime() + 60_001);
    expect((await cache.lookup(request())).status).toBe(CatalogCacheStatus.CACHE_MISS);
  });

  it("fails the lookup when the cached values do not fit the task's outputs", async () => {
    const { catalog } = t();
    const cache = createCatalogTaskCache(catalog);
    await cache.put(request(), outputs("hello"));
    await catalog.updateArtifact({
      dataset: FLYTE_DATASET,
      queryHandle: { case: "tagName", value: "flyte_cached-BE6CZsMk6N3ExR_4X9EuwBgj2Jh2UwasXK3a_pM9xlY" },
      data: [{ name: "test", value: integerLiteral(3) }],
    });
    await expect(cache.lookup(request())).rejects.toThrow(
      expect.objectContaining({
        code: Code.Internal,
        rawMessage: expect.stringMatching(/^unexpected artifactData: \[test\]/),
      }),
    );
  });

  it("throws catalog failures other than not-found from lookups, reservations and releases", async () => {
    const failing = new Proxy(t().catalog, {
      get: () => () => Promise.reject(new AloftError(Code.Unavailable, "catalog down")),
    });
    const cache = createCatalogTaskCache(failing);
    await expect(cache.lookup(request())).rejects.toThrow(expect.objectContaining({ code: Code.Unavailable }));
    await expect(cache.reserve(request(), "owner")).rejects.toThrow(
      expect.objectContaining({ code: Code.Unavailable }),
    );
    await expect(cache.release(request(), "owner")).rejects.toThrow(
      expect.objectContaining({ code: Code.Unavailable }),
    );
    const put = await cache.put(request(), outputs("x"));
    expect(put.status).toBe(CatalogCacheStatus.CACHE_PUT_FAILURE);
  });

  it("does not write tasks without outputs", async () => {
    const { catalog } = t();
    const cache = createCatalogTaskCache(catalog);
    const written = await cache.put(request({ template: template({ outputs: "none" }) }), literalMap({}));
    expect(written).toEqual({ status: CatalogCacheStatus.CACHE_DISABLED });
    expect((await catalog.listDatasets({})).datasets).toEqual([]);
  });

  it("reports a failed write as CACHE_PUT_FAILURE naming the task, and never throws", async () => {
    const onPutFailure = vi.fn();
    const cache = createCatalogTaskCache(t().catalog, { onPutFailure });
    const broken = request({ template: template({ discoveryVersion: " " }) });
    const written = await cache.put(broken, outputs("x"));
    expect(written.status).toBe(CatalogCacheStatus.CACHE_PUT_FAILURE);
    expect(written.metadata?.datasetId).toEqual(broken.template.id);
    expect(onPutFailure).toHaveBeenCalledWith(expect.objectContaining({ code: Code.InvalidArgument }), broken);
    await expect(cache.lookup(broken)).rejects.toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });

  it("overwrites the cached outputs in place, or creates them when there is nothing to overwrite", async () => {
    let next = 0;
    const cache = createCatalogTaskCache(t().catalog, { newArtifactId: () => `artifact-${++next}` });
    const first = await cache.put(request(), outputs("old"), { overwrite: true });
    expect(first.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    expect(first.metadata?.artifactTag?.artifactId).toBe("artifact-1");

    const again = request({ source: source("version", "exec-2", 1) });
    const second = await cache.put(again, outputs("new"), { overwrite: true });
    expect(second.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    expect(second.metadata?.artifactTag?.artifactId).toBe("artifact-1");
    expect(second.metadata?.sourceExecution.value).toEqual(source("version", "exec-2", 1));
    const hit = await cache.lookup(request());
    expect(hit.status === CatalogCacheStatus.CACHE_HIT && hit.outputs).toEqual(outputs("new"));
    expect(hit.metadata?.sourceExecution.value).toMatchObject({ nodeExecutionId: { executionId: { name: "exec-2" } } });
  });

  it("keeps the first of two runs that cache the same inputs", async () => {
    let next = 0;
    const cache = createCatalogTaskCache(t().catalog, { newArtifactId: () => `artifact-${++next}` });
    expect((await cache.put(request(), outputs("first"))).status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    expect((await cache.put(request({ source: source("version", "exec-2") }), outputs("second"))).status).toBe(
      CatalogCacheStatus.CACHE_POPULATED,
    );
    const hit = await cache.lookup(request());
    expect(hit.status === CatalogCacheStatus.CACHE_HIT && hit.outputs).toEqual(outputs("first"));
  });

  it("serializes runs of the same key with reservations", async () => {
    const cache = createCatalogTaskCache(t().catalog, { heartbeatMs: 5_000 });
    expect(await cache.reserve(request(), "exec-1-n0-0")).toBe(CatalogReservation_Status.RESERVATION_ACQUIRED);
    expect(await cache.reserve(request(), "exec-1-n0-0")).toBe(CatalogReservation_Status.RESERVATION_ACQUIRED);
    expect(await cache.reserve(request(), "exec-2-n0-0")).toBe(CatalogReservation_Status.RESERVATION_EXISTS);
    // Other inputs are another key, free to run.
    expect(await cache.reserve(request({ inputs: inputs("other") }), "exec-2-n0-0")).toBe(
      CatalogReservation_Status.RESERVATION_ACQUIRED,
    );
    expect(await cache.release(request(), "exec-1-n0-0")).toBe(CatalogReservation_Status.RESERVATION_RELEASED);
    expect(await cache.release(request(), "exec-1-n0-0")).toBe(CatalogReservation_Status.RESERVATION_RELEASED);
    expect(await cache.reserve(request(), "exec-2-n0-0")).toBe(CatalogReservation_Status.RESERVATION_ACQUIRED);
  });
});
