/**
 * `flyteidl.service.AuthMetadataService` as thin handlers. flyteadmin registers it only with authentication on,
 * so without a manager (auth is a later issue) its RPCs answer UNIMPLEMENTED, as there.
 */
import type { AuthMetadataService } from "@aloft/idl/gen/flyteidl/service/auth_pb";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AuthMetadataManager } from "../managers/interfaces.js";
import { managerContext as ctx } from "./manager-context.js";

/** The AuthMetadataService implementation, or nothing without a manager. */
export function createAuthMetadataServiceImpl(
  authMetadata: AuthMetadataManager | undefined,
): Partial<ServiceImpl<typeof AuthMetadataService>> {
  if (authMetadata === undefined) return {};
  return {
    getOAuth2Metadata: (req, c) => authMetadata.getOAuth2Metadata(req, ctx(c)),
    getPublicClientConfig: (req, c) => authMetadata.getPublicClientConfig(req, ctx(c)),
  };
}
