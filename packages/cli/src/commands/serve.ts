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

/** `aloft serve`: run admin (later the engine and the catalog) alone. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    addPlatformFlags(
      program
        .command("serve")
        .summary("run one component (admin) in the foreground")
        .description(description)
        .argument("<component>", `what to run: ${COMPONENTS.join(", ")}`),
    )
      .addHelpText("after", examples)
      .action(async (component: string, flags: PlatformFlags) => {
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
