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
