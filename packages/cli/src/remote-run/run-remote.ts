/**
 * `aloft run --remote`, pyflyte run --remote for TypeScript: package the entity (as `aloft package`), register it
 * (as `aloft register files`, the code archive through the data proxy, existing entities accepted), upload local
 * files given as inputs, create the execution with the typed inputs, then optionally wait for it or follow it live.
 */
import { ExecutionMetadata_ExecutionMode } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { type IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { LoadedModules } from "@aloft/sdk/internal";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CliContext } from "../cli-command.js";
import { CliError, ExitCode } from "../cli-error.js";
import { type AdminClients, createAdminClients } from "../client/admin-clients.js";
import { type ClientFlags, resolveClientSettings } from "../client/client-settings.js";
import { printLines } from "../output.js";
import { executionConsoleUrl } from "./execution-console-url.js";
import { followToEnd, waitToEnd } from "../watch/follow-execution-command.js";
import { runInputLiterals, type ParsedRunInput } from "./run-input-literals.js";
import { packageForRun } from "./package-for-run.js";
import { registerForRun } from "./register-for-run.js";
import { isLocalFileInput, uploadLocalFiles } from "./upload-local-files.js";

/** The project a remote run registers in and runs in without -p or root.project, as pyflyte run. */
export const DEFAULT_PROJECT = "flytesnacks";
/** The domain without -d or root.domain, as pyflyte run. */
export const DEFAULT_DOMAIN = "development";

/** The flags of a remote run. */
export interface RemoteRunFlags extends ClientFlags {
  /** The execution's name. @default one admin generates */
  name?: string;
  /** Wait for the end and print the outputs. */
  wait?: boolean;
  /** Show the progress live until the end, then the outputs. */
  follow?: boolean;
  /** The version to register under. @default the content hash */
  version?: string;
  /** `--cache overwrite`: run cached tasks again and replace their cached outputs. */
  overwriteCache?: boolean;
  /** `--max-parallelism`. */
  maxParallelism?: number;
}

/** Options of {@link runRemote}. */
export interface RunRemoteOptions {
  loaded: LoadedModules;
  entity: LoadedModules["entities"][number];
  inputs: readonly ParsedRunInput[];
  flags: RemoteRunFlags;
  context: CliContext;
}

/**
 * Runs `entity` on the platform. Status lines go to stderr; stdout gets the execution's name (neither `--wait`
 * nor `--follow`), its outputs (`--wait`), or the progress and the outputs (`--follow`). A run that ends other
 * than SUCCEEDED sets exit code 1.
 *
 * @throws CliError for inputs that cannot be sent, code that does not compile, a
 *   refused registration, an execution name already taken, an unreachable admin, or (`--wait`) a failed run.
 */
export async function runRemote(options: RunRemoteOptions): Promise<void> {
  const { flags, context, entity } = options;
  const settings = await resolveClientSettings(flags, context);
  // pyflyte run's defaults (flytekit's DEFAULT_PROJECT and DEFAULT_DOMAIN), which `aloft start` seeds.
  const project = settings.project ?? DEFAULT_PROJECT;
  const domain = settings.domain ?? DEFAULT_DOMAIN;
  // Every value but the local files (sent once uploaded) is checked before anything is packaged or sent.
  runInputLiterals(options.inputs.filter((input) => !isLocalFileInput(input)));

  const packaged = await packageForRun({
    loaded: options.loaded,
    entity,
    cwd: context.cwd,
    project,
    domain,
    ...(flags.version === undefined ? {} : { version: flags.version }),
  });
  let clients: AdminClients | undefined;
  try {
    clients = await createAdminClients(settings.connection);
    const literals = runInputLiterals(
      await uploadLocalFiles({ inputs: options.inputs, dataProxy: clients.dataProxy, project, domain }),
    );
    const registered = await registerForRun({ clients, packaged, project, domain });
    context.output.stderr(
      `registered ${packaged.entityCount} entit${packaged.entityCount === 1 ? "y" : "ies"} in ${project}/${domain}, version ${packaged.version}` +
        `${registered.existing === 0 ? "" : ` (${registered.existing} already there)`}\n`,
    );

    const target = launchTarget(entity, { project, domain, version: packaged.version });
    let created;
    try {
      created = await clients.admin.createExecution({
        project,
        domain,
        ...(flags.name === undefined ? {} : { name: flags.name }),
        spec: {
          launchPlan: target,
          metadata: { mode: ExecutionMetadata_ExecutionMode.MANUAL },
          ...(flags.overwriteCache === true ? { overwriteCache: true } : {}),
          ...(flags.maxParallelism === undefined ? {} : { maxParallelism: flags.maxParallelism }),
        },
        inputs: { literals },
      });
    } catch (error) {
      if (error instanceof ConnectError && error.code === Code.AlreadyExists) {
        throw CliError.failure(`an execution named ${flags.name ?? ""} already exists in ${project}/${domain}`, {
          hint: "give another --name, or leave it out for a generated one",
          cause: error,
        });
      }
      if (error instanceof ConnectError) {
        throw CliError.failure(`admin refused the execution: ${error.rawMessage}`, { cause: error });
      }
      throw error;
    }
    const id = created.id!;
    const url = executionConsoleUrl(settings, id);
    context.output.stderr(`started execution ${id.project}/${id.domain}/${id.name}: ${url}\n`);

    if (flags.follow === true) {
      const execution = await followToEnd({ clients, connection: settings.connection, id, context });
      if (!execution.succeeded) context.setExitCode(ExitCode.Failure);
    } else if (flags.wait === true) {
      printLines(context.output, await waitToEnd({ clients, connection: settings.connection, id }));
    } else {
      context.output.stdout(`${id.name}\n`);
    }
  } finally {
    clients?.close();
  }
}

/**
 * What the execution launches: a workflow's default launch plan (same name and version), a launch plan itself,
 * or a task on its own (admin's single-task execution, as pyflyte runs a task remotely).
 */
function launchTarget(
  entity: LoadedModules["entities"][number],
  where: { project: string; domain: string; version: string },
): MessageInitShape<typeof IdentifierSchema> {
  const resourceType = entity.kind === "task" ? ResourceType.TASK : ResourceType.LAUNCH_PLAN;
  return { resourceType, ...where, name: entity.name ?? "" };
}
