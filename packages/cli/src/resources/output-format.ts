import type { Command } from "commander";
import { CliError } from "../cli-error.js";

/** How `get`, `create`, `update` and `delete` print (flytectl's `-o`; DOT and DOTURL are not offered). */
export type OutputFormat = "table" | "json" | "yaml";

/**
 * Reads `-o` (case-insensitive, as flytectl's enum flag), falling back to `root.output` from the config file
 * and then to `table`.
 *
 * @throws CliError (usage) for any other value.
 */
export function parseOutputFormat(flag: string | undefined, configured?: string): OutputFormat {
  const value = flag ?? configured ?? "table";
  const format = value.toLowerCase();
  if (format === "table" || format === "json" || format === "yaml") return format;
  throw CliError.usage(`unsupported output format ${value}: use table, json or yaml`);
}

/** Adds flytectl's `-o, --output`. */
export function addOutputOption(command: Command): Command {
  return command.option(
    "-o, --output <format>",
    "table, json or yaml (default: root.output in the config file, else table)",
  );
}
