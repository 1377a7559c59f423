/**
 * The catalog as its own process (`aloft serve catalog`), as Flyte runs datacatalog: flyteidl's DataCatalog over
 * gRPC (and Connect, gRPC-Web) on one plaintext port, with `/healthcheck` for probes, its tables in the configured
 * database (admin's, or one of its own) and artifact values in the configured blob store.
 */
import type { AdminConfig } from "@aloft/admin";
import type { CatalogTables } from "@aloft/catalog";
import type { SqlDatabase } from "@aloft/db";
import type { BlobStore } from "@aloft/storage";
import { listenPlaintext } from "./listen-plaintext.js";
import { openPlatformBlobStore, openPlatformDatabase } from "./platform-resources.js";

/** Flyte's datacatalog gRPC port. */
export const DEFAULT_CATALOG_PORT = 8089;

/** Options of {@link startCatalogServer}. */
export interface StartCatalogServerOptions {
  /** The database and blob store to use (admin's configuration). */
  config: AdminConfig;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** A serving catalog. */
export interface CatalogServer {
  /** `http://host:port`, what `aloft serve engine --catalog` takes. */
  readonly url: string;
  /** Stops serving, then closes the database and the blob store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Migrates the catalog's tables and starts serving.
 *
 * @throws AloftError from the database or the blob store; Error when the port cannot be bound.
 */
export async function startCatalogServer(options: StartCatalogServerOptions): Promise<CatalogServer> {
  const [{ catalogRoutes, createCatalogService, migrateCatalogDatabase }, { connectNodeAdapter }] = await Promise.all([
    import("@aloft/catalog"),
    import("@connectrpc/connect-node"),
  ]);
  const database: SqlDatabase<CatalogTables> = await openPlatformDatabase<CatalogTables>(options.config.database);
  let blobStore: BlobStore | undefined;
  try {
    blobStore = await openPlatformBlobStore(options.config.storage);
    await migrateCatalogDatabase(database);
    const catalog = createCatalogService({ database, blobStore });
    const handler = connectNodeAdapter({
      routes: catalogRoutes(catalog),
      fallback: (request, response) => {
        if (request.url === "/healthcheck" && (request.method === "GET" || request.method === "HEAD")) {
          response.writeHead(200, { "content-type": "text/plain" });
          if (request.method === "GET") response.end("ok\n");
          else response.end();
          return;
        }
        response.writeHead(404, { "content-type": "text/plain" });
        response.end("not found\n");
      },
    });
    const server = await listenPlaintext({ host: options.host, port: options.port, handler });
    const host = server.host.includes(":") ? `[${server.host}]` : server.host;
    const store = blobStore;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${server.port}`,
      close() {
        closing ??= (async () => {
          await server.close();
          await store.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await blobStore?.close();
    await database.close();
    throw error;
  }
}
