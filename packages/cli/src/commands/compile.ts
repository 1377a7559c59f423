import { InvalidArgumentError, type Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import type { OutputFormat } from "../compile/run-compile.js";

interface CompileFlags {
  file?: string;
  output: OutputFormat;
}

const description = [
  "Check a package offline, with no Aloft or Flyte service: compile every task and workflow in it and check every launch plan's inputs against its workflow, as registration would.",
  "The package is what `pyflyte package` writes (flyte-package.tgz), a .tar of it, a folder of its .pb files, or a single .pb file.",
  'Prints one line per entity (kind, name, version, ok or FAILED; a version of "-" is left for registration to fill in), the reasons under each failure, and "compiled N, failed M". Exits 1 if anything failed.',
].join("\n\n");

const examples = `
Examples:
  aloft compile --file flyte-package.tgz
  aloft compile ./_pb_output --output json`;

/** `aloft compile`: flytectl's `compile`, with every failure reported instead of the first. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command("compile")
      .summary("check a package's tasks, workflows and launch plans offline")
      .description(description)
      .argument("[package]", "the package, if --file is not given")
      .option("-f, --file <path>", "the package: a .tgz, .tar.gz or .tar archive, a folder, or a .pb file")
      .option("-o, --output <format>", "table or json", parseOutputFormat, "table")
      .addHelpText("after", examples)
      .action(async (positional: string | undefined, flags: CompileFlags) => {
        const path = choosePath(flags.file, positional);
        // Loaded here, not at the top: `aloft --help` should not pay for protobuf and the compiler.
        const { runCompile } = await import("../compile/run-compile.js");
        context.setExitCode(await runCompile({ path, format: flags.output, context }));
      });
  },
};

function choosePath(flag: string | undefined, positional: string | undefined): string {
  if (flag !== undefined && positional !== undefined && flag !== positional) {
    throw CliError.usage("give the package once, either as --file or as an argument", {
      hint: "aloft compile --file flyte-package.tgz",
    });
  }
  const path = flag ?? positional;
  if (path === undefined || path === "") {
    throw CliError.usage("missing the package to compile: --file <path>", {
      hint: "aloft compile --file flyte-package.tgz (the archive `pyflyte package` writes, or a folder of .pb files)",
    });
  }
  return path;
}

function parseOutputFormat(value: string): OutputFormat {
  const format = value.toLowerCase();
  if (format === "table" || format === "json") return format;
  throw new InvalidArgumentError("use table or json.");
}
