import { createInterface } from "node:readline";
import { CliError } from "../cli-error.js";
import type { OutputSink } from "../output.js";

/** Where answers come from: the process's stdin in a real run. */
export interface AnswerSource extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

/** Options for {@link confirm}. */
export interface ConfirmOptions {
  /** The question, e.g. `Continue?`; ` [y/n]: ` is added. */
  question: string;
  output: OutputSink;
  /** @default process.stdin */
  input?: AnswerSource;
  /**
   * The error to stop with when nobody can answer (stdin is not a terminal): it should say which flag
   * skips the question.
   */
  notInteractive: CliError;
}

/**
 * Asks a yes/no question on a terminal, as flytectl's `AskForConfirmation` (flytectl/pkg/commandutils): the
 * question goes to stderr, lines are read until one is y/yes or n/no (any case), and the end of input means
 * no. Without a terminal nobody can answer, so instead of waiting it throws `notInteractive`.
 */
export async function confirm(options: ConfirmOptions): Promise<boolean> {
  const input = options.input ?? process.stdin;
  if (input.isTTY !== true) throw options.notInteractive;
  options.output.stderr(`${options.question} [y/n]: `);
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) {
      const answer = line.trim().toLowerCase();
      if (answer === "y" || answer === "yes") return true;
      if (answer === "n" || answer === "no") return false;
      options.output.stderr(`${options.question} [y/n]: `);
    }
    return false;
  } finally {
    lines.close();
  }
}

/**
 * Asks before applying changes unless `force`: flytectl's `Continue?` of the update commands.
 *
 * @throws CliError (usage) when stdin is not a terminal and `force` is not set; (failure) when the answer is no.
 */
export async function confirmChanges(force: boolean, output: OutputSink, input?: AnswerSource): Promise<void> {
  if (force) return;
  const yes = await confirm({
    question: "Continue?",
    output,
    ...(input === undefined ? {} : { input }),
    notInteractive: CliError.usage("the changes need confirmation, but stdin is not a terminal", {
      hint: "pass --force to apply them without asking, or --dryRun to only show them",
    }),
  });
  if (!yes) throw CliError.failure("update aborted by user");
}
