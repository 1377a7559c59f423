import { CommanderError } from "commander";
import type { CliContext } from "./cli-command.js";
import { ExitCode, errorToLines, type ExitCodeValue } from "./cli-error.js";
import { commanderStopCodes, createProgram } from "./create-program.js";
import { loadCommands } from "./load-commands.js";
import { createProcessOutput, type OutputSink } from "./output.js";
import { readCliVersion } from "./read-cli-version.js";

/** Options for {@link main}; a real run passes none. */
export interface MainOptions {
  /** Where to print. @default process.stdout and process.stderr */
  output?: OutputSink;
  /** Environment variables (`ALOFT_DEBUG=1` prints stack traces). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. @default process.cwd() */
  cwd?: string;
}

/**
 * Runs the `aloft` command with `argv` (the arguments after node and the script) and resolves to the
 * exit code: 0 success, 1 failure, 2 usage error. It never throws and never exits the process; every
 * error becomes one `aloft: <message>` line on stderr, optionally followed by a `hint:` line.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["compile", "--file", "flyte-package.tgz"]);
 * ```
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const output = options.output ?? createProcessOutput();
  const env = options.env ?? process.env;
  let exitCode: ExitCodeValue = ExitCode.Ok;
  const context: CliContext = {
    output,
    env,
    cwd: options.cwd ?? process.cwd(),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    const program = createProgram({ context, commands: await loadCommands(), version: readCliVersion() });
    if (argv.length === 0) {
      // Like flytectl (cobra): a bare `aloft` is a request for help, not a mistake.
      program.outputHelp();
      return ExitCode.Ok;
    }
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError && commanderStopCodes.has(error.code)) {
      // A non-zero code means help went to stderr because a command group was called without a sub-command.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const report = errorToLines(error, { debug: isDebug(env) });
    try {
      output.stderr(report.lines.join("\n") + "\n");
    } catch {
      // Nothing sensible is left to do when stderr itself fails.
    }
    return report.exitCode;
  }
}

function isDebug(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.ALOFT_DEBUG;
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
