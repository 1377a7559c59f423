import type { AloftError } from "@aloft/idl";

/** The exit codes of `aloft`: 0 success, 1 a failure (or a failed result), 2 a usage error. */
export const ExitCode = {
  /** Everything worked. */
  Ok: 0,
  /** The command ran and failed, or found failures (for example an entity that does not compile). */
  Failure: 1,
  /** The command line itself is wrong: unknown command or flag, missing or invalid value. */
  Usage: 2,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options for {@link CliError}. */
export interface CliErrorOptions {
  /** A second line telling the user what to do next, printed as `hint: …`. */
  hint?: string;
  /** The underlying error, shown only with `ALOFT_DEBUG=1`. */
  cause?: unknown;
}

/**
 * An error a command raises to stop with one readable line (`aloft: <message>`), an optional hint
 * and an exit code. Errors from other packages need not be wrapped: any `AloftError` prints its
 * message the same way (see {@link errorToLines}).
 */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(exitCode: ExitCodeValue, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = exitCode;
    this.hint = options.hint;
  }

  /** The command line is wrong (exit code 2). */
  static usage(message: string, options?: CliErrorOptions): CliError {
    return new CliError(ExitCode.Usage, message, options);
  }

  /** The command could not do its job (exit code 1). */
  static failure(message: string, options?: CliErrorOptions): CliError {
    return new CliError(ExitCode.Failure, message, options);
  }
}

/** What to print for an error, and the exit code it means. */
export interface ErrorReport {
  /** `aloft: <message>`, then `hint: …` when there is one; with `debug`, the stack follows. */
  lines: string[];
  exitCode: ExitCodeValue;
}

/**
 * Turns anything thrown into the lines `aloft` prints. The message is kept to its first line so a
 * multi-line message from a dependency still prints as one line; the stack (and any `cause` chain)
 * appears only with `debug`.
 */
export function errorToLines(error: unknown, options: { debug: boolean }): ErrorReport {
  const message = firstLine(messageOf(error));
  const lines = [`aloft: ${message}`];
  const hint = error instanceof CliError ? error.hint : undefined;
  if (hint !== undefined) lines.push(`hint: ${hint}`);
  if (options.debug) lines.push(...debugLines(error));
  const exitCode = error instanceof CliError ? error.exitCode : ExitCode.Failure;
  return { lines, exitCode };
}

function messageOf(error: unknown): string {
  if (isAloftError(error)) return error.rawMessage;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  return line === "" ? "unexpected error" : line;
}

function debugLines(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
    lines.push(...(depth === 0 ? [] : ["caused by:"]), ...text.split("\n"));
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}

// Recognised by shape rather than `instanceof` so that loading `main` (and so `aloft --help`) does not
// load @aloft/idl, whose index pulls in the generated protobuf code (about 0.3 s).
function isAloftError(error: unknown): error is AloftError {
  return (
    error instanceof Error &&
    error.name === "AloftError" &&
    typeof (error as Partial<AloftError>).rawMessage === "string"
  );
}
