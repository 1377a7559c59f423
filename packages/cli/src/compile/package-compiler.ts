import type {
  compileTask,
  compileWorkflow,
  formatCompileError,
  getRequirements,
  validateLaunchPlanInputs,
} from "@aloft/compiler";

export type { CompileError, CompileResult, LaunchPlanInterface } from "@aloft/compiler";

/**
 * The compiler functions `compilePackage` uses, with `@aloft/compiler`'s signatures: the real ones
 * in `aloft compile`, fakes in tests of the orchestration.
 */
export interface PackageCompiler {
  compileTask: typeof compileTask;
  compileWorkflow: typeof compileWorkflow;
  getRequirements: typeof getRequirements;
  validateLaunchPlanInputs: typeof validateLaunchPlanInputs;
  formatCompileError: typeof formatCompileError;
}

/**
 * `@aloft/compiler`, loaded on first use so that commands which never compile (and `aloft --version`)
 * do not pay for loading it.
 */
export async function loadPackageCompiler(): Promise<PackageCompiler> {
  const { compileTask, compileWorkflow, getRequirements, validateLaunchPlanInputs, formatCompileError } =
    await import("@aloft/compiler");
  return { compileTask, compileWorkflow, getRequirements, validateLaunchPlanInputs, formatCompileError };
}
