import { isAbsolute, resolve } from "node:path";
import {
  FsBlobStore,
  RoutingBlobStore,
  fileUri,
  parseBlobUri,
  type BlobStore,
  type BlobStoreRoute,
} from "@aloft/storage";
import { S3BlobStore } from "@aloft/storage/s3";

type Env = Readonly<Record<string, string | undefined>>;

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * A blob URI for a path or URI as a task's args give it: URIs as they are, local paths as `file://`
 * URIs (relative ones against `cwd`), so `--inputs /tmp/x/inputs.pb` works like `file:///tmp/x/inputs.pb`.
 */
export function toBlobUri(pathOrUri: string, cwd: string): string {
  if (URI.test(pathOrUri)) return pathOrUri;
  return fileUri(isAbsolute(pathOrUri) ? pathOrUri : resolve(cwd, pathOrUri));
}

function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

/**
 * The blob store a task container uses for its inputs, outputs and code, configured from the
 * environment as flytekit configures fsspec:
 *
 * - `file://` URIs (and local paths) always work, anywhere on the local filesystem.
 * - `s3://` URIs go to S3 or an S3-compatible service: endpoint `ALOFT_STORAGE_ENDPOINT` or
 *   flytekit's `FLYTE_AWS_ENDPOINT` (path-style addressing then, as MinIO needs, unless
 *   `ALOFT_STORAGE_FORCE_PATH_STYLE=false`), keys `ALOFT_STORAGE_ACCESS_KEY_ID` /
 *   `ALOFT_STORAGE_SECRET_ACCESS_KEY` or `FLYTE_AWS_ACCESS_KEY_ID` / `FLYTE_AWS_SECRET_ACCESS_KEY`
 *   (else the AWS default chain), region `ALOFT_STORAGE_REGION` (else `AWS_REGION`…).
 * - `ALOFT_STORAGE_FS_ROOT` with `ALOFT_STORAGE_FS_SCHEMES` (comma-separated, e.g. `s3`): those
 *   schemes are folders under that root instead (Aloft's embedded mode keeps S3-shaped URIs on disk).
 *
 * `uris` are the URIs the task will touch; the first `s3://` one names the S3 store's base bucket.
 */
export function blobStoreFromEnv(options: { env: Env; uris: readonly string[] }): BlobStore {
  const { env } = options;
  const routes: BlobStoreRoute[] = [];
  const fsRoot = first(env, "ALOFT_STORAGE_FS_ROOT");
  const fsSchemes = (first(env, "ALOFT_STORAGE_FS_SCHEMES") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "" && s !== "file");
  if (fsRoot !== undefined && fsSchemes.length > 0) {
    const store = new FsBlobStore({ root: fsRoot, aliasSchemes: fsSchemes });
    for (const scheme of fsSchemes) routes.push({ scheme, store });
  }
  routes.push({ scheme: "file", store: new FsBlobStore({ root: "/" }) });

  const s3Uri = options.uris.find((u) => URI.test(u) && parseBlobUri(u).scheme === "s3");
  if (s3Uri !== undefined && !fsSchemes.includes("s3")) {
    const endpoint = first(env, "ALOFT_STORAGE_ENDPOINT", "FLYTE_AWS_ENDPOINT");
    const accessKeyId = first(env, "ALOFT_STORAGE_ACCESS_KEY_ID", "FLYTE_AWS_ACCESS_KEY_ID");
    const secretAccessKey = first(env, "ALOFT_STORAGE_SECRET_ACCESS_KEY", "FLYTE_AWS_SECRET_ACCESS_KEY");
    const pathStyle = first(env, "ALOFT_STORAGE_FORCE_PATH_STYLE");
    const region = first(env, "ALOFT_STORAGE_REGION");
    const store = new S3BlobStore({
      bucket: parseBlobUri(s3Uri).bucket,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
      forcePathStyle: pathStyle === undefined ? endpoint !== undefined : isTrue(pathStyle),
      ...(accessKeyId !== undefined && secretAccessKey !== undefined
        ? { credentials: { accessKeyId, secretAccessKey } }
        : {}),
    });
    routes.push({ scheme: "s3", store });
  }
  return new RoutingBlobStore({ routes });
}
