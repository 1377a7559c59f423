import type { CliContext } from "../cli-command.js";
import { CliError, ExitCode } from "../cli-error.js";
import { printLines } from "../output.js";
import { readPackage } from "../package/read-package.js";
import { compilePackage } from "./compile-package.js";
import { compileReportToJson, formatCompileReport } from "./format-compile-report.js";
import { loadPackageCompiler } from "./package-compiler.js";

/** How `aloft compile` prints its report. */
export type OutputFormat = "table" | "json";

/** Options for {@link runCompile}. */
export interface RunCompileOptions {
  /** The package, as the user gave it (relative paths resolve against `context.cwd`). */
  path: string;
  format: OutputFormat;
  context: CliContext;
}

/**
 * The body of `aloft compile`: reads the package, compiles it, prints the report and resolves to the
 * exit code (1 when any entity failed).
 *
 * @throws AloftError from `readPackage` for a bad package; CliError when the compiler cannot load.
 */
export async function runCompile(input: RunCompileOptions): Promise<0 | 1> {
  const { path, context } = input;
  // Read the package before loading the compiler: a bad file should be reported as fast as possible.
  const pkg = await readPackage({ path, cwd: context.cwd });
  const compiler = await loadPackageCompiler().catch((error: unknown) => {
    throw CliError.failure("the compiler (@aloft/compiler) could not be loaded", {
      hint: "rebuild the workspace with `npm run build`",
      cause: error,
    });
  });
  const report = compilePackage({ pkg, compiler });
  if (input.format === "json") {
    context.output.stdout(JSON.stringify(compileReportToJson(report, path), null, 2) + "\n");
  } else {
    printLines(context.output, formatCompileReport(report, { formatError: compiler.formatCompileError }));
  }
  return report.failed > 0 ? ExitCode.Failure : ExitCode.Ok;
}
