/**
 * Registration for `aloft run --remote`, the way `aloft register files` registers a package: the code archive goes
 * up through admin's data proxy, every entity is hydrated with it and created in order, and entities that already
 * exist (the same code registered before: same content-hash version) count as registered.
 */
import { CliError } from "../cli-error.js";
import type { AdminClients } from "../client/admin-clients.js";
import { decodePackageFile } from "../package/decode-package-file.js";
import { registerEntities, type RegisterItem } from "../register/register-entities.js";
import { uploadCodeArchive } from "../register/upload-code-archive.js";
import type { PackagedRun } from "./package-for-run.js";

/** Options of {@link registerForRun}. */
export interface RegisterForRunOptions {
  clients: AdminClients;
  packaged: PackagedRun;
  project: string;
  domain: string;
}

/** What was registered. */
export interface RegisteredRun {
  /** Entities created now. */
  created: number;
  /** Entities admin already had. */
  existing: number;
}

/**
 * Uploads and registers the package.
 *
 * @throws CliError (failure) naming the first entity admin refused, or the failed upload; AdminUnreachableError
 *   when admin cannot be reached.
 */
export async function registerForRun(options: RegisterForRunOptions): Promise<RegisteredRun> {
  const { clients, packaged, project, domain } = options;
  const codeArchive = packaged.inputs.codeArchive;
  const remotePackagePath =
    codeArchive === undefined
      ? undefined
      : await uploadCodeArchive({ dataProxy: clients.dataProxy, project, domain, archive: codeArchive });
  const items: RegisterItem[] = packaged.inputs.protobufs.map((file) => ({
    file: file.name,
    entity: decodePackageFile({ file: file.name, bytes: file.bytes, where: file.name }),
  }));
  const outcome = await registerEntities({
    items,
    hydration: {
      project,
      domain,
      version: packaged.version,
      force: false,
      remotePackagePath,
      destinationDirectory: ".",
    },
    admin: clients.admin,
    continueOnError: false,
    enableSchedule: false,
  });
  const failed = outcome.results.find((result) => result.status === "Failed");
  if (failed !== undefined) {
    throw CliError.failure(
      `registering ${failed.file} failed: ${failed.info.replace(/^Error registering file due to /, "")}`,
    );
  }
  const existing = outcome.results.filter((result) => result.info === "AlreadyExists").length;
  return { created: outcome.results.length - existing, existing };
}
