/** Serving a {@link CatalogClient} as `datacatalog.DataCatalog` over gRPC, gRPC-Web and Connect. */
import { AloftError } from "@aloft/idl";
import { DataCatalog } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { Code as ConnectCode, ConnectError, type ConnectRouter, type ServiceImpl } from "@connectrpc/connect";
import type { CatalogClient, CatalogMethodName } from "./catalog-client.js";

/**
 * Registers the DataCatalog service on a connect router: `connectNodeAdapter({ routes: catalogRoutes(service) })`,
 * or alongside other services. `AloftError`s reach clients with their code and message; anything else becomes
 * INTERNAL without its message (the cause stays on the error).
 */
export function catalogRoutes(service: CatalogClient): (router: ConnectRouter) => void {
  const impl = {} as Record<CatalogMethodName, (request: never) => Promise<unknown>>;
  for (const name of Object.keys(DataCatalog.method) as CatalogMethodName[]) {
    const method = service[name] as (request: unknown) => Promise<unknown>;
    impl[name] = async (request) => {
      try {
        return await method(request);
      } catch (error) {
        throw toConnectError(error);
      }
    };
  }
  return (router) => {
    router.service(DataCatalog, impl as unknown as ServiceImpl<typeof DataCatalog>);
  };
}

function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof AloftError) {
    // Aloft's codes are gRPC's, as are Connect's.
    return new ConnectError(error.rawMessage, error.code as number as ConnectCode, undefined, undefined, error);
  }
  return new ConnectError("internal error", ConnectCode.Internal, undefined, undefined, error);
}
