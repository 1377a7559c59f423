import { mkdir } from "node:fs/promises";
import { AloftError } from "@aloft/idl";
import type { BlobStore } from "./blob-store.js";
import { FsBlobStore, type FsBlobStoreOptions } from "./fs-blob-store.js";
import { type BlobStoreRoute, RoutingBlobStore } from "./routing-blob-store.js";
import type { S3BlobStoreOptions } from "./s3-blob-store.js";

/** Configuration of a local-directory store ({@link FsBlobStore}). */
export interface FsBlobStoreConfig extends FsBlobStoreOptions {
  kind: "fs";
}

/** Configuration of an S3 store ({@link S3BlobStore}). */
export interface S3BlobStoreConfig extends S3BlobStoreOptions {
  kind: "s3";
  /** Create `bucket` at start-up unless it exists, as Flyte does for its base container. @default false */
  createBucketIfMissing?: boolean;
}

/** One store's configuration, selected by `kind`. */
export type BlobStoreConfig = FsBlobStoreConfig | S3BlobStoreConfig;

/**
 * Builds the store a configuration describes; the fs root is created, and the S3 bucket when asked.
 *
 * Given several configurations, returns a {@link RoutingBlobStore}: an fs store answers `file://` (and
 * its alias schemes), an S3 store answers `s3://<its bucket>`, and the first S3 store also answers
 * `s3://` URIs of buckets no other store claims. The first configuration supplies `baseUri`.
 */
export async function createBlobStore(config: BlobStoreConfig | readonly BlobStoreConfig[]): Promise<BlobStore> {
  if (!Array.isArray(config)) return createOne(config as BlobStoreConfig);
  const configs = config as readonly BlobStoreConfig[];
  if (configs.length === 0) throw AloftError.invalidArgument("createBlobStore needs at least one configuration");
  if (configs.length === 1) return createOne(configs[0]!);

  const routes: BlobStoreRoute[] = [];
  let s3Fallback = false;
  for (const one of configs) {
    const store = await createOne(one);
    if (one.kind === "fs") {
      for (const scheme of ["file", ...(one.aliasSchemes ?? [])]) routes.push({ scheme, store });
    } else {
      routes.push({ scheme: "s3", bucket: one.bucket, store });
      if (!s3Fallback) routes.push({ scheme: "s3", store });
      s3Fallback = true;
    }
  }
  return new RoutingBlobStore({ routes });
}

async function createOne(config: BlobStoreConfig): Promise<BlobStore> {
  switch (config.kind) {
    case "fs": {
      const store = new FsBlobStore(config);
      await mkdir(store.root, { recursive: true });
      return store;
    }
    case "s3": {
      // Loaded on demand: the AWS SDK takes a while to load and most deployments use the local store.
      const { S3BlobStore } = await import("./s3-blob-store.js");
      const store = new S3BlobStore(config);
      if (config.createBucketIfMissing) await store.ensureBucket();
      return store;
    }
    default:
      throw AloftError.invalidArgument(`unknown blob store kind "${(config as { kind?: unknown }).kind}"`);
  }
}
