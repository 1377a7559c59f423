/**
 * The database and blob store of a component run on its own (`aloft serve engine|catalog`), opened from the same
 * configuration admin reads (`--db`, `--storage`, `--config`, ALOFT_* variables), so every process works on the
 * same data: admin's database (the execution queue lives there) and admin's blobs.
 */
import type { AdminConfig } from "@aloft/admin";
import type { SqlDatabase } from "@aloft/db";
import type { BlobStore } from "@aloft/storage";

/**
 * Opens the configured database as admin opens it. Tables are each component's business (their migrations run
 * when they start).
 *
 * @throws AloftError InvalidArgument for an unusable URL, Unavailable when PostgreSQL cannot be reached.
 */
export async function openPlatformDatabase<DB>(database: AdminConfig["database"]): Promise<SqlDatabase<DB>> {
  const [{ createDatabase }, { databaseOptions }] = await Promise.all([import("@aloft/db"), import("@aloft/admin")]);
  if (database.kind === "sqlite" && database.path === ":memory:") {
    throw new Error("an in-memory database cannot be shared with admin: give --db a file or postgres:// URL");
  }
  return createDatabase<DB>(databaseOptions(database));
}

/**
 * The configured blob store without admin's URL signing (only admin serves signed URLs); its base URI is admin's,
 * so the URIs every component writes and reads agree.
 */
export async function openPlatformBlobStore(storage: AdminConfig["storage"]): Promise<BlobStore> {
  const { createBlobStore } = await import("@aloft/storage");
  if (storage.kind === "fs") return createBlobStore({ kind: "fs", root: storage.root });
  return createBlobStore({
    kind: "s3",
    bucket: storage.bucket,
    forcePathStyle: storage.forcePathStyle,
    ...(storage.endpoint === undefined ? {} : { endpoint: storage.endpoint }),
    ...(storage.region === undefined ? {} : { region: storage.region }),
  });
}
