/**
 * Test helper: `aloft start` as a child process of the built bin (`packages/cli/bin/aloft.js`, which runs
 * `dist/`), as a user runs it, so a test can kill it with SIGKILL like a crash and start it again over the same
 * database and blobs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built bin, and whether its `dist/` exists (`npx tsc -b packages/cli`). */
export const aloftBin = fileURLToPath(new URL("../../bin/aloft.js", import.meta.url));
export const aloftBinBuilt = existsSync(fileURLToPath(new URL("../../dist/main.js", import.meta.url)));

/** A running `aloft start`. */
export interface PlatformProcess {
  readonly child: ChildProcess;
  /** The admin URL it printed. */
  readonly url: string;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` to the aloft process only (its task processes lead their own process groups) and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of {@link startPlatformProcess}. */
export interface StartPlatformProcessOptions {
  /** `aloft start`'s flags, e.g. `["--port", "0", "--db", …]`. */
  args: readonly string[];
  cwd: string;
  /** The environment (HOME at least); PATH is added. */
  env: Record<string, string>;
}

/** Starts `aloft start` and resolves once it printed its URL; rejects with its stderr if it exits first. */
export async function startPlatformProcess(options: StartPlatformProcessOptions): Promise<PlatformProcess> {
  const child = spawn(process.execPath, [aloftBin, "start", ...options.args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /aloft is ready in \S+ s on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`aloft start exited (${code ?? signal}) before it was ready:\n${stderr}`)),
    );
  });
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
