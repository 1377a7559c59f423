/**
 * The flags `aloft start` and `aloft serve` share, and how they become admin's configuration: `--config` (else
 * $ALOFT_CONFIG, else ~/.aloft/config.yaml), then ALOFT_* variables, then the flags themselves.
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { type Command, InvalidArgumentError } from "commander";
import type { AdminConfig, AdminService } from "@aloft/admin";
import type { CliContext } from "../cli-command.js";

/** The options of `aloft start` and `aloft serve`, as parsed. */
export interface PlatformFlags {
  port?: number;
  host?: string;
  config?: string;
  db?: string;
  storage?: string;
}

/** Adds the shared flags to `command`. */
export function addPlatformFlags(command: Command): Command {
  return command
    .option("-p, --port <port>", "the port to listen on, 0 for any free one (default: 30080)", parsePort)
    .option("--host <host>", "the interface to listen on (default: 127.0.0.1)")
    .option("-c, --config <file>", "the YAML configuration file")
    .option("--db <url>", "the database: sqlite:///path/file.db, a file path, or postgres://…")
    .option("--storage <dir>", "the folder blobs are kept in");
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || port > 65535) throw new InvalidArgumentError("use a port number from 0 to 65535.");
  return port;
}

/** The resolved configuration, where it came from, and the home directory the embedded defaults live under. */
export interface LoadedPlatformConfig {
  config: AdminConfig;
  configFile: string | undefined;
  home: string;
}

export async function loadPlatformConfig(flags: PlatformFlags, context: CliContext): Promise<LoadedPlatformConfig> {
  // Loaded here, not at the top: `aloft --help` should not pay for admin.
  const { loadAdminConfig } = await import("@aloft/admin");
  const home = context.env.HOME ?? homedir();
  const env: Record<string, string | undefined> = { ...context.env };
  if (flags.port !== undefined) env.ALOFT_PORT = String(flags.port);
  if (flags.host !== undefined) env.ALOFT_HOST = flags.host;
  if (flags.db !== undefined) env.ALOFT_DATABASE_URL = databaseUrl(flags.db, context.cwd);
  if (flags.storage !== undefined) env.ALOFT_STORAGE_ROOT = resolve(context.cwd, flags.storage);
  const { config, configFile } = await loadAdminConfig({
    ...(flags.config === undefined ? {} : { configPath: resolve(context.cwd, flags.config) }),
    env,
    homeDir: home,
  });
  return { config, configFile, home };
}

/** JSON-lines logs on stderr, so stdout carries only what the command prints for people. */
export async function createStderrLogger(config: AdminConfig, context: CliContext): Promise<AdminService["logger"]> {
  const { createAdminLogger } = await import("@aloft/admin");
  const logs = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      context.output.stderr(chunk.toString("utf8"));
      callback();
    },
  });
  return createAdminLogger({ level: config.logger.level, destination: logs });
}

/** Where generated secrets (the blob signing key) are kept. */
export function secretsDir(home: string): string {
  return join(home, ".aloft", "secrets");
}

/** Lines describing where the data lives. */
export function describeStorage(config: AdminConfig): { database: string; blobs: string } {
  return {
    database: config.database.kind === "sqlite" ? config.database.path : redact(config.database.url),
    blobs: config.storage.kind === "fs" ? config.storage.root : `s3://${config.storage.bucket}`,
  };
}

/** Resolves on the first SIGINT or SIGTERM with its name. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolveSignal) => {
    const stop = (received: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveSignal(received);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** `--db` as admin takes it: URLs as they are, a bare path as an SQLite file (relative to the working directory). */
function databaseUrl(value: string, cwd: string): string {
  if (/^(sqlite|postgres|postgresql):/.test(value)) return value;
  const path = isAbsolute(value) ? value : resolve(cwd, value);
  return `sqlite://${encodeURI(path)}`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
