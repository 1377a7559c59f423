import type { CliContext } from "../cli-command.js";
import { CliError, ExitCode, type ExitCodeValue } from "../cli-error.js";
import { createAdminClients, type AdminClients } from "../client/admin-clients.js";
import type { FilesSection } from "../client/client-config.js";
import { resolveClientSettings, type ClientFlags } from "../client/client-settings.js";
import { printLines } from "../output.js";
import { decodePackageFile } from "../package/decode-package-file.js";
import { collectRegisterFiles, type RegisterInputs } from "./collect-register-files.js";
import {
  formatRegisterData,
  formatRegisterTable,
  type RegisterOutputFormat,
  type RegisterReport,
} from "./format-register-results.js";
import { needsRegistrationVersion, usesCodeArchive, type HydrationSettings } from "./hydrate-entity.js";
import { registerEntities, type RegisterItem, type RegisterResult } from "./register-entities.js";
import { uploadCodeArchive } from "./upload-code-archive.js";

/** The flags of `register files`, as commander parses them (unset booleans are undefined). */
export interface RegisterFilesFlags extends ClientFlags {
  version?: string;
  force?: boolean;
  archive?: boolean;
  continueOnError?: boolean;
  dryRun?: boolean;
  enableSchedule?: boolean;
  destinationDirectory?: string;
  assumableIamRole?: string;
  k8sServiceAccount?: string;
  outputLocationPrefix?: string;
  output?: string;
}

/**
 * The body of `aloft register files`: flytectl's `register files` for packages from `pyflyte package` and
 * `aloft package`. Flags not given come from the config file's `files` section, then flytectl's defaults.
 * Prints the results and resolves to the exit code (1 when any file failed).
 *
 * @throws CliError for bad flags or inputs (before anything is sent), an unreachable admin or a failed upload.
 */
export async function runRegisterFiles(
  args: readonly string[],
  flags: RegisterFilesFlags,
  context: CliContext,
): Promise<ExitCodeValue> {
  const settings = await resolveClientSettings(flags, context);
  const options = withConfigDefaults(flags, settings.config.files);
  const format = outputFormat(flags.output ?? settings.config.root.output);
  const project = required(settings.project, "project", "-p <project>", "root.project");
  const domain = required(settings.domain, "domain", "-d <domain>", "root.domain");
  if (options.force && options.version === undefined) {
    throw CliError.usage("--force needs --version: it replaces every version with that one");
  }

  const inputs = await collectRegisterFiles({ args, archive: options.archive, cwd: context.cwd });
  const items = checkInputs(inputs, args, options.version);

  const clients = options.dryRun ? undefined : await createAdminClients(settings.connection);
  try {
    const results: RegisterResult[] = [];
    let remotePackagePath: string | undefined;
    if (inputs.codeArchive !== undefined) {
      if (clients === undefined) {
        results.push({ file: inputs.codeArchive.name, status: "Success", info: "Dry run: not uploaded" });
      } else {
        remotePackagePath = await uploadCodeArchive({
          dataProxy: clients.dataProxy,
          project,
          domain,
          archive: inputs.codeArchive,
        });
        results.push({ file: inputs.codeArchive.name, status: "Success", info: `Uploaded to ${remotePackagePath}` });
      }
    }
    const hydration: HydrationSettings = {
      project,
      domain,
      version: options.version,
      force: options.force,
      remotePackagePath,
      destinationDirectory: options.destinationDirectory ?? ".",
      ...optional("assumableIamRole", options.assumableIamRole),
      ...optional("k8sServiceAccount", options.k8sServiceAccount),
      ...optional("outputLocationPrefix", options.outputLocationPrefix),
    };
    const outcome = await registerEntities({
      items,
      hydration,
      admin: clients?.admin,
      continueOnError: options.continueOnError,
      enableSchedule: options.enableSchedule,
    });
    const report: RegisterReport = {
      results: [...results, ...outcome.results],
      skipped: outcome.skipped,
      dryRun: options.dryRun,
    };
    if (format === "table") printLines(context.output, formatRegisterTable(report));
    else context.output.stdout(formatRegisterData(report, format));
    return report.results.some((r) => r.status === "Failed") ? ExitCode.Failure : ExitCode.Ok;
  } finally {
    closeQuietly(clients);
  }
}

