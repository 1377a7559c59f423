import { spawn } from "node:child_process";
import { basename, resolve } from "node:path";
import { AloftError } from "@aloft/idl";
import type { BlobStore } from "@aloft/storage";
import { blobStoreFromEnv } from "./blob-store-from-env.js";
import { executeTaskEntrypoint } from "./execute-task-entrypoint.js";
import { installCodeArchive } from "./install-code-archive.js";
import { linkSdkPackages } from "./link-sdk-packages.js";
import { parseFastExecuteArgs, type FastExecuteArgs } from "./parse-fast-execute-args.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Options of {@link fastExecuteEntrypoint}. */
export interface FastExecuteEntrypointOptions {
  /** What relative paths resolve against, and the default destination. @default process.cwd() */
  cwd?: string;
  /** The blob store to use instead of one configured from `env`. */
  store?: BlobStore;
  /** Where progress and failures are logged (stderr in the bins). @default nothing */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

function isAloftExecute(command: string): boolean {
  return basename(command).replace(/\.(c|m)?js$/, "") === "aloft-execute";
}

// flytekit's `fast_execute_task_cmd`: tell the task where its code came from, for a dynamic task's children.
function withDynamicDistribution(command: readonly string[], distribution: string, destDir: string): string[] {
  const out: string[] = [];
  for (const arg of command) {
    if (arg === "--resolver") out.push("--dynamic-addl-distro", distribution, "--dynamic-dest-dir", destDir);
    out.push(arg);
  }
  return out;
}

function runCommand(command: readonly string[], env: Env, cwd: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command[0] as string, command.slice(1), { stdio: "inherit", env: { ...env }, cwd });
    child.on("error", () => done(127));
    child.on("close", (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}

/**
 * `aloft-fast-execute`, pyflyte-fast-execute's counterpart: downloads the code archive of a fast
 * registration (`--additional-distribution`: a local path, `file://` or blob URI; storage configured
 * as for `aloft-execute`) and unpacks it into `--dest-dir` (default the working directory), unless
 * that archive is unpacked there already; links `<dest-dir>/node_modules/@aloft/*` to this SDK so
 * the bundle's externals resolve; then runs the command. `aloft-execute` runs in this process (no
 * second Node start) with the code folder and, as flytekit does, `--dynamic-addl-distro` and
 * `--dynamic-dest-dir` added; any other command runs as a child process. Resolves to the exit code.
 *
 * When the archive cannot be fetched and the command is `aloft-execute`, the failure is written as
 * that task's `error.pb` (SYSTEM, recoverable), so propeller retries it.
 */
export async function fastExecuteEntrypoint(
  argv: readonly string[],
  env: Env,
  options: FastExecuteEntrypointOptions = {},
): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  let args: FastExecuteArgs;
  try {
    args = parseFastExecuteArgs(argv);
  } catch (error) {
    options.log?.(error instanceof AloftError ? error.rawMessage : String(error));
    return 2;
  }
  const destDir = resolve(cwd, args.destDir ?? ".");
  const inProcess = isAloftExecute(args.command[0] as string);
  let setupFailure: unknown;
  try {
    if (args.distribution !== undefined) {
      const store = options.store ?? blobStoreFromEnv({ env, uris: [args.distribution] });
      try {
        const unpacked = await installCodeArchive({ distribution: args.distribution, destDir, store, cwd });
        options.log?.(`aloft-fast-execute: ${unpacked ? "unpacked" : "reusing"} ${args.distribution} in ${destDir}`);
      } finally {
        if (options.store === undefined) await store.close().catch(() => undefined);
      }
    }
    await linkSdkPackages(destDir);
  } catch (error) {
    options.log?.(
      `aloft-fast-execute: cannot install the code: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (!inProcess) return 1;
    setupFailure = error;
  }
  if (!inProcess) return runCommand(args.command, env, cwd);
  const command =
    args.distribution === undefined
      ? args.command.slice(1)
      : withDynamicDistribution(args.command.slice(1), args.distribution, destDir);
  const result = await executeTaskEntrypoint(command, env, {
    codeDir: destDir,
    cwd,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(setupFailure === undefined ? {} : { setupFailure }),
  });
  return result.exitCode;
}
