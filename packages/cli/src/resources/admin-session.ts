import { type Client, Code, ConnectError } from "@connectrpc/connect";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { createAdminClients, type AdminClients } from "../client/admin-clients.js";
import { resolveClientSettings, type ClientFlags, type ClientSettings } from "../client/client-settings.js";
import { parseOutputFormat, type OutputFormat } from "./output-format.js";

/** The flags every resource command takes: flytectl's globals and `-o`. */
export interface SessionFlags extends ClientFlags {
  output?: string;
}

/** What a resource command works with: the settings, the output format and, when it needs it, admin. */
export interface AdminSession {
  readonly context: CliContext;
  readonly settings: ClientSettings;
  readonly format: OutputFormat;
  /** admin's AdminService, connected on first use (a dry run that sends nothing never connects). */
  admin(): Promise<Client<typeof AdminService>>;
  /**
   * `-p`, else `root.project`.
   * @throws CliError (usage) naming `command` when neither is set.
   */
  project(command: string): string;
  /**
   * `-d`, else `root.domain`.
   * @throws CliError (usage) naming `command` when neither is set.
   */
  domain(command: string): string;
}

/**
 * Resolves the config file and flags, runs `body` and closes the connection to admin, if one was opened.
 *
 * @throws CliError for a bad config file, endpoint or `-o`, and whatever `body` throws.
 */
export async function withAdminSession<T>(
  flags: SessionFlags,
  context: CliContext,
  body: (session: AdminSession) => Promise<T>,
): Promise<T> {
  const settings = await resolveClientSettings(flags, context);
  const format = parseOutputFormat(flags.output, settings.config.root.output);
  let clients: Promise<AdminClients> | undefined;
  const session: AdminSession = {
    context,
    settings,
    format,
    admin: async () => {
      clients ??= createAdminClients(settings.connection);
      return (await clients).admin;
    },
    project: (command) => required(settings.project, command, "a project", "-p <project>", "root.project"),
    domain: (command) => required(settings.domain, command, "a domain", "-d <domain>", "root.domain"),
  };
  try {
    return await body(session);
  } finally {
    if (clients !== undefined) {
      try {
        (await clients).close();
      } catch {
        // Opening failed, and that failure is already on its way to the user.
      }
    }
  }
}

/**
 * Runs one admin call, turning admin's refusal (a ConnectError: NotFound, InvalidArgument…) into one line that
 * says what was being done: `cannot get task p/d/t@v1: <admin's message>`. Connection problems pass unchanged
 * (the client already words them).
 */
export async function callAdmin<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ConnectError) {
      throw CliError.failure(`cannot ${doing}: ${error.rawMessage.split("\n")[0]}`, { cause: error });
    }
    throw error;
  }
}

/** Whether `error` is admin's NotFound (as a ConnectError, or wrapped by {@link callAdmin}). */
export function isNotFound(error: unknown): boolean {
  const connect = error instanceof ConnectError ? error : error instanceof CliError ? error.cause : undefined;
  return connect instanceof ConnectError && connect.code === Code.NotFound;
}

function required(value: string | undefined, command: string, what: string, flag: string, key: string): string {
  if (value !== undefined && value !== "") return value;
  throw CliError.usage(`${command} needs ${what}: ${flag}`, { hint: `or set ${key} in the config file` });
}
