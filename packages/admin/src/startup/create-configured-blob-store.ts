/**
 * The blob store `config.storage` describes. The fs store signs URLs that admin itself serves under `/blobs`, so
 * their base must follow admin's public URL, which is only known once the server listens when the port is 0.
 */
import { join } from "node:path";
import { type BlobStore, createBlobStore, type FsBlobStore, type HmacSigningOptions } from "@aloft/storage";
import type { StorageConfig } from "../config/admin-config.js";
import { loadSigningSecret } from "./load-signing-secret.js";

/** Where the fs store's signed URLs are served, below admin's public URL. */
export const BLOB_PATH_PREFIX = "/blobs";

/** Bodies up to this size go to the fs store with synchronous writes. */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

/** File name of the generated signing secret inside the secrets folder. */
export const SIGNING_SECRET_FILE = "blob-signing-key";

/** Options of {@link createConfiguredBlobStore}. */
export interface CreateConfiguredBlobStoreOptions {
  storage: StorageConfig;
  /** Admin's public URL as configured (signed URLs point below it until {@link ConfiguredBlobStore.setPublicUrl}). */
  publicUrl: string;
  /** Holds the generated signing secret when `storage.signingSecret` is unset. */
  secretsDir: string;
}

/** The store, plus what the server needs to serve its signed URLs. */
export interface ConfiguredBlobStore {
  readonly store: BlobStore;
  /** The same store when it is an fs store (admin serves its signed URLs), else undefined. */
  readonly fsStore: FsBlobStore | undefined;
  /** Where a generated signing secret was read or written, if one was needed. */
  readonly secretFile: string | undefined;
  /** Points signed URLs at `publicUrl` + `/blobs` from now on. */
  setPublicUrl(publicUrl: string): void;
}

/**
 * Builds the configured store: an fs store under `storage.root` signing with the configured secret or the one kept
 * in `<secretsDir>/blob-signing-key` (generated on first start), or an S3 store.
 */
export async function createConfiguredBlobStore(
  options: CreateConfiguredBlobStoreOptions,
): Promise<ConfiguredBlobStore> {
  const { storage } = options;
  if (storage.kind === "s3") {
    const store = await createBlobStore({
      kind: "s3",
      bucket: storage.bucket,
      forcePathStyle: storage.forcePathStyle,
      ...(storage.endpoint === undefined ? {} : { endpoint: storage.endpoint }),
      ...(storage.region === undefined ? {} : { region: storage.region }),
    });
    return { store, fsStore: undefined, secretFile: undefined, setPublicUrl: () => undefined };
  }
  const secretFile = storage.signingSecret === undefined ? join(options.secretsDir, SIGNING_SECRET_FILE) : undefined;
  const secret = storage.signingSecret ?? (await loadSigningSecret(secretFile!));
  let publicBaseUrl = blobBaseUrl(options.publicUrl);
  // The store keeps this object and reads `publicBaseUrl` whenever it signs, so moving the base later is enough.
  const signing: HmacSigningOptions = {
    secret,
    get publicBaseUrl() {
      return publicBaseUrl;
    },
  };
  // Execution inputs and closures are small and written on every launch: write those synchronously (see
  // FsBlobStoreOptions.syncWriteMaxBytes), which roughly halves CreateExecution's cost on a local disk.
  const store = await createBlobStore({
    kind: "fs",
    root: storage.root,
    signing,
    syncWriteMaxBytes: SYNC_WRITE_MAX_BYTES,
  });
  return {
    store,
    fsStore: store as FsBlobStore,
    secretFile,
    setPublicUrl(publicUrl) {
      publicBaseUrl = blobBaseUrl(publicUrl);
    },
  };
}

function blobBaseUrl(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, "") + BLOB_PATH_PREFIX;
}
