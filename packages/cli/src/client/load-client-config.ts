import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CliError } from "../cli-error.js";
import { emptyClientConfig, parseClientConfig, type ClientConfig } from "./client-config.js";

/** Where {@link loadClientConfig} looks. */
export interface ClientConfigLocation {
  /** `-c/--config`: this file must exist. */
  flag?: string | undefined;
  /** Environment (`FLYTECTL_CONFIG`, `HOME`). */
  env: Readonly<Record<string, string | undefined>>;
  /** What relative paths resolve against. */
  cwd: string;
}

/** The configuration and the file it came from. */
export interface LoadedClientConfig {
  config: ClientConfig;
  /** The file read; undefined when none exists and the defaults apply. */
  file: string | undefined;
}

/** `~/.flyte/config.yaml`, with `HOME` from `env` when set (tests point it at a temp dir). */
export function defaultClientConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.HOME || homedir(), ".flyte", "config.yaml");
}

/**
 * Reads flytectl's configuration as flytectl finds it: `--config`, else `FLYTECTL_CONFIG`, else
 * `~/.flyte/config.yaml`. A file named by the flag or the variable must exist; the default file may be absent,
 * and then nothing is configured.
 *
 * @throws CliError (failure) for a named file that cannot be read, or a file that does not parse.
 */
export async function loadClientConfig(location: ClientConfigLocation): Promise<LoadedClientConfig> {
  const named = nonEmpty(location.flag) ?? nonEmpty(location.env.FLYTECTL_CONFIG);
  const file = named === undefined ? defaultClientConfigPath(location.env) : resolve(location.cwd, named);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named === undefined && code === "ENOENT") return { config: emptyClientConfig(), file: undefined };
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message;
    const source = location.flag !== undefined ? "--config" : "FLYTECTL_CONFIG";
    throw CliError.failure(`cannot read the config file ${file} (from ${source}): ${reason}`, {
      hint: "aloft config init writes one",
      cause: error,
    });
  }
  return { config: parseClientConfig(text, file), file };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
