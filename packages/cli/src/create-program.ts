import { Command, type CommanderError } from "commander";
import type { CliCommand, CliContext } from "./cli-command.js";
import { CliError } from "./cli-error.js";

/** Options for {@link createProgram}. */
export interface CreateProgramOptions {
  /** Passed to every command's `register`. */
  context: CliContext;
  /** The commands to offer, in help order. */
  commands: readonly CliCommand[];
  /** Printed by `aloft --version`. */
  version: string;
}

const helpFooter = `
Exit codes: 0 success, 1 failure, 2 usage error.
Set ALOFT_DEBUG=1 to print stack traces with errors.`;

/**
 * Builds a fresh commander program for one run of `aloft`. Commander never prints errors and never
 * exits the process here: usage errors are thrown as {@link CliError} (exit code 2) carrying the
 * command-line suggestion as a hint, and help or version output is thrown as the `CommanderError`
 * commander raised, so `main` decides what is printed and which code is returned.
 */
export function createProgram(options: CreateProgramOptions): Command {
  const { context } = options;
  const program = new Command("aloft")
    .description("Aloft: Flyte workflows compiled, registered and run from TypeScript.")
    .version(options.version, "-v, --version", "print the version and exit")
    .helpOption("-h, --help", "show help")
    .helpCommand(false)
    .configureOutput({
      writeOut: (text) => context.output.stdout(text),
      writeErr: (text) => context.output.stderr(text),
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true)
    .addHelpText("after", helpFooter)
    // Commands own their options (`aloft package … --version v` must not print aloft's version):
    // program options are recognised only before the command name.
    .enablePositionalOptions()
    .exitOverride();

  for (const command of options.commands) command.register(program, context);
  addHelpCommand(program);
  for (const command of [program, ...descendants(program)]) {
    command.exitOverride((error) => {
      throw toCliError(error, command);
    });
  }
  return program;
}

/** Commander's codes for help and version output: not errors, just a way of stopping. */
export const commanderStopCodes: ReadonlySet<string> = new Set([
  "commander.helpDisplayed",
  "commander.version",
  "commander.help",
]);

/**
 * `aloft help [command...]`, replacing commander's own: it prints to stdout, follows nested commands
 * (`aloft help register files`), and answers an unknown name with a usage error and a suggestion.
 */
function addHelpCommand(program: Command): void {
  program
    .command("help")
    .summary("show help for a command")
    .description("Show help for aloft or one of its commands.")
    .argument("[command...]", "the command, e.g. compile")
    .action((names: string[]) => {
      let target = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (next === undefined) {
          const known = target.commands.map((c) => c.name()).filter((n) => n !== "help");
          const closest = closestName(name, known);
          throw CliError.usage(`unknown command '${[...pathOf(target), name].join(" ")}'`, {
            hint:
              closest === undefined
                ? `run '${helpCommandFor(target)}' to see the commands`
                : `did you mean ${closest}?`,
          });
        }
        target = next;
      }
      target.outputHelp();
    });
}

function toCliError(error: CommanderError, command: Command): Error {
  if (commanderStopCodes.has(error.code)) return error;
  const [first = "", ...rest] = error.message.split("\n");
  const message = first.replace(/^error:\s*/, "");
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(" "))?.[1];
  const hint = suggestion === undefined ? `run '${helpCommandFor(command)}' for usage` : `did you mean ${suggestion}?`;
  return CliError.usage(message, { hint, cause: error });
}

function helpCommandFor(command: Command): string {
  return ["aloft", ...pathOf(command), "--help"].join(" ");
}

/** The names leading to `command` below the program, e.g. `["register", "files"]`. */
function pathOf(command: Command): string[] {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names;
}

/** The known name closest to `name` by edit distance, if it is close enough to be a likely typo. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (best === undefined || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function descendants(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...descendants(child)]);
}
