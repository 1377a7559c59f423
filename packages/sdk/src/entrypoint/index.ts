/**
 * The task container's side of the SDK: `aloft-execute` and `aloft-fast-execute` as functions (the
 * bins in `bin/` call them), pyflyte-execute's and pyflyte-fast-execute's counterparts.
 *
 * ```ts
 * import { executeTaskEntrypoint } from "./entrypoint/index.js";
 *
 * const { exitCode, wrote } = await executeTaskEntrypoint(
 *   ["--inputs", "s3://bucket/n0/inputs.pb", "--output-prefix", "s3://bucket/n0/0", "--resolver", "aloft",
 *    "--", "module", "examples/hello", "task", "examples.hello.sayHello"],
 *   process.env,
 *   { codeDir: "/root" },
 * );
 * ```
 */
export { executeTaskEntrypoint } from "./execute-task-entrypoint.js";
export type { ExecuteTaskEntrypointOptions, ExecuteTaskEntrypointResult } from "./execute-task-entrypoint.js";
export { fastExecuteEntrypoint } from "./fast-execute-entrypoint.js";
export type { FastExecuteEntrypointOptions } from "./fast-execute-entrypoint.js";
export { parseExecuteArgs, parseTaskLocator } from "./parse-execute-args.js";
export type { ExecuteArgs, TaskLocator } from "./parse-execute-args.js";
export { parseFastExecuteArgs } from "./parse-fast-execute-args.js";
export type { FastExecuteArgs } from "./parse-fast-execute-args.js";
export { loadTask } from "./load-task.js";
export type { LoadedTask, LoadTaskOptions } from "./load-task.js";
export { arrayElementInputs, arrayJobIndex } from "./array-element.js";
export { blobStoreFromEnv, toBlobUri } from "./blob-store-from-env.js";
export { containerErrorFor, errorMessage, SYSTEM_ERROR_CODE } from "./container-error-document.js";
export type { FailureScope } from "./container-error-document.js";
export { installCodeArchive, INSTALLED_ARCHIVE_MARKER } from "./install-code-archive.js";
export type { InstallCodeArchiveOptions } from "./install-code-archive.js";
export { linkSdkPackages, RUNTIME_PACKAGES } from "./link-sdk-packages.js";
export { taskContextFromEnv } from "./task-context-from-env.js";
export type { TaskContextFromEnvOptions } from "./task-context-from-env.js";
export { hydrateFastRegistration } from "./hydrate-fast-registration.js";
