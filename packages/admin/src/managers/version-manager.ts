/**
 * `GetVersion` (flyteadmin `version_manager.go`): the build that is running.
 */
import { create } from "@bufbuild/protobuf";
import { GetVersionResponseSchema } from "@aloft/idl/gen/flyteidl/admin/version_pb";
import type { VersionManager } from "./interfaces.js";

/** The running build, as flyteadmin's build flags (`Version`, `Build`, `BuildTime`). */
export interface VersionInfo {
  /** e.g. `0.1.0`. */
  version: string;
  /** A commit or build id; "" when unknown. @default "" */
  build?: string;
  /** When the build was made; "" when unknown. @default "" */
  buildTime?: string;
}

/** The {@link VersionManager} answering with `info` as `control_plane_version`. */
export function createVersionManager(info: VersionInfo): VersionManager {
  const response = create(GetVersionResponseSchema, {
    controlPlaneVersion: { Version: info.version, Build: info.build ?? "", BuildTime: info.buildTime ?? "" },
  });
  return {
    async getVersion() {
      return response;
    },
  };
}
