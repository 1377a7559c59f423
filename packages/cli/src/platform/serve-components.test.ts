/*
 * `aloft serve admin`, `aloft serve catalog` and `aloft serve engine` as three child processes (the built bin) on
 * one database (a SQLite file; PostgreSQL too when ALOFT_TEST_POSTGRES_URL is set) and one blob folder, running
 * hello-world end to end with `aloft run --remote`: the engine hears of the execution through the database (the
 * file's write-ahead log, LISTEN/NOTIFY), reports to admin over gRPC and caches through the catalog process.
 * Needs the build (`npm run build`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { createDatabase } from "@aloft/db";
import { DIALECTS, makeTempDir, repoRoot, TEST_POSTGRES_URL, testSchemaName } from "@aloft/test-helpers";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAloft } from "../run-aloft.test-helper.js";

const bin = fileURLToPath(new URL("../../bin/aloft.js", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../../dist/commands/serve.js", import.meta.url)));

/** A running `aloft serve <component>`. */
interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `aloft serve <args>` and resolves once its stdout matched `ready` (with the match). */
async function serve(
  args: readonly string[],
  ready: RegExp,
  where: { home: string },
): Promise<{ served: Served; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [bin, "serve", ...args], {
    cwd: where.home,
    env: { PATH: process.env.PATH, HOME: where.home, ALOFT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found) resolve(found);
    });
    void exited.then((code) => reject(new Error(`aloft serve ${args.join(" ")} exited with ${code}: ${stderr}`)));
  });
  return {
    match,
    served: {
      child,
      stdout: () => stdout,
      stderr: () => stderr,
      async stop() {
        if (child.exitCode !== null) return child.exitCode;
        child.kill("SIGTERM");
        return exited;
      },
    },
  };
}

for (const dialect of DIALECTS) {
  const skip = !built || dialect.skip !== undefined;
  describe.skipIf(skip)(
    `aloft serve admin + catalog + engine (the built bin) [${dialect.name}]`,
    { timeout: 120_000 },
    () => {
      let home: Awaited<ReturnType<typeof makeTempDir>>;
      const schema = testSchemaName("aloft_serve");
      const running: Served[] = [];
      let adminUrl = "";
      let catalogUrl = "";

      beforeAll(async () => {
        home = await makeTempDir("aloft-serve-three-");
        const shared = ["--storage", "data/blobs", "-c", "aloft.yaml"];
        const database =
          dialect.name === "postgres"
            ? `database: { url: "${TEST_POSTGRES_URL}", schema: ${schema} }\n`
            : `database: { url: "sqlite://${join(home.path, "data", "aloft.db")}" }\n`;
        await writeFile(join(home.path, "aloft.yaml"), `seedProjects: [flytesnacks]\n${database}`);
        // One after the other: each migrates its own tables in the shared file at start.
        const admin = await serve(["admin", "--port", "0", ...shared], /listening on (http:\/\/\S+)/, {
          home: home.path,
        });
        running.push(admin.served);
        adminUrl = admin.match[1]!;
        const catalog = await serve(["catalog", "--port", "0", ...shared], /listening on (http:\/\/\S+)/, {
          home: home.path,
        });
        running.push(catalog.served);
        catalogUrl = catalog.match[1]!;
        const engine = await serve(
          ["engine", "--admin", adminUrl, "--catalog", catalogUrl, ...shared],
          /Press Ctrl-C/,
          {
            home: home.path,
          },
        );
        running.push(engine.served);
        expect(engine.served.stdout()).toContain(`aloft engine running, reporting to admin at ${adminUrl}\n`);
        expect(engine.served.stdout()).toContain(`  catalog:  ${catalogUrl}\n`);
      }, 120_000);

      afterAll(async () => {
        for (const served of running.reverse()) {
          if (served.child.exitCode === null) served.child.kill("SIGKILL");
        }
        await home?.cleanup();
        if (dialect.name === "postgres") {
          const database = await createDatabase({ url: TEST_POSTGRES_URL!, schema });
          await database.db.schema.dropSchema(schema).ifExists().cascade().execute();
          await database.close();
        }
      });

      it("answers /healthcheck on the catalog's port over HTTP/1.1", async () => {
        const response = await fetch(`${catalogUrl}/healthcheck`);
        expect([response.status, await response.text()]).toEqual([200, "ok\n"]);
      });

      it("runs hello-world end to end, and again from the catalog's cache", async () => {
        const run = (name: string) =>
          runAloft(
            [
              "run",
              "--remote",
              "--wait",
              "--name",
              name,
              "-p",
              "flytesnacks",
              "-d",
              "development",
              "--admin",
              adminUrl,
            ].concat(["examples/hello-world.ts", "helloWorld", "--name", "three", "--n", "6"]),
            { cwd: repoRoot },
          );
        const first = await run("three-1");
        expect([first.exitCode, first.stdoutLines, first.stderrLines.filter((l) => l.startsWith("aloft:"))]).toEqual([
          0,
          ['greeting: "Hello, three!"', "sq: 36"],
          [],
        ]);
        const second = await run("three-2");
        expect([second.exitCode, second.stdoutLines]).toEqual([0, ['greeting: "Hello, three!"', "sq: 36"]]);

        const admin = createClient(AdminService, createGrpcTransport({ baseUrl: adminUrl }));
        const node = await admin.getNodeExecution({
          id: { executionId: { project: "flytesnacks", domain: "development", name: "three-2" }, nodeId: "n0" },
        });
        const metadata = node.closure?.targetMetadata;
        expect(metadata?.case === "taskNodeMetadata" && metadata.value.cacheStatus).toBe(CatalogCacheStatus.CACHE_HIT);
      });

      it("stops each process gracefully on SIGTERM", async () => {
        const [admin, catalog, engine] = running;
        expect(await engine!.stop()).toBe(0);
        expect(engine!.stdout()).toContain("aloft engine stopped\n");
        expect(await catalog!.stop()).toBe(0);
        expect(catalog!.stdout()).toContain("aloft catalog stopped\n");
        expect(await admin!.stop()).toBe(0);
      });
    },
  );
}
