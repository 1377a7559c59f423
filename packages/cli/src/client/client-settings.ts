import { resolve } from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../cli-command.js";
import { parseAdminEndpoint, type AdminEndpoint } from "./admin-endpoint.js";
import type { AuthType, ClientConfig } from "./client-config.js";
import { loadClientConfig } from "./load-client-config.js";

/** What `aloft start` serves, and so where `aloft` looks when nothing is configured. */
export const DEFAULT_ADMIN_ENDPOINT = "localhost:30080";

/** The flags {@link addClientOptions} adds, as commander parses them. */
export interface ClientFlags {
  config?: string;
  project?: string;
  domain?: string;
  admin?: string;
}

/** How to reach admin. */
export interface AdminConnectionSettings {
  endpoint: AdminEndpoint;
  /** Where the endpoint came from, for messages: `--admin`, `admin.endpoint in <file>` or `the default`. */
  endpointSource: string;
  /** TLS: trust these certificate authorities (a PEM file's absolute path) instead of the system's. */
  caCertFilePath?: string;
  /** TLS: do not check the server's certificate. */
  insecureSkipVerify: boolean;
  /** The configured authentication, used only to explain an admin that demands it. */
  authType?: AuthType;
  /** The largest response accepted, in bytes. */
  maxMessageSizeBytes?: number;
}

/** Everything a command talking to admin needs from the configuration file and the flags. */
export interface ClientSettings {
  config: ClientConfig;
  /** The configuration file read, if any. */
  configFile: string | undefined;
  connection: AdminConnectionSettings;
  /** `-p`, else `root.project`. */
  project?: string;
  /** `-d`, else `root.domain`. */
  domain?: string;
}

/**
 * Adds flytectl's global flags to `command`: `-c/--config`, `-p/--project`, `-d/--domain`, and Aloft's
 * `--admin <url>` (overrides `admin.endpoint`). They belong to each command rather than to `aloft` itself, so
 * they can follow the command name as in flytectl (`aloft register files x.tgz -p p -d d`).
 */
export function addClientOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "flytectl's config file (default: $FLYTECTL_CONFIG, else ~/.flyte/config.yaml)")
    .option("-p, --project <project>", "the project (default: root.project in the config file)")
    .option("-d, --domain <domain>", "the domain (default: root.domain in the config file)")
    .option("--admin <url>", `admin's endpoint, overriding the config file (default: ${DEFAULT_ADMIN_ENDPOINT})`);
}

/**
 * Reads the configuration file and applies the flags over it.
 *
 * @throws CliError when the file cannot be read or parsed, or an endpoint is malformed.
 */
export async function resolveClientSettings(flags: ClientFlags, context: CliContext): Promise<ClientSettings> {
  const { config, file } = await loadClientConfig({ flag: flags.config, env: context.env, cwd: context.cwd });
  const connection = connectionSettings(config, file, flags.admin, context.cwd);
  const project = nonEmpty(flags.project) ?? config.root.project;
  const domain = nonEmpty(flags.domain) ?? config.root.domain;
  return {
    config,
    configFile: file,
    connection,
    ...(project === undefined ? {} : { project }),
    ...(domain === undefined ? {} : { domain }),
  };
}

function connectionSettings(
  config: ClientConfig,
  file: string | undefined,
  adminFlag: string | undefined,
  cwd: string,
): AdminConnectionSettings {
  const { admin } = config;
  let endpoint: AdminEndpoint;
  let endpointSource: string;
  if (nonEmpty(adminFlag) !== undefined) {
    endpointSource = "--admin";
    endpoint = parseAdminEndpoint(adminFlag as string, { insecure: admin.insecure ?? true, source: endpointSource });
  } else if (admin.endpoint !== undefined) {
    endpointSource = `admin.endpoint in ${file ?? "the config file"}`;
    // flytectl's default for `insecure` is false: a configured endpoint speaks TLS unless told otherwise.
    endpoint = parseAdminEndpoint(admin.endpoint, { insecure: admin.insecure ?? false, source: endpointSource });
  } else {
    endpointSource = "the default endpoint";
    endpoint = parseAdminEndpoint(DEFAULT_ADMIN_ENDPOINT, { insecure: admin.insecure ?? true, source: endpointSource });
  }
  return {
    endpoint,
    endpointSource,
    insecureSkipVerify: admin.insecureSkipVerify ?? false,
    ...(admin.caCertFilePath === undefined ? {} : { caCertFilePath: resolve(cwd, admin.caCertFilePath) }),
    ...(admin.authType === undefined ? {} : { authType: admin.authType }),
    ...(admin.maxMessageSizeBytes === undefined ? {} : { maxMessageSizeBytes: admin.maxMessageSizeBytes }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
