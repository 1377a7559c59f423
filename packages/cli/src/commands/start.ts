import { join } from "node:path";
import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import {
  addPlatformFlags,
  createStderrLogger,
  describeStorage,
  loadPlatformConfig,
  type PlatformFlags,
  secretsDir,
  waitForStopSignal,
} from "../platform/platform-flags.js";

const description = [
  "Start the whole platform in this process: admin (Flyte's AdminService over gRPC, gRPC-Web and REST), the engine that runs workflows, and the catalog that memoizes task outputs, all on one port (default 30080).",
  "Embedded defaults need nothing else: SQLite at ~/.aloft/aloft.db and blobs under ~/.aloft/blobs. Data survives restarts; executions that were running when it stopped carry on at the next start. The project flytesnacks (domains development, staging, production) exists from the first start, as in Flyte's sandbox, unless the config's seedProjects names others.",
  "Settings come from --config (else $ALOFT_CONFIG, else ~/.aloft/config.yaml if present), then ALOFT_* environment variables, then these flags.",
].join("\n\n");

const examples = `
Examples:
  aloft start
  aloft start --port 8089
  aloft start --db postgres://aloft@db:5432/aloft --storage /var/lib/aloft/blobs`;

/** `aloft start`: admin, engine and catalog in one process. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    addPlatformFlags(
      program.command("start").summary("start admin, engine and catalog in one process").description(description),
    )
      .addHelpText("after", examples)
      .action(async (flags: PlatformFlags) => start(flags, context));
  },
};

async function start(flags: PlatformFlags, context: CliContext): Promise<void> {
  const began = performance.now();
  const loaded = await loadPlatformConfig(flags, context);
  const { configFile, home } = loaded;
  // Like Flyte's sandbox, a fresh platform has a project to register into, unless the config names its own.
  const config =
    loaded.config.seedProjects.length > 0
      ? loaded.config
      : { ...loaded.config, seedProjects: [{ name: "flytesnacks", description: "flytesnacks description" }] };
  const logger = await createStderrLogger(config, context);
  const { startPlatform } = await import("../platform/start-platform.js");
  const platform = await startPlatform({
    config,
    logger,
    secretsDir: secretsDir(home),
    workDir: join(home, ".aloft", "work"),
  });
  const elapsed = (performance.now() - began) / 1000;

  const storage = describeStorage(config);
  const { url } = platform.address;
  const lines = [
    `aloft is ready in ${elapsed.toFixed(2)} s on ${url}`,
    `  admin:    ${url} (gRPC, gRPC-Web, Connect and REST; /healthcheck, /metrics)`,
    `  catalog:  ${url} (DataCatalog over gRPC, on the same port)`,
    `  engine:   in this process, plugins ${platform.pluginIds.join(", ")}`,
    `  database: ${storage.database}`,
    `  blobs:    ${storage.blobs}`,
    `  config:   ${configFile ?? "defaults and ALOFT_* environment variables"}`,
  ];
  if (platform.admin.seededProjects.length > 0) {
    lines.push(`  seeded projects: ${platform.admin.seededProjects.join(", ")}`);
  }
  lines.push("Press Ctrl-C to stop.");
  context.output.stdout(lines.join("\n") + "\n");

  const signal = await waitForStopSignal();
  context.output.stdout(`${signal}: stopping (running workflows continue at the next start)\n`);
  await platform.close();
  context.output.stdout("aloft stopped\n");
}
