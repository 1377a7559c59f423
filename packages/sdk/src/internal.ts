/**
 * `@aloft/sdk/internal`: what the `aloft` CLI and the engine need from the SDK but users should not
 * (module loading, packaging, the task entrypoint). Not a stable API.
 *
 * ```ts
 * import { loadModules, writePackage } from "@aloft/sdk/internal";
 *
 * const loaded = await loadModules({ files: ["examples"] });
 * const result = await writePackage({ loaded, output: "flyte-package.tgz", project: "flytesnacks", domain: "development" });
 * if (result.ok) for (const entry of result.entries) console.log(entry.kind, entry.name, entry.file);
 * else console.error(result.errors.join("\n"));
 * ```
 * @internal
 */

// --- Runtime (D1): module loading, bundling, packaging, the task entrypoint ---
export { findSourceFiles, MODULE_EXTENSIONS } from "./package/find-source-files.js";
export type { FindSourceFilesOptions } from "./package/find-source-files.js";
export { loadModules } from "./package/load-modules.js";
export type { LoadedModule, LoadedModules, LoadModulesOptions } from "./package/load-modules.js";
export { findPackageRoot, modulePathOf, projectRootOf } from "./package/module-path.js";
export { bundleModules } from "./package/bundle.js";
export type { BundleModulesOptions, CodeBundle } from "./package/bundle.js";
export { BUNDLE_MANIFEST_FILE, readBundleManifest } from "./package/bundle-manifest.js";
export type { BundleManifest } from "./package/bundle-manifest.js";
export {
  codeArchiveName,
  createCodeArchive,
  extractCodeArchive,
  FAST_ARCHIVE_PREFIX,
  FAST_ARCHIVE_SUFFIX,
} from "./package/code-archive.js";
export type { CreateCodeArchiveOptions } from "./package/code-archive.js";
export { contentDigest } from "./package/content-digest.js";
export { computeVersion } from "./package/compute-version.js";
export type { ComputeVersionOptions } from "./package/compute-version.js";
export { DEFAULT_TASK_IMAGE } from "./package/default-task-image.js";
export { indexWidth, packageFileName, registrationOrder } from "./package/registration-order.js";
export { reachableEntities } from "./package/reachable-entities.js";
export { taskImages } from "./package/task-images.js";
export { writePackage } from "./package/write-package.js";
export type { PackageEntry, WritePackageOptions, WritePackageResult } from "./package/write-package.js";
export {
  blobStoreFromEnv,
  executeTaskEntrypoint,
  fastExecuteEntrypoint,
  loadTask,
  parseExecuteArgs,
  parseFastExecuteArgs,
  parseTaskLocator,
  toBlobUri,
} from "./entrypoint/index.js";
export type {
  ExecuteArgs,
  ExecuteTaskEntrypointOptions,
  ExecuteTaskEntrypointResult,
  FastExecuteArgs,
  FastExecuteEntrypointOptions,
  LoadedTask,
  LoadTaskOptions,
  TaskLocator,
} from "./entrypoint/index.js";
// --- end of the runtime block ---

// --- Local runs (D2): what `aloft run` needs besides `run()` ---
export { executeRun } from "./run/execute-run.js";
export type { RunOutcome, RunTimings } from "./run/execute-run.js";
export type { RunHooks, TaskMock } from "./run/create-sdk-task-runner.js";
export { describeRunInterface } from "./run/describe-run-inputs.js";
export { describeEntity } from "./run/describe-entity.js";
export type { RunInputDescription, RunInterfaceDescription } from "./run/describe-run-inputs.js";
export { formatRunEvent } from "./run/format-run-event.js";
export { formatRunOutputs, formatRunValue, runValueToJson } from "./run/format-run-value.js";
export type { FormatRunOutputsOptions } from "./run/format-run-value.js";
export { nameLocalEntities } from "./run/name-local-entities.js";
export { LOCAL_DOMAIN, LOCAL_PROJECT, LOCAL_VERSION, localRunSettings } from "./run/local-run-settings.js";
export { compileRunOptions, LOCAL_CACHE_DIR_ENV_VAR } from "./run/run-options.js";
export type { CompiledRunOptions } from "./run/run-options.js";
// --- end of the local-runs block ---
