import { readdir } from "node:fs/promises";
import type { CliCommand } from "./cli-command.js";

const commandsDir = new URL("./commands/", import.meta.url);

/**
 * Imports every command module in `commands/` (sorted by file name, so help lists them in a stable
 * order) and returns their `command` exports. Runs from `dist/` (`.js`) and, under the test runner,
 * from `src/` (`.ts`); tests and test helpers beside the commands are skipped.
 *
 * @throws Error when a file in `commands/` exports no `command` with a `register` function: a
 *   programming mistake that should fail loudly in the first test run.
 */
export async function loadCommands(): Promise<CliCommand[]> {
  const names = (await readdir(commandsDir)).filter(isCommandModule).sort();
  const commands: CliCommand[] = [];
  for (const name of names) {
    const module = (await import(new URL(name, commandsDir).href)) as { command?: Partial<CliCommand> };
    if (typeof module.command?.register !== "function") {
      throw new Error(`commands/${name} must export \`command\` (a CliCommand)`);
    }
    commands.push(module.command as CliCommand);
  }
  return commands;
}

function isCommandModule(name: string): boolean {
  if (name.endsWith(".d.ts") || /\.test(-helper)?\.ts$/.test(name)) return false;
  return name.endsWith(".js") || name.endsWith(".ts");
}
