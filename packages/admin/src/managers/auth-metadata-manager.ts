/**
 * AuthMetadataService with authentication off. flyteadmin registers this service on its gRPC server only when
 * `server.security.useAuth` is on; otherwise every call (and its REST route, which the gateway forwards to gRPC)
 * fails with grpc-go's UNIMPLEMENTED "unknown service …". flytectl and flytekit read exactly that as "this admin
 * needs no authentication", so it is reproduced here rather than answered with made-up metadata.
 */
import { AloftError, Code } from "@aloft/idl";
import type { AuthMetadataManager } from "./interfaces.js";

const SERVICE = "flyteidl.service.AuthMetadataService";

/** The error every RPC of a service that is not registered gets (grpc-go's wording). */
export function unknownServiceError(service: string): AloftError {
  return new AloftError(Code.Unimplemented, `unknown service ${service}`);
}

/**
 * The {@link AuthMetadataManager} of an admin without authentication.
 * @throws AloftError Unimplemented "unknown service flyteidl.service.AuthMetadataService" from every method.
 */
export function createAuthMetadataManager(): AuthMetadataManager {
  return {
    async getOAuth2Metadata() {
      throw unknownServiceError(SERVICE);
    },
    async getPublicClientConfig() {
      throw unknownServiceError(SERVICE);
    },
  };
}
