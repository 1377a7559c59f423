import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, describe, expect, it } from "vitest";
import { runAloft } from "../run-aloft.test-helper.js";

const bin = fileURLToPath(new URL("../../bin/aloft.js", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../../dist/main.js", import.meta.url)));

describe("aloft serve", () => {
  it("refuses flags that belong to another component", async () => {
    const enginePort = await runAloft(["serve", "engine", "--port", "1234"]);
    expect([enginePort.exitCode, enginePort.stderrLines]).toEqual([
      2,
      [
        "aloft: aloft serve engine takes no --port",
        "hint: the engine listens on no port: it claims work from the database and reports to --admin",
      ],
    ]);
    const catalogAdmin = await runAloft(["serve", "catalog", "--admin", "localhost:30080"]);
    expect([catalogAdmin.exitCode, catalogAdmin.stderrLines]).toEqual([
      2,
      ["aloft: aloft serve catalog takes no --admin", "hint: --admin is for aloft serve engine"],
    ]);
    const badCatalog = await runAloft(["serve", "engine", "--catalog", "ftp://x"]);
    expect([badCatalog.exitCode, badCatalog.stderrLines[0]]).toEqual([
      2,
      'aloft: --catalog: "ftp://x" is not a catalog URL',
    ]);
  });

  it("rejects an unknown component and a bad port as usage errors", async () => {
    const unknown = await runAloft(["serve", "scheduler"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderrLines).toEqual([
      "aloft: unknown component 'scheduler'",
      "hint: use one of admin, engine, catalog",
    ]);
    const port = await runAloft(["serve", "admin", "--port", "http"]);
    expect(port.exitCode).toBe(2);
    expect(port.stderrLines[0]).toBe(
      "aloft: option '-p, --port <port>' argument 'http' is invalid. use a port number from 0 to 65535.",
    );
  });
});

/** A running `aloft serve admin` child process. */
interface ServedAdmin {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

async function serve(args: readonly string[], options: { home: string; cwd: string }): Promise<ServedAdmin> {
  const child = spawn(process.execPath, [bin, "serve", "admin", ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: options.home, ALOFT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`aloft serve admin exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

describe.skipIf(!built)("aloft serve admin (the built bin; needs `npx tsc -b packages/cli` first)", () => {
  let served: ServedAdmin | undefined;
  afterEach(() => {
    if (served?.child.exitCode === null) served.child.kill("SIGKILL");
    served = undefined;
  });

  it("serves on embedded defaults under ~/.aloft, stops on SIGTERM, and keeps its data across a restart", async () => {
    const home = await makeTempDir("aloft-serve-home-");
    try {
      served = await serve(["--port", "0"], { home: home.path, cwd: home.path });
      const aloft = join(home.path, ".aloft");
      expect(served.stdout()).toContain(`  database:   ${join(aloft, "aloft.db")}\n`);
      expect(served.stdout()).toContain(`  blobs:      ${join(aloft, "blobs")}\n`);
      expect(served.stdout()).toContain("Press Ctrl-C to stop.");
      const secret = statSync(join(aloft, "secrets", "blob-signing-key"));
      expect(secret.mode & 0o777).toBe(0o600);

      const registered = await fetch(`${served.url}/api/v1/projects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ project: { id: "flytesnacks", name: "flytesnacks" } }),
      });
      expect(registered.status).toBe(200);

      expect(await served.stop("SIGTERM")).toBe(0);
      expect(served.stdout()).toContain("SIGTERM: stopping");
      expect(served.stdout()).toContain("aloft admin stopped\n");

      served = await serve(["--port", "0"], { home: home.path, cwd: home.path });
      const projects = (await (await fetch(`${served.url}/api/v1/projects`)).json()) as { projects: { id: string }[] };
      expect(projects.projects.map((p) => p.id)).toEqual(["flytesnacks"]);
      expect(await served.stop("SIGINT")).toBe(0);
    } finally {
      await home.cleanup();
    }
  });

  it("takes --db, --storage and a --config file that seeds projects", async () => {
    const home = await makeTempDir("aloft-serve-flags-");
    try {
      await writeFile(
        join(home.path, "admin.yaml"),
        "seedProjects: [flytesnacks, { name: ml, description: models }]\n",
      );
      served = await serve(
        ["--port", "0", "--host", "127.0.0.1", "--db", "data/admin.db", "--storage", "data/blobs", "-c", "admin.yaml"],
        { home: home.path, cwd: home.path },
      );
      expect(served.stdout()).toContain(`  database:   ${join(home.path, "data", "admin.db")}\n`);
      expect(served.stdout()).toContain(`  blobs:      ${join(home.path, "data", "blobs")}\n`);
      expect(served.stdout()).toContain(`  config:     ${join(home.path, "admin.yaml")}\n`);
      expect(served.stdout()).toContain("  seeded projects: flytesnacks, ml\n");
      const projects = (await (await fetch(`${served.url}/api/v1/projects`)).json()) as {
        projects: { id: string; description: string }[];
      };
      expect(projects.projects.map((p) => [p.id, p.description])).toEqual([
        ["flytesnacks", "flytesnacks description"],
        ["ml", "models"],
      ]);
      expect(await served.stop("SIGTERM")).toBe(0);
    } finally {
      await home.cleanup();
    }
  });
});
