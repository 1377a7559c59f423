import { stat } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { type BlobStoreConfig, createBlobStore, fileUri, FsBlobStore, RoutingBlobStore } from "./index.js";
import { S3BlobStore } from "./s3.js";
import { collect, expectAloftError } from "./blob-store-suite.test-helper.js";
import { S3RVER_CREDENTIALS, startS3rver } from "./s3rver.test-helper.js";

describe("createBlobStore", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let s3: { endpoint: string; stop: () => Promise<void> };
  const s3Config = (bucket: string): BlobStoreConfig => ({
    kind: "s3",
    bucket,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: S3RVER_CREDENTIALS,
    createBucketIfMissing: true,
  });

  beforeAll(async () => {
    dir = await makeTempDir("aloft-create-store-");
    s3 = await startS3rver([]);
  });
  afterAll(async () => {
    await s3.stop();
    await dir.cleanup();
  });

  it("builds an fs store and creates its root", async () => {
    const root = join(dir.path, "blobs");
    const store = await createBlobStore({ kind: "fs", root });

    expect(store).toBeInstanceOf(FsBlobStore);
    expect(store.baseUri).toBe(fileUri(root));
    expect((await stat(root)).isDirectory()).toBe(true);
  });

  it("builds an S3 store and creates its bucket when asked", async () => {
    const store = await createBlobStore(s3Config("made-at-start"));
    try {
      expect(store).toBeInstanceOf(S3BlobStore);
      expect(store.baseUri).toBe("s3://made-at-start");
      await store.put("s3://made-at-start/x", "x");
      expect(await store.exists("s3://made-at-start/x")).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("routes URIs to several stores by scheme and bucket, copying across them", async () => {
    const root = join(dir.path, "routed");
    const store = await createBlobStore([{ kind: "fs", root }, s3Config("routed-bucket")]);
    try {
      const local = `${fileUri(root)}/a.pb`;
      await store.put(local, "local");
      await store.copy(local, "s3://routed-bucket/copied/a.pb");

      expect(store).toBeInstanceOf(RoutingBlobStore);
      expect(store.baseUri).toBe(fileUri(root));
      expect(new TextDecoder().decode(await store.get("s3://routed-bucket/copied/a.pb"))).toBe("local");
      expect(await collect(store.list(fileUri(root)))).toEqual([local]);
      await expectAloftError(
        store.get("gs://bucket/a"),
        Code.InvalidArgument,
        'no blob store is configured for "gs://bucket/a"',
      );
    } finally {
      await store.close();
    }
  });

  it("sends s3:// URIs of other buckets to the first S3 store, unless an fs alias claims the scheme first", async () => {
    const viaS3 = (await createBlobStore([
      { kind: "fs", root: join(dir.path, "r1") },
      s3Config("first-bucket"),
    ])) as RoutingBlobStore;
    const viaAlias = (await createBlobStore([
      { kind: "fs", root: join(dir.path, "r2"), aliasSchemes: ["s3"] },
      s3Config("second-bucket"),
    ])) as RoutingBlobStore;
    try {
      expect(viaS3.storeFor("s3://another-bucket/x")).toBeInstanceOf(S3BlobStore);
      expect(viaAlias.storeFor("s3://another-bucket/x")).toBeInstanceOf(FsBlobStore);
      expect(viaAlias.storeFor("s3://second-bucket/x")).toBeInstanceOf(S3BlobStore);
    } finally {
      await viaS3.close();
      await viaAlias.close();
    }
  });

  it("refuses an unknown kind and an empty list", async () => {
    await expectAloftError(
      createBlobStore({ kind: "gcs" } as unknown as BlobStoreConfig),
      Code.InvalidArgument,
      'unknown blob store kind "gcs"',
    );
    await expectAloftError(
      createBlobStore([]),
      Code.InvalidArgument,
      "createBlobStore needs at least one configuration",
    );
  });
});
