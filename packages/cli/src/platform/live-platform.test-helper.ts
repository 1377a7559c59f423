/**
 * Test helper: the whole platform (`startPlatform`: admin, catalog, engine) on 127.0.0.1, port 0, over SQLite (or
 * PostgreSQL) and a blob folder in a temp directory, with the project `flytesnacks` seeded, plus what end-to-end
 * tests need around it: packaging and registering through the real CLI, launching executions over gRPC and waiting
 * for them to finish.
 */
import { TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import { join } from "node:path";
import { Writable } from "node:stream";
import { compileAdminConfig, createAdminLogger } from "@aloft/admin";
import type { TaskPlugin } from "@aloft/engine";
import { makeTempDir } from "@aloft/test-helpers";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { type Platform, startPlatform } from "./start-platform.js";

/** A running platform, a gRPC client of it and where it lives. */
export interface LivePlatform {
  readonly platform: Platform;
  readonly url: string;
  readonly admin: Client<typeof AdminService>;
  /** The temp directory holding the database, blobs and task sandboxes. */
  readonly dir: string;
  /** Resolves with the execution once it reached a terminal phase. */
  waitForExecution(name: string, options?: { project?: string; domain?: string }): Promise<Execution>;
  /** Stops the platform (keeping the directory, so a test can start again over it). */
  stop(): Promise<void>;
  /** Stops and removes the directory. */
  dispose(): Promise<void>;
}

export interface StartLivePlatformOptions {
  /** Reuse an earlier platform's directory (restart). */
  dir?: string;
  plugins?: readonly TaskPlugin[];
  databaseUrl?: string;
}

export async function startLivePlatform(options: StartLivePlatformOptions = {}): Promise<LivePlatform> {
  const temp = options.dir === undefined ? await makeTempDir("aloft-platform-") : undefined;
  const dir = options.dir ?? temp!.path;
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const config = compileAdminConfig(
    {
      server: { host: "127.0.0.1", port: 0 },
      database: { url: options.databaseUrl ?? `sqlite://${join(dir, "aloft.db")}` },
      storage: { root: join(dir, "blobs"), signingSecret: "an end-to-end test signing secret" },
      logger: { level: "error" },
      seedProjects: ["flytesnacks"],
    },
    { homeDir: dir },
  );
  const platform = await startPlatform({
    config,
    logger: createAdminLogger({ level: "error", destination: quiet }),
    secretsDir: join(dir, "secrets"),
    workDir: join(dir, "work"),
    engineOwner: "engine-e2e",
    ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
  });
  const url = platform.address.url;
  const admin = createClient(AdminService, createGrpcTransport({ baseUrl: url }));
  return {
    platform,
    url,
    admin,
    dir,
    async waitForExecution(name, where = {}) {
      const id = { project: where.project ?? "flytesnacks", domain: where.domain ?? "development", name };
      // Polls admin, as a client would without the watch API; the engine itself is woken by notifications.
      for (;;) {
        const execution = await admin.getExecution({ id });
        if (TERMINAL_WORKFLOW_PHASES.has(execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED))
          return execution;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () => platform.close(),
    async dispose() {
      await platform.close();
      await temp?.cleanup();
    },
  };
}
