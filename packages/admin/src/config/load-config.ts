import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { AloftError } from "@aloft/idl";
import { parse as parseYaml } from "yaml";
import { type AdminConfig, compileAdminConfig, LOG_LEVELS, parseDatabaseUrl } from "./admin-config.js";

/** Options of {@link loadAdminConfig}. */
export interface LoadAdminConfigOptions {
  /** The `--config` flag: this file must exist. @default `ALOFT_CONFIG`, else `~/.aloft/config.yaml` if present */
  configPath?: string;
  /** Environment to read `ALOFT_*` overrides from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default os.homedir() */
  homeDir?: string;
}

/** What {@link loadAdminConfig} found. */
export interface LoadedAdminConfig {
  config: AdminConfig;
  /** The YAML file read, or undefined when only defaults and the environment applied. */
  configFile: string | undefined;
}

/**
 * Environment variables that override the file, applied in this order. Each names its key in errors.
 * `ALOFT_STORAGE_ROOT` selects the fs store and `ALOFT_S3_BUCKET` the S3 store; setting both is an error.
 */
export const CONFIG_ENV_VARS = [
  "ALOFT_CONFIG",
  "ALOFT_HOST",
  "ALOFT_PORT",
  "ALOFT_PUBLIC_URL",
  "ALOFT_DATABASE_URL",
  "ALOFT_STORAGE_ROOT",
  "ALOFT_SIGNING_SECRET",
  "ALOFT_S3_BUCKET",
  "ALOFT_S3_ENDPOINT",
  "ALOFT_S3_REGION",
  "ALOFT_S3_FORCE_PATH_STYLE",
  "ALOFT_LOG_LEVEL",
] as const;

/**
 * Loads admin's configuration: the YAML file (`configPath`, else `ALOFT_CONFIG`, else `~/.aloft/config.yaml`
 * when it exists), then `ALOFT_*` environment overrides, then {@link compileAdminConfig}. Relative paths in the
 * file resolve against the file's directory.
 *
 * Throws AloftError InvalidArgument for a missing explicit file, unparsable YAML, a bad environment value (naming
 * the variable) or a bad setting (naming the key).
 */
export async function loadAdminConfig(options: LoadAdminConfigOptions = {}): Promise<LoadedAdminConfig> {
  const env = options.env ?? process.env;
  const homeDir = options.homeDir ?? homedir();
  const explicit = options.configPath ?? nonEmpty(env["ALOFT_CONFIG"]);
  const defaultFile = join(homeDir, ".aloft", "config.yaml");
  const configFile = explicit !== undefined ? resolve(explicit) : existsSync(defaultFile) ? defaultFile : undefined;

  let input: Record<string, unknown> = {};
  if (configFile !== undefined) {
    let text: string;
    try {
      text = await readFile(configFile, "utf8");
    } catch (cause) {
      throw AloftError.invalidArgument(`cannot read the admin config file ${configFile}: ${errorText(cause)}`, {
        cause,
      });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (cause) {
      throw AloftError.invalidArgument(`cannot parse the admin config file ${configFile}: ${errorText(cause)}`, {
        cause,
      });
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw AloftError.invalidArgument(`the admin config file ${configFile} must hold a mapping of keys to values`);
      }
      input = parsed as Record<string, unknown>;
    }
  }

  applyEnvOverrides(input, env);
  try {
    const config = compileAdminConfig(input, {
      homeDir,
      baseDir: configFile === undefined ? process.cwd() : dirname(configFile),
    });
    return { config, configFile };
  } catch (error) {
    if (configFile !== undefined && error instanceof AloftError) {
      throw new AloftError(error.code, `${error.rawMessage} (in ${configFile} or the ALOFT_* environment)`, {
        cause: error,
      });
    }
    throw error;
  }
}

function applyEnvOverrides(input: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  const value = (name: (typeof CONFIG_ENV_VARS)[number]): string | undefined => nonEmpty(env[name]);
  const server = sectionOf(input, "server");
  const database = sectionOf(input, "database");
  const storage = sectionOf(input, "storage");
  const logger = sectionOf(input, "logger");

  const host = value("ALOFT_HOST");
  if (host !== undefined) server["host"] = host;
  const port = value("ALOFT_PORT");
  if (port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) {
      throw envError("ALOFT_PORT", `must be a port number from 0 to 65535, got "${port}"`);
    }
    server["port"] = Number(port);
  }
  const publicUrl = value("ALOFT_PUBLIC_URL");
  if (publicUrl !== undefined) server["publicUrl"] = publicUrl;

  const databaseUrl = value("ALOFT_DATABASE_URL");
  if (databaseUrl !== undefined) {
    if (parseDatabaseUrl(databaseUrl) === undefined) {
      throw envError("ALOFT_DATABASE_URL", `must be sqlite:///<absolute path>, sqlite::memory: or postgres://…`);
    }
    database["url"] = databaseUrl;
  }

  const storageRoot = value("ALOFT_STORAGE_ROOT");
  const bucket = value("ALOFT_S3_BUCKET");
  if (storageRoot !== undefined && bucket !== undefined) {
    throw envError("ALOFT_STORAGE_ROOT", "and ALOFT_S3_BUCKET cannot both be set: choose the fs or the S3 store");
  }
  if (storageRoot !== undefined) {
    for (const key of ["bucket", "endpoint", "region", "forcePathStyle"]) delete storage[key];
    storage["kind"] = "fs";
    storage["root"] = storageRoot;
  }
  if (bucket !== undefined) {
    for (const key of ["root", "signingSecret"]) delete storage[key];
    storage["kind"] = "s3";
    storage["bucket"] = bucket;
  }
  const signingSecret = value("ALOFT_SIGNING_SECRET");
  if (signingSecret !== undefined) storage["signingSecret"] = signingSecret;
  const endpoint = value("ALOFT_S3_ENDPOINT");
  if (endpoint !== undefined) storage["endpoint"] = endpoint;
  const region = value("ALOFT_S3_REGION");
  if (region !== undefined) storage["region"] = region;
  const forcePathStyle = value("ALOFT_S3_FORCE_PATH_STYLE");
  if (forcePathStyle !== undefined) {
    if (forcePathStyle !== "true" && forcePathStyle !== "false") {
      throw envError("ALOFT_S3_FORCE_PATH_STYLE", `must be true or false, got "${forcePathStyle}"`);
    }
    storage["forcePathStyle"] = forcePathStyle === "true";
  }

  const level = value("ALOFT_LOG_LEVEL");
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw envError("ALOFT_LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
    }
    logger["level"] = level;
  }

  for (const [key, section] of [
    ["server", server],
    ["database", database],
    ["storage", storage],
    ["logger", logger],
  ] as const) {
    // A section that is not a mapping stays as it is, for compileAdminConfig to report by name.
    if (isMappingOrAbsent(input[key]) && (Object.keys(section).length > 0 || key in input)) input[key] = section;
  }
}

/** The mapping at `input[key]` (copied, so overrides never touch the parsed document), or `{}`. */
function sectionOf(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = input[key];
  if (value === undefined || value === null || !isMappingOrAbsent(value)) return {};
  return { ...(value as Record<string, unknown>) };
}

function isMappingOrAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "object" && !Array.isArray(value));
}

function envError(name: string, message: string): AloftError {
  return AloftError.invalidArgument(`environment variable ${name} ${message}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
