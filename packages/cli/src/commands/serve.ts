import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { type Command, InvalidArgumentError } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";

/** The options of `aloft serve`, as parsed. */
interface ServeFlags {
  port?: number;
  host?: string;
  config?: string;
  db?: string;
  storage?: string;
}

const COMPONENTS = ["admin", "engine", "catalog"] as const;

const description = [
  "Run one Aloft component on its own, in the foreground, until Ctrl-C (SIGINT) or SIGTERM stops it gracefully.",
  "admin: Flyte's control plane (flyteadmin): AdminService, SignalService, DataProxyService over gRPC, gRPC-Web and REST on one port (default 30080), with data in SQLite and a blob folder under ~/.aloft unless configured otherwise. Data survives restarts.",
  "Settings come from --config (else $ALOFT_CONFIG, else ~/.aloft/config.yaml if present), then ALOFT_* environment variables, then these flags. The engine and the catalog are later issues.",
].join("\n\n");

const examples = `
Examples:
  aloft serve admin
  aloft serve admin --port 8089 --host 0.0.0.0
  aloft serve admin --db postgres://aloft@db:5432/aloft --storage /var/lib/aloft/blobs
  aloft serve admin --config admin.yaml`;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || port > 65535) throw new InvalidArgumentError("use a port number from 0 to 65535.");
  return port;
}

/** `aloft serve`: run admin (later the engine and the catalog) alone. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command("serve")
      .summary("run one component (admin) in the foreground")
      .description(description)
      .argument("<component>", `what to run: ${COMPONENTS.join(", ")}`)
      .option("-p, --port <port>", "the port to listen on, 0 for any free one (default: 30080)", parsePort)
      .option("--host <host>", "the interface to listen on (default: 127.0.0.1)")
      .option("-c, --config <file>", "the YAML configuration file")
      .option("--db <url>", "the database: sqlite:///path/file.db, a file path, or postgres://…")
      .option("--storage <dir>", "the folder blobs are kept in")
      .addHelpText("after", examples)
      .action(async (component: string, flags: ServeFlags) => {
        if (component === "engine" || component === "catalog") {
          throw CliError.failure(`aloft serve ${component} is not available yet: only admin can be served for now`, {
            hint: "aloft serve admin",
          });
        }
        if (component !== "admin") {
          throw CliError.usage(`unknown component '${component}'`, { hint: `use one of ${COMPONENTS.join(", ")}` });
        }
        await serveAdmin(flags, context);
      });
  },
};

async function serveAdmin(flags: ServeFlags, context: CliContext): Promise<void> {
  // Loaded here, not at the top: `aloft --help` should not pay for admin.
  const { createAdminLogger, createAdminService, loadAdminConfig } = await import("@aloft/admin");
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

  // Logs are JSON lines on stderr; stdout carries only the lines below.
  const logs = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      context.output.stderr(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = createAdminLogger({ level: config.logger.level, destination: logs });
  const service = await createAdminService({ config, logger, secretsDir: join(home, ".aloft", "secrets") });
  let address: Awaited<ReturnType<typeof service.server.listen>>;
  try {
    address = await service.server.listen();
  } catch (error) {
    await service.close();
    throw error;
  }

  const storage = config.storage.kind === "fs" ? config.storage.root : `s3://${config.storage.bucket}`;
  const lines = [
    `aloft admin listening on ${address.url} (gRPC, gRPC-Web, Connect and REST on one port)`,
    `  public URL: ${address.publicUrl}`,
    `  database:   ${config.database.kind === "sqlite" ? config.database.path : redact(config.database.url)}`,
    `  blobs:      ${storage}`,
    `  config:     ${configFile ?? "defaults and ALOFT_* environment variables"}`,
  ];
  if (service.seededProjects.length > 0) lines.push(`  seeded projects: ${service.seededProjects.join(", ")}`);
  lines.push("Press Ctrl-C to stop.");
  context.output.stdout(lines.join("\n") + "\n");

  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    const stop = (received: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveSignal(received);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  context.output.stdout(`${signal}: stopping (in-flight requests may finish; Ctrl-C again to force)\n`);
  await service.close();
  context.output.stdout("aloft admin stopped\n");
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