interface RegisterOptions {
  version: string | undefined;
  force: boolean;
  archive: boolean;
  continueOnError: boolean;
  dryRun: boolean;
  enableSchedule: boolean;
  destinationDirectory: string | undefined;
  assumableIamRole: string | undefined;
  k8sServiceAccount: string | undefined;
  outputLocationPrefix: string | undefined;
}

function withConfigDefaults(flags: RegisterFilesFlags, files: FilesSection): RegisterOptions {
  return {
    version: nonEmpty(flags.version) ?? files.version,
    force: flags.force ?? files.force ?? false,
    archive: flags.archive ?? files.archive ?? false,
    continueOnError: flags.continueOnError ?? files.continueOnError ?? false,
    dryRun: flags.dryRun ?? files.dryRun ?? false,
    enableSchedule: flags.enableSchedule ?? files.enableSchedule ?? false,
    destinationDirectory: nonEmpty(flags.destinationDirectory) ?? files.destinationDirectory,
    assumableIamRole: nonEmpty(flags.assumableIamRole) ?? files.assumableIamRole,
    k8sServiceAccount: nonEmpty(flags.k8sServiceAccount) ?? files.k8sServiceAccount,
    outputLocationPrefix: nonEmpty(flags.outputLocationPrefix) ?? files.outputLocationPrefix,
  };
}

/**
 * Refuses, before anything is sent, inputs flytectl would refuse or that could only register broken entities:
 * files that are neither protobufs nor the code archive, no protobufs at all, identifiers left for a `--version`
 * that was not given, and fast-registered tasks without their code archive. Decodes every file; one that does
 * not decode becomes that file's failure, in its turn, as in flytectl.
 */
function checkInputs(inputs: RegisterInputs, args: readonly string[], version: string | undefined): RegisterItem[] {
  if (inputs.invalid.length > 0) {
    throw CliError.failure(
      `the input has files that are neither .pb files nor a fast….tar.gz code archive: ${inputs.invalid.join(", ")}`,
      { hint: "register what pyflyte package or aloft package wrote, unchanged" },
    );
  }
  if (inputs.protobufs.length === 0) {
    throw CliError.usage(`no .pb files to register in ${args.join(" ")}`);
  }
  const items: RegisterItem[] = inputs.protobufs.map((file) => {
    try {
      return { file: file.name, entity: decodePackageFile({ file: file.name, bytes: file.bytes, where: file.name }) };
    } catch (error) {
      const message = (error as { rawMessage?: string }).rawMessage ?? (error as Error).message;
      return { file: file.name, decodeError: message };
    }
  });
  const entities = items.flatMap((item) => ("entity" in item ? [item.entity] : []));
  const unversioned = version === undefined ? entities.find(needsRegistrationVersion) : undefined;
  if (unversioned !== undefined) {
    throw CliError.usage(`${unversioned.file} leaves its version to registration ({{ registration.version }})`, {
      hint: "pass --version <version> (packages from aloft package carry their own)",
    });
  }
  const fastTask = entities.find(usesCodeArchive);
  if (fastTask !== undefined && inputs.codeArchive === undefined) {
    throw CliError.usage(`${fastTask.file} runs a fast-registered code archive, but no fast….tar.gz was given`, {
      hint: "register the whole package (with --archive for a .tgz), code archive included",
    });
  }
  return items;
}

function required(value: string | undefined, what: string, flag: string, key: string): string {
  if (value !== undefined && value !== "") return value;
  throw CliError.usage(`register files needs a ${what}: ${flag}`, { hint: `or set ${key} in the config file` });
}

function outputFormat(value: string | undefined): RegisterOutputFormat {
  const format = (value ?? "table").toLowerCase();
  if (format === "table" || format === "json" || format === "yaml") return format;
  throw CliError.usage(`unsupported output format ${value}: use table, json or yaml`);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function closeQuietly(clients: AdminClients | undefined): void {
  try {
    clients?.close();
  } catch {
    // The results are printed; a failing close changes nothing for the user.
  }
}
