import { randomBytes } from "node:crypto";
import { AloftError, Code } from "@aloft/idl";
import type { BlobStore } from "@aloft/storage";
import type { TypeContext } from "./type.js";

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Whether `text` is a URI (`s3://…`, `file:///…`, `https://…`) rather than a local path. */
export function isUri(text: string): boolean {
  return URI_SCHEME.test(text);
}

/** 32 random hex digits, as flytekit's `FileAccessProvider.get_random_string()` (`uuid4().hex`-like). */
export function randomName(): string {
  return randomBytes(16).toString("hex");
}

/** The last segment of a path or URI (`s3://b/x/data.csv` → `data.csv`), ignoring a trailing slash. */
export function lastSegment(pathOrUri: string): string {
  const trimmed = pathOrUri.replace(/[/\\]+$/, "");
  const i = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

/**
 * A fresh folder under the raw output prefix, `<rawOutputPrefix>/<32 hex>`, where flytekit puts every
 * upload (`get_random_remote_directory`, and `get_random_remote_path` adds the file name under it).
 */
export function newRawOutputDir(ctx: TypeContext): string {
  return ctx.store.join(ctx.rawOutputPrefix, randomName());
}

/** Where a remote value reads from: its store and a scratch folder for downloads. */
export interface RemoteAccess {
  store: BlobStore;
  workDir: string;
}

/** The store of a remote value, or FailedPrecondition when it was made by hand without one. */
export function requireAccess(access: RemoteAccess | undefined, uri: string, what: string): RemoteAccess {
  if (access === undefined) {
    throw new AloftError(
      Code.FailedPrecondition,
      `${what} ${uri} has no blob store to read from; values read by the SDK (task inputs, run results) have one`,
    );
  }
  return access;
}

/** `uri` with exactly one trailing slash, for listing the objects under a folder. */
export function folderPrefix(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}
