/** The flyteidl services admin serves, each with its implementation over the managers. */
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { AuthMetadataService } from "@aloft/idl/gen/flyteidl/service/auth_pb";
import { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import { IdentityService } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import type { DescService } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminManagers } from "../managers/interfaces.js";
import { createAdminServiceImpl } from "./admin-service.js";
import { createAuthMetadataServiceImpl } from "./auth-metadata-service.js";
import { createDataProxyServiceImpl } from "./data-proxy-service.js";
import { createIdentityServiceImpl } from "./identity-service.js";
import { createSignalServiceImpl } from "./signal-service.js";

/** A service descriptor with its (possibly partial) implementation. */
export interface ServiceRegistration {
  service: DescService;
  /** Method implementations by local name (`createTask`); missing ones answer UNIMPLEMENTED. */
  impl: Partial<ServiceImpl<DescService>>;
}

/** A registration of `service` with its typed implementation (`impl` is checked against the service's methods). */
export function serviceRegistration<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
): ServiceRegistration {
  return { service, impl: impl as Partial<ServiceImpl<DescService>> };
}

/**
 * AdminService, AuthMetadataService, IdentityService, DataProxyService and SignalService (the order in which
 * flyteadmin registers their gateway handlers), implemented over `managers`.
 */
export function createFlyteServices(managers: Partial<AdminManagers>): ServiceRegistration[] {
  return [
    { service: AdminService, impl: createAdminServiceImpl(managers) },
    { service: AuthMetadataService, impl: createAuthMetadataServiceImpl(managers.authMetadata) },
    { service: IdentityService, impl: createIdentityServiceImpl(managers.identity) },
    { service: DataProxyService, impl: createDataProxyServiceImpl(managers.dataProxy) },
    { service: SignalService, impl: createSignalServiceImpl(managers.signals) },
  ];
}
