import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { addClientOptions } from "../client/client-settings.js";
import type { RegisterFilesFlags } from "../register/run-register-files.js";

const filesDescription = [
  "Register tasks, workflows and launch plans with admin, as `flytectl register files` does: the .pb files `pyflyte package` or `aloft package` writes, given as files, folders or patterns, or with --archive as .tgz, .tar.gz or .tar archives (local paths or http(s) URLs).",
  "Files register in name order (pyflyte numbers them in dependency order). Empty or `{{ registration.* }}` projects, domains and versions in every identifier become -p, -d and --version (--force replaces concrete versions too). The code archive (fast….tar.gz) is uploaded through admin's data proxy and its URL, with --destinationDirectory, fills the fast-registration arguments of the tasks.",
  "Entities that already exist count as registered. The first failure stops the rest unless --continueOnError; --dryRun checks everything and sends nothing. Prints one line per file (name, status, additional info); exits 1 if anything failed.",
  "Without --version, packages from `aloft package` keep the version they carry (a content hash); pyflyte packages leave it to registration and need --version. Flags not given are read from the config file's `files` section.",
].join("\n\n");

const examples = `
Examples:
  aloft register files flyte-package.tgz --archive -p flytesnacks -d development
  aloft register files _pb_output/* -p flytesnacks -d development --version v2
  aloft register files https://example.com/flyte-package.tgz --archive -p p -d d --version v1 --continueOnError
  aloft register files flyte-package.tgz --archive -p p -d d --dryRun -o json`;

/** `aloft register`: flytectl's `register files`. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const register = program
      .command("register")
      .summary("register packaged tasks, workflows and launch plans")
      .helpCommand(false);
    register.description("Register serialized entities with admin (flytectl register).");
    const files = register
      .command("files")
      .alias("file")
      .summary("register the files pyflyte package or aloft package wrote")
      .description(filesDescription)
      .argument("<files...>", ".pb files, folders or patterns; with --archive, package archives");
    addClientOptions(files)
      .option("--version <version>", "the version of entities that leave it to registration")
      .option("--force", "use --version for every entity, even those with a version")
      .option("--archive", "the arguments are .tgz, .tar.gz or .tar archives, local or http(s)")
      .option("--continueOnError", "go on registering after a failure")
      .option("--dryRun", "check everything and send nothing")
      .option("--enableSchedule", "activate the launch plans once registered (starting their schedules)")
      .option("--destinationDirectory <dir>", "where tasks unpack the code archive in their container (default: .)")
      .option("--assumableIamRole <role>", "the IAM role launch plans run as")
      .option("--k8sServiceAccount <account>", "the Kubernetes service account launch plans run as")
      .option("--outputLocationPrefix <prefix>", "where launch plans' runs write offloaded data")
      .option("-o, --output <format>", "table, json or yaml (default: root.output in the config file, else table)")
      .addHelpText("after", examples)
      .action(async (paths: string[], flags: RegisterFilesFlags) => {
        // Loaded here, not at the top: `aloft --help` should not pay for protobuf and the admin client.
        const { runRegisterFiles } = await import("../register/run-register-files.js");
        context.setExitCode(await runRegisterFiles(paths, flags, context));
      });
  },
};
