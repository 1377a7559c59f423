import { AloftError, Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { GetVersionRequestSchema } from "@aloft/idl/gen/flyteidl/admin/version_pb";
import {
  OAuth2MetadataRequestSchema,
  PublicClientAuthConfigRequestSchema,
} from "@aloft/idl/gen/flyteidl/service/auth_pb";
import { UserInfoRequestSchema } from "@aloft/idl/gen/flyteidl/service/identity_pb";
import { describe, expect, it } from "vitest";
import { createAuthMetadataManager } from "./auth-metadata-manager.js";
import { createIdentityManager } from "./identity-manager.js";
import { testContext as ctx } from "./registration-harness.test-helper.js";
import { createVersionManager } from "./version-manager.js";

async function rejection(promise: Promise<unknown>): Promise<AloftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AloftError)) throw new Error("expected an AloftError");
  return error;
}

describe("VersionManager", () => {
  it("answers with the running build as control_plane_version", async () => {
    const manager = createVersionManager({ version: "0.1.0", build: "abc123", buildTime: "2026-01-01" });
    const response = await manager.getVersion(create(GetVersionRequestSchema), ctx);
    expect(response.controlPlaneVersion).toMatchObject({ Version: "0.1.0", Build: "abc123", BuildTime: "2026-01-01" });
    const bare = await createVersionManager({ version: "0.1.0" }).getVersion(create(GetVersionRequestSchema), ctx);
    expect(bare.controlPlaneVersion).toMatchObject({ Version: "0.1.0", Build: "", BuildTime: "" });
  });
});

describe("auth services with authentication off", () => {
  it("answer UNIMPLEMENTED 'unknown service', as flyteadmin's unregistered services do", async () => {
    const auth = createAuthMetadataManager();
    for (const call of [
      auth.getOAuth2Metadata(create(OAuth2MetadataRequestSchema), ctx),
      auth.getPublicClientConfig(create(PublicClientAuthConfigRequestSchema), ctx),
    ]) {
      const error = await rejection(call);
      expect([error.code, error.rawMessage]).toEqual([
        Code.Unimplemented,
        "unknown service flyteidl.service.AuthMetadataService",
      ]);
    }
    const identity = await rejection(createIdentityManager().userInfo(create(UserInfoRequestSchema), ctx));
    expect([identity.code, identity.rawMessage]).toEqual([
      Code.Unimplemented,
      "unknown service flyteidl.service.IdentityService",
    ]);
  });
});
