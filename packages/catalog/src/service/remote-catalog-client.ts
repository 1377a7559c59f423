/** A {@link CatalogClient} for a DataCatalog served elsewhere (Aloft's `catalogRoutes` or Flyte's datacatalog). */
import { AloftError, type Code } from "@aloft/idl";
import { DataCatalog } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { CatalogClient, CatalogMethodName } from "./catalog-client.js";

/** A {@link CatalogClient} that holds an HTTP/2 connection. */
export interface RemoteCatalogClient extends CatalogClient {
  /** Closes the connection; later calls open a new one. */
  close(): void;
}

/**
 * A gRPC client of the DataCatalog at `baseUrl` (`http://host:port` for h2c, `https://…` for TLS). Failures are
 * thrown as `AloftError`s with the server's code and message, so callers handle a remote catalog exactly like the
 * in-process one.
 */
export function createRemoteCatalogClient(baseUrl: string): RemoteCatalogClient {
  const sessionManager = new Http2SessionManager(baseUrl);
  const client = createClient(DataCatalog, createGrpcTransport({ baseUrl, sessionManager }));
  const remote = {} as Record<CatalogMethodName, (request: unknown) => Promise<unknown>>;
  for (const name of Object.keys(DataCatalog.method) as CatalogMethodName[]) {
    const method = client[name] as (request: unknown) => Promise<unknown>;
    remote[name] = async (request) => {
      try {
        return await method(request);
      } catch (error) {
        throw toAloftError(error);
      }
    };
  }
  return { ...(remote as unknown as CatalogClient), close: () => sessionManager.abort() };
}

function toAloftError(error: unknown): AloftError {
  if (error instanceof ConnectError) {
    return new AloftError(error.code as number as Code, error.rawMessage, { cause: error });
  }
  return AloftError.from(error);
}
