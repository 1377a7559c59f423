import { join } from "node:path";
import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import {
  addPlatformFlags,
  createStderrLogger,
  describeStorage,
  loadPlatformConfig,
  type PlatformFlags,
  secretsDir,
  waitForStopSignal,
} from "../platform/platform-flags.js";

const COMPONENTS = ["admin", "engine", "catalog"] as const;

const description = [
  "Run one Aloft component on its own, in the foreground, until Ctrl-C (SIGINT) or SIGTERM stops it gracefully. The three together are what `aloft start` runs in one process; all of them take the same --db, --storage and --config, so they share admin's database and blobs.",
  "admin: Flyte's control plane (flyteadmin): AdminService, SignalService, DataProxyService over gRPC, gRPC-Web and REST on one port (default 30080), with data in SQLite and a blob folder under ~/.aloft unless configured otherwise. Data survives restarts.",
  "engine: Flyte's propeller: claims the executions admin queued in the shared database, runs them (TypeScript tasks in warm workers, containers as local processes) and reports to the admin at --admin over gRPC. Cached tasks go through the DataCatalog at --catalog, else through the catalog's tables in the shared database. On PostgreSQL new work arrives by LISTEN/NOTIFY, on SQLite by watching the database file. A signal set in admin reaches a waiting gate node at the engine's next re-evaluation (within 10 s), since admin cannot wake an engine in another process.",
  "catalog: Flyte's datacatalog: DataCatalog over gRPC on one plaintext port (default 8089) with /healthcheck, its tables in the configured database.",
  "Settings come from --config (else $ALOFT_CONFIG, else ~/.aloft/config.yaml if present), then ALOFT_* environment variables, then these flags.",
].join("\n\n");

const examples = `
Examples:
  aloft serve admin
  aloft serve admin --port 8089 --host 0.0.0.0
  aloft serve admin --db postgres://aloft@db:5432/aloft --storage /var/lib/aloft/blobs
  aloft serve admin --config admin.yaml
  aloft serve catalog --port 8089
  aloft serve engine --admin localhost:30080 --catalog http://localhost:8089`;

/** The options of `aloft serve`, as parsed. */
interface ServeFlags extends PlatformFlags {
  admin?: string;
  catalog?: string;
}

/** `aloft serve`: run admin, the engine or the catalog alone. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    addPlatformFlags(
      program
        .command("serve")
        .summary("run one component (admin, engine or catalog) in the foreground")
        .description(description)
        .argument("<component>", `what to run: ${COMPONENTS.join(", ")}`),
    )
      .option("--admin <url>", "engine: admin's gRPC endpoint (default: localhost:30080)")
      .option("--catalog <url>", "engine: a DataCatalog's URL (default: the catalog's tables in the shared database)")
      .addHelpText("after", examples)
      .action(async (component: string, flags: ServeFlags) => {
        switch (component) {
          case "admin":
            refuse(component, flags, ["admin", "catalog"]);
            return serveAdmin(flags, context);
          case "engine":
            refuse(component, flags, ["port", "host"]);
            return serveEngine(flags, context);
          case "catalog":
            refuse(component, flags, ["admin", "catalog"]);
            return serveCatalog(flags, context);
          default:
            throw CliError.usage(`unknown component '${component}'`, { hint: `use one of ${COMPONENTS.join(", ")}` });
        }
      });
  },
};

/** Flags another component takes are a usage error rather than silently ignored. */
function refuse(component: string, flags: ServeFlags, keys: readonly (keyof ServeFlags)[]): void {
  const given = keys.find((key) => flags[key] !== undefined);
  if (given === undefined) return;
  const flag = given === "port" ? "--port" : `--${given}`;
  throw CliError.usage(`aloft serve ${component} takes no ${flag}`, {
    hint:
      component === "engine"
        ? "the engine listens on no port: it claims work from the database and reports to --admin"
        : `${flag} is for aloft serve engine`,
  });
}

