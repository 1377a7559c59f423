/**
 * IdentityService with authentication off: as flyteadmin, which registers it only with `useAuth`, `UserInfo`
 * (REST `GET /me`) fails with UNIMPLEMENTED "unknown service flyteidl.service.IdentityService".
 */
import { unknownServiceError } from "./auth-metadata-manager.js";
import type { IdentityManager } from "./interfaces.js";

/**
 * The {@link IdentityManager} of an admin without authentication.
 * @throws AloftError Unimplemented "unknown service flyteidl.service.IdentityService".
 */
export function createIdentityManager(): IdentityManager {
  return {
    async userInfo() {
      throw unknownServiceError("flyteidl.service.IdentityService");
    },
  };
}
