/**
 * `pyflyte run --remote`'s serialization step for TypeScript: the entity to run and everything it uses are packaged
 * exactly as `aloft package` packages them (same serializer, same code bundle, same content-hash version), into a
 * temporary folder that is read back in memory and removed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedModules } from "@aloft/sdk/internal";
import { CliError } from "../cli-error.js";
import { collectRegisterFiles, type RegisterInputs } from "../register/collect-register-files.js";

/** Options of {@link packageForRun}. */
export interface PackageForRunOptions {
  /** What `loadModules` found for the file. */
  loaded: LoadedModules;
  /** The entity to run: only it and what it uses (default launch plans included) are packaged. */
  entity: LoadedModules["entities"][number];
  cwd: string;
  project: string;
  domain: string;
  /** The version of every id. @default the content hash of the code and settings */
  version?: string;
}

/** A package ready for registration. */
export interface PackagedRun {
  /** The `.pb` files in registration order and the code archive, in memory. */
  inputs: RegisterInputs;
  /** The version every id carries. */
  version: string;
  /** How many tasks, workflows and launch plans it holds. */
  entityCount: number;
}

/**
 * Packages `entity` for registration under `project`/`domain`.
 *
 * @throws CliError (failure) listing the problems when something does not compile; AloftError from the SDK when
 *   the code cannot be bundled.
 */
export async function packageForRun(options: PackageForRunOptions): Promise<PackagedRun> {
  const { writePackage } = await import("@aloft/sdk/internal");
  const work = await mkdtemp(join(tmpdir(), "aloft-run-remote-"));
  try {
    const output = join(work, "flyte-package.tgz");
    const result = await writePackage({
      loaded: { ...options.loaded, entities: [options.entity] },
      output,
      cwd: options.cwd,
      project: options.project,
      domain: options.domain,
      ...(options.version === undefined ? {} : { version: options.version }),
    });
    if (!result.ok) {
      const n = result.errors.length;
      throw CliError.failure(`nothing was registered: ${n} problem${n === 1 ? "" : "s"} found while compiling`, {
        hint: result.errors.join("; "),
      });
    }
    const inputs = await collectRegisterFiles({ args: [output], archive: true, cwd: options.cwd });
    return { inputs, version: result.version, entityCount: result.entries.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
