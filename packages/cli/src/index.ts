/**
 * `@aloft/cli`: the `aloft` command (flytectl for Aloft), runnable in-process.
 *
 * ```ts
 * import { main, readPackage } from "@aloft/cli";
 *
 * const exitCode = await main(["compile", "--file", "flyte-package.tgz"]);
 * const pkg = await readPackage({ path: "flyte-package.tgz" });
 * console.log(pkg.tasks.length, pkg.workflows.length, pkg.launchPlans.length);
 * ```
 */
export { main } from "./main.js";
export type { MainOptions } from "./main.js";
export type { OutputSink } from "./output.js";
export { ExitCode } from "./cli-error.js";
export type { ExitCodeValue } from "./cli-error.js";
export { readPackage } from "./package/read-package.js";
export type { ReadPackageOptions } from "./package/read-package.js";
export type {
  FlytePackage,
  PackageEntity,
  PackageEntityKind,
  PackageLaunchPlan,
  PackageTask,
  PackageWorkflow,
} from "./package/package-entity.js";
export { compilePackage } from "./compile/compile-package.js";
export type { CompilePackageOptions, EntityResult, PackageCompileReport } from "./compile/compile-package.js";
export type { PackageCompiler } from "./compile/package-compiler.js";
export { followExecution } from "./watch/follow-execution.js";
export type { FollowExecutionOptions } from "./watch/follow-execution.js";
export { watchExecution } from "./watch/watch-execution.js";
export type { WatchExecutionOptions } from "./watch/watch-execution.js";
export { AUTH_TYPES, emptyClientConfig, parseClientConfig } from "./client/client-config.js";
export type { AdminSection, AuthType, ClientConfig, FilesSection } from "./client/client-config.js";
export { defaultClientConfigPath, loadClientConfig } from "./client/load-client-config.js";
export type { ClientConfigLocation, LoadedClientConfig } from "./client/load-client-config.js";
export { parseAdminEndpoint } from "./client/admin-endpoint.js";
export type { AdminEndpoint } from "./client/admin-endpoint.js";
export { addClientOptions, DEFAULT_ADMIN_ENDPOINT, resolveClientSettings } from "./client/client-settings.js";
export type { AdminConnectionSettings, ClientFlags, ClientSettings } from "./client/client-settings.js";
export { createAdminClients } from "./client/admin-clients.js";
export type { AdminClients } from "./client/admin-clients.js";
export { AdminUnreachableError, describeConnectionError } from "./client/connection-errors.js";
export { flytectlConfigValues, renderFlytectlConfig } from "./client/flytectl-config-file.js";
export type { ConfigInitInput, FlytectlConfigValues } from "./client/flytectl-config-file.js";
export { collectRegisterFiles, isCodeArchiveName } from "./register/collect-register-files.js";
export type { CollectRegisterFilesOptions, RegisterFile, RegisterInputs } from "./register/collect-register-files.js";
export { expandGlob, hasGlobMagic } from "./register/expand-glob.js";
export { argListsOf, identifiersOf } from "./register/entity-parts.js";
export {
  DEST_DIR,
  hydrateEntity,
  needsRegistrationVersion,
  REGISTRATION_DOMAIN,
  REGISTRATION_PROJECT,
  REGISTRATION_VERSION,
  REMOTE_PACKAGE_PATH,
  takesRegistrationVersion,
  usesCodeArchive,
} from "./register/hydrate-entity.js";
export type { HydrationSettings } from "./register/hydrate-entity.js";
export {
  inputsOfRegisteredWorkflow,
  inputsOfWorkflowSpec,
  isScheduled,
  scheduledLaunchPlanProblem,
} from "./register/scheduled-launch-plan.js";
export { uploadCodeArchive } from "./register/upload-code-archive.js";
export type { UploadCodeArchiveOptions } from "./register/upload-code-archive.js";
export { registerEntities } from "./register/register-entities.js";
export type {
  RegisterEntitiesOptions,
  RegisterItem,
  RegisterOutcome,
  RegisterResult,
} from "./register/register-entities.js";
export { formatRegisterData, formatRegisterTable } from "./register/format-register-results.js";
export type { RegisterOutputFormat, RegisterReport } from "./register/format-register-results.js";
export { runRegisterFiles } from "./register/run-register-files.js";
export type { RegisterFilesFlags } from "./register/run-register-files.js";
