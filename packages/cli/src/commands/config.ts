import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { flytectlConfigValues, renderFlytectlConfig } from "../client/flytectl-config-file.js";
import { defaultClientConfigPath } from "../client/load-client-config.js";

interface InitFlags {
  host?: string;
  insecure?: boolean;
  console?: string;
  force?: boolean;
  config?: string;
}

const initDescription = [
  "Write flytectl's config file, ~/.flyte/config.yaml, exactly as `flytectl config init` does: admin.endpoint (dns:///<host>), admin.insecure and, with --console, console.endpoint. flytectl, pyflyte and aloft all read it.",
  "Without --host it points at the local Aloft (`aloft start`): dns:///localhost:30080, insecure. An existing file is replaced only with --force.",
].join("\n\n");

const examples = `
Examples:
  aloft config init
  aloft config init --host flyte.example.com
  aloft config init --host localhost:8089 --insecure --console http://localhost:8089 --force`;

/** `aloft config`: flytectl's `config init`. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const config = program.command("config").summary("write flytectl's config file (config init)").helpCommand(false);
    config.description("Manage flytectl's config file (~/.flyte/config.yaml), which aloft, flytectl and pyflyte read.");
    config
      .command("init")
      .summary("write ~/.flyte/config.yaml for an admin endpoint")
      .description(initDescription)
      .option("--host <host>", "admin's host[:port] (default: localhost:30080, insecure)")
      .option("--insecure", "connect without TLS (with --host)")
      .option("--console <url>", "the console's URL, when it differs from admin's")
      .option("--force", "replace an existing file")
      .option("-c, --config <file>", "write this file instead of ~/.flyte/config.yaml")
      .addHelpText("after", examples)
      .action(async (flags: InitFlags) => {
        const values = flytectlConfigValues(flags);
        const file =
          flags.config === undefined ? defaultClientConfigPath(context.env) : resolve(context.cwd, flags.config);
        await mkdir(dirname(file), { recursive: true });
        try {
          await writeFile(file, renderFlytectlConfig(values), { flag: flags.force === true ? "w" : "wx" });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
          throw CliError.failure(`${file} already exists`, { hint: "pass --force to replace it" });
        }
        const mode = values.insecure ? "insecure" : "TLS";
        context.output.stdout(`wrote ${file}: admin ${values.endpoint} (${mode})\n`);
      });
  },
};
