/**
 * `flyteidl.service.IdentityService` as a thin handler. flyteadmin registers it only with authentication on, so
 * without a manager `UserInfo` answers UNIMPLEMENTED, as there.
 */
import type { IdentityService } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import type { ServiceImpl } from "@connectrpc/connect";
import type { IdentityManager } from "../managers/interfaces.js";
import { managerContext as ctx } from "./manager-context.js";

/** The IdentityService implementation, or nothing without a manager. */
export function createIdentityServiceImpl(
  identity: IdentityManager | undefined,
): Partial<ServiceImpl<typeof IdentityService>> {
  if (identity === undefined) return {};
  return { userInfo: (req, c) => identity.userInfo(req, ctx(c)) };
}