async function serveAdmin(flags: PlatformFlags, context: CliContext): Promise<void> {
  const { createAdminService } = await import("@aloft/admin");
  const { config, configFile, home } = await loadPlatformConfig(flags, context);
  const logger = await createStderrLogger(config, context);
  const service = await createAdminService({ config, logger, secretsDir: secretsDir(home) });
  let address: Awaited<ReturnType<typeof service.server.listen>>;
  try {
    address = await service.server.listen();
  } catch (error) {
    await service.close();
    throw error;
  }

  const storage = describeStorage(config);
  const lines = [
    `aloft admin listening on ${address.url} (gRPC, gRPC-Web, Connect and REST on one port)`,
    `  public URL: ${address.publicUrl}`,
    `  database:   ${storage.database}`,
    `  blobs:      ${storage.blobs}`,
    `  config:     ${configFile ?? "defaults and ALOFT_* environment variables"}`,
  ];
  if (service.seededProjects.length > 0) lines.push(`  seeded projects: ${service.seededProjects.join(", ")}`);
  lines.push("Press Ctrl-C to stop.");
  context.output.stdout(lines.join("\n") + "\n");

  const signal = await waitForStopSignal();
  context.output.stdout(`${signal}: stopping (in-flight requests may finish; Ctrl-C again to force)\n`);
  await service.close();
  context.output.stdout("aloft admin stopped\n");
}

async function serveEngine(flags: ServeFlags, context: CliContext): Promise<void> {
  const { parseAdminEndpoint } = await import("../client/admin-endpoint.js");
  const { DEFAULT_ADMIN_ENDPOINT } = await import("../client/client-settings.js");
  const { startStandaloneEngine } = await import("../platform/start-standalone-engine.js");
  const admin = parseAdminEndpoint(flags.admin ?? DEFAULT_ADMIN_ENDPOINT, { insecure: true, source: "--admin" });
  const catalogUrl = flags.catalog === undefined ? undefined : catalogEndpoint(flags.catalog);
  const { config, configFile, home } = await loadPlatformConfig(flags, context);
  const logger = await createStderrLogger(config, context);
  const engine = await startStandaloneEngine({
    config,
    adminUrl: admin.baseUrl,
    ...(catalogUrl === undefined ? {} : { catalogUrl }),
    logger,
    workDir: join(home, ".aloft", "work"),
  });
  const storage = describeStorage(config);
  const lines = [
    `aloft engine running, reporting to admin at ${admin.baseUrl}`,
    `  catalog:  ${engine.catalog}`,
    `  plugins:  ${engine.pluginIds.join(", ")}`,
    `  database: ${storage.database}`,
    `  blobs:    ${storage.blobs}`,
    `  config:   ${configFile ?? "defaults and ALOFT_* environment variables"}`,
    "Press Ctrl-C to stop.",
  ];
  context.output.stdout(lines.join("\n") + "\n");

  const signal = await waitForStopSignal();
  context.output.stdout(`${signal}: stopping (running workflows continue at the next start)\n`);
  await engine.close();
  context.output.stdout("aloft engine stopped\n");
}

async function serveCatalog(flags: ServeFlags, context: CliContext): Promise<void> {
  const { DEFAULT_CATALOG_PORT, startCatalogServer } = await import("../platform/start-catalog-server.js");
  // The catalog has its own port: admin's (ALOFT_PORT, server.port) is not the catalog's default.
  const { config, configFile } = await loadPlatformConfig({ ...flags, port: undefined }, context);
  const server = await startCatalogServer({
    config,
    host: flags.host ?? config.server.host,
    port: flags.port ?? DEFAULT_CATALOG_PORT,
  });
  const storage = describeStorage(config);
  const lines = [
    `aloft catalog listening on ${server.url} (DataCatalog over gRPC; /healthcheck)`,
    `  database: ${storage.database}`,
    `  blobs:    ${storage.blobs}`,
    `  config:   ${configFile ?? "defaults and ALOFT_* environment variables"}`,
    "Press Ctrl-C to stop.",
  ];
  context.output.stdout(lines.join("\n") + "\n");

  const signal = await waitForStopSignal();
  context.output.stdout(`${signal}: stopping\n`);
  await server.close();
  context.output.stdout("aloft catalog stopped\n");
}

/** `--catalog` as a URL: `http(s)://host:port`, or `host:port` for plaintext. */
function catalogEndpoint(value: string): string {
  const url = /^[a-z]+:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(parsed.protocol);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    throw CliError.usage(`--catalog: ${JSON.stringify(value)} is not a catalog URL`, {
      hint: "use http://host:port (or host:port)",
    });
  }
}
