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
export { startPlatform } from "./platform/start-platform.js";
export type { Platform, StartPlatformOptions } from "./platform/start-platform.js";
export { createInProcessControlPlane } from "./platform/in-process-control-plane.js";
export { createRemoteControlPlane } from "./platform/remote-control-plane.js";
export type { RemoteControlPlane } from "./platform/remote-control-plane.js";
export { toAdminFilter } from "./resources/field-selector.js";
export { addFilterOptions, DEFAULT_LIMIT } from "./resources/filter-options.js";
export type { FilterFlags } from "./resources/filter-options.js";
export { joinFilters, listRequestParts } from "./resources/list-filters.js";
export type { ListRequestParts } from "./resources/list-filters.js";
export { addOutputOption, parseOutputFormat } from "./resources/output-format.js";
export type { OutputFormat } from "./resources/output-format.js";
export { diffAsYaml } from "./resources/yaml-diff.js";
export { defaultValueForType, literalMapToPlain, literalToPlain } from "./resources/literal-values.js";
export { launchPlanExecutionSpec, taskExecutionSpec } from "./resources/execution-spec-skeleton.js";
export { readExecutionSpec } from "./resources/execution-spec.js";
export type { ExecutionSpec } from "./resources/execution-spec.js";
export { inputLiterals } from "./resources/input-literals.js";
export { ATTRIBUTE_KINDS } from "./resources/attributes/attribute-kinds.js";
export type { AttributeKind } from "./resources/attributes/attribute-kinds.js";
export { attributeMessage } from "./resources/attributes/attribute-messages.js";
export type { AttributeMessage } from "./resources/attributes/attribute-messages.js";
export { attributeFileText, readAttributeFile } from "./resources/attributes/attribute-file.js";
export type { AttributeFile, AttributeScope } from "./resources/attributes/attribute-file.js";
export { fetchExecutionDetails, executionDetailsData, executionDetailsTree } from "./resources/execution-details.js";
export type { NodeDetails } from "./resources/execution-details.js";
export { getProjects, createProject, updateProject } from "./resources/projects.js";
export type { ProjectFlags } from "./resources/projects.js";
export { getTasks } from "./resources/tasks.js";
export type { GetTasksFlags } from "./resources/tasks.js";
export { getWorkflows } from "./resources/workflows.js";
export type { GetWorkflowsFlags } from "./resources/workflows.js";
export { getLaunchPlans } from "./resources/launch-plans.js";
export type { GetLaunchPlansFlags } from "./resources/launch-plans.js";
export { getExecutions } from "./resources/executions.js";
export type { GetExecutionsFlags } from "./resources/executions.js";
export { getNodeExecutions } from "./resources/node-executions.js";
export type { GetNodeExecutionsFlags } from "./resources/node-executions.js";
export { createExecution } from "./resources/create-execution.js";
export type { CreateExecutionFlags } from "./resources/create-execution.js";
export { updateLaunchPlan } from "./resources/update-launch-plan.js";
export type { UpdateLaunchPlanFlags } from "./resources/update-launch-plan.js";
export { updateNamedEntity } from "./resources/update-named-entity.js";
export type { UpdateNamedEntityFlags } from "./resources/update-named-entity.js";
export { updateExecution } from "./resources/update-execution.js";
export type { UpdateExecutionFlags } from "./resources/update-execution.js";
export { getAttributes } from "./resources/attributes/get-attributes.js";
export type { GetAttributesFlags } from "./resources/attributes/get-attributes.js";
export { updateAttributes } from "./resources/attributes/update-attributes.js";
export type { UpdateAttributesFlags } from "./resources/attributes/update-attributes.js";
export { deleteAttributes } from "./resources/attributes/delete-attributes.js";
export type { DeleteAttributesFlags } from "./resources/attributes/delete-attributes.js";
export { terminateExecutions } from "./resources/terminate-executions.js";
export type { TerminateExecutionsFlags } from "./resources/terminate-executions.js";
export type { SessionFlags } from "./resources/admin-session.js";
export type { UpdateFlags } from "./resources/apply-update.js";
// --- Remote runs, following, logs, signals, components served apart (cli-run-remote) ---
export { followExecutionCommand, followToEnd, waitToEnd } from "./watch/follow-execution-command.js";
export type { FollowExecutionCommandOptions, FollowToEndOptions } from "./watch/follow-execution-command.js";
export { runRemote } from "./remote-run/run-remote.js";
export type { RemoteRunFlags, RunRemoteOptions } from "./remote-run/run-remote.js";
export { packageForRun } from "./remote-run/package-for-run.js";
export type { PackagedRun, PackageForRunOptions } from "./remote-run/package-for-run.js";
export { registerForRun } from "./remote-run/register-for-run.js";
export type { RegisteredRun, RegisterForRunOptions } from "./remote-run/register-for-run.js";
export { runInputLiterals } from "./remote-run/run-input-literals.js";
export type { ParsedRunInput } from "./remote-run/run-input-literals.js";
export { executionConsoleUrl } from "./remote-run/execution-console-url.js";
export { findTaskAttempt } from "./logs/find-task-attempt.js";
export type { FindTaskAttemptOptions } from "./logs/find-task-attempt.js";
export { readTaskLog } from "./logs/read-task-log.js";
export { parseSignalValue } from "./signal/parse-signal-value.js";
export { findExecutionSignal, listExecutionSignals } from "./signal/execution-signals.js";
export { startStandaloneEngine } from "./platform/start-standalone-engine.js";
export type { StandaloneEngine, StartStandaloneEngineOptions } from "./platform/start-standalone-engine.js";
export { DEFAULT_CATALOG_PORT, startCatalogServer } from "./platform/start-catalog-server.js";
export type { CatalogServer, StartCatalogServerOptions } from "./platform/start-catalog-server.js";
export { listenPlaintext } from "./platform/listen-plaintext.js";
export type { PlaintextHandler, PlaintextServer } from "./platform/listen-plaintext.js";
export { createSqliteFileQueueNotifier } from "./platform/sqlite-file-queue-notifier.js";
export type { SqliteFileQueueNotifierOptions } from "./platform/sqlite-file-queue-notifier.js";
export { openPlatformBlobStore, openPlatformDatabase } from "./platform/platform-resources.js";
