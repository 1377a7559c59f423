import type { Command } from "commander";
import type { ExitCodeValue } from "./cli-error.js";
import type { OutputSink } from "./output.js";

/** What every command gets from `main`: where to write and the process environment. */
export interface CliContext {
  /** Where the command prints; never write to `console` or `process.stdout` directly. */
  readonly output: OutputSink;
  /** Environment variables (`process.env` in a real run). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Sets the exit code for a command that finished without throwing but must still report failure
   * (`aloft compile` with an entity that does not compile). Throw a `CliError` to stop with a message.
   */
  setExitCode(code: ExitCodeValue): void;
}

/**
 * One top-level `aloft` command. Each lives in its own file under `src/commands/` and exports it as
 * `command`; `main` finds the files there, so adding a command touches no other file.
 */
export interface CliCommand {
  /**
   * Adds the command to `program`, normally `program.command("<name>")` followed by its description,
   * options, sub-commands and action. Using `program.command` (not `addCommand`) matters: it copies the
   * error and output handling that turns every problem into one `aloft: …` line.
   */
  register(program: Command, context: CliContext): void;
}
