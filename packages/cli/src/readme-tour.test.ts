/*
 * The README's five-minute tour, run as written: every `npx aloft …` line of its tour section, in order, against a
 * real `aloft start` (the built bin, as a child process, with a fresh HOME). The only changes are the ones a reader
 * makes: `aloft start` listens on a free port (a flytectl config file in HOME points the other commands at it, as
 * `aloft config init` writes it), `<name>` is the execution the tour's run created, and `npx aloft` runs this
 * checkout's bin directly. Needs the build (`npm run build`).
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeTempDir, repoRoot } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aloftBin,
  aloftBinBuilt,
  type PlatformProcess,
  startPlatformProcess,
} from "./platform/platform-process.test-helper.js";

/** The `npx aloft …` commands of the README section "A five-minute tour", in order. */
async function tourCommands(): Promise<string[]> {
  const readme = await readFile(join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf("## A five-minute tour");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks
    .flatMap((block) => block.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.startsWith("npx aloft "));
}

/** Splits a command line the way the shell does for these lines (no quotes in them). */
function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== "");
}

describe.skipIf(!aloftBinBuilt)("the README tour (needs `npm run build`)", { timeout: 180_000 }, () => {
  let home: { path: string; cleanup: () => Promise<void> };
  let platform: PlatformProcess;
  const written: string[] = [];

  beforeAll(async () => {
    home = await makeTempDir("aloft-readme-tour-");
    platform = await startPlatformProcess({ args: ["--port", "0"], cwd: repoRoot, env: { HOME: home.path } });
    const { host } = new URL(platform.url);
    await mkdir(join(home.path, ".flyte"), { recursive: true });
    await writeFile(join(home.path, ".flyte", "config.yaml"), `admin:\n  endpoint: dns:///${host}\n  insecure: true\n`);
  }, 60_000);

  afterAll(async () => {
    await platform?.kill("SIGINT");
    for (const file of written) await rm(join(repoRoot, file), { force: true });
    await home?.cleanup();
  });

  it("runs every command of the tour as written", async () => {
    const commands = await tourCommands();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    let execution: string | undefined;
    for (const line of commands) {
      if (line.includes("<name>") && execution === undefined) throw new Error(`no execution yet for: ${line}`);
      const argv = words(line.replaceAll("<name>", execution ?? ""))
        .slice(2)
        .map((w) => w);
      const output = argv.indexOf("--output");
      if (output >= 0) written.push(argv[output + 1]!);
      const result = await promisify(execFile)(process.execPath, [aloftBin, ...argv], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: home.path },
      }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`\`${line}\` exited ${error.code}:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
      });
      if (line.includes("run --remote")) {
        // The status line on stderr names it as project/domain/name.
        execution = /flytesnacks\/development\/([a-z][a-z0-9]*)/.exec(result.stderr)?.[1];
        expect(result.stdout).toContain("Hello, world!");
        expect(result.stdout).toContain("16");
      }
      if (line.startsWith("npx aloft run examples")) expect(result.stdout).toContain("Hello, world!");
      if (line.includes("get executions")) expect(result.stdout).toContain("SUCCEEDED");
      if (line.includes("--watch")) expect(result.stdout).toContain("SUCCEEDED");
    }
    expect(execution).toBeDefined();
  });
});
