import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { AloftError } from "@aloft/idl";
import type { LocalProcessPluginOptions } from "../local-process/local-process-options.js";

/** Options of {@link createTsWorkerPlugin}. */
export interface TsWorkerPluginOptions {
  /**
   * The worker's entry file: the SDK's `@aloft/sdk/worker` (`dist/entrypoint/worker.js`), which the
   * composition root resolves (the engine does not depend on the SDK).
   */
  workerEntry: string;
  /** @default "ts-worker" */
  id?: string;
  /** @default ["ts-task"] */
  taskTypes?: readonly string[];
  /** Max worker processes, busy or idle. @default the number of CPUs */
  poolSize?: number;
  /** An idle worker exits after this long. @default 300000 (5 minutes) */
  idleTimeoutMs?: number;
  /** Node options of the workers. @default ["--enable-source-maps"] */
  execArgv?: readonly string[];
  /** The workers' own environment. @default the engine's environment */
  workerEnv?: Readonly<Record<string, string>>;
  /** Added to every task's environment (before the container's and Flyte's). @default {} */
  env?: Readonly<Record<string, string>>;
  /** Where the code of non-fast tasks is (a checkout or unpacked bundle). @default the engine's cwd */
  codeDir?: string;
  /** Parent of the workers' directories. @default `<system temp dir>/aloft-ts-worker` */
  workDir?: string;
  /** Where each attempt's stdout and stderr files go. @default `<workDir>/logs` */
  logDir?: string;
  /** After an abort request, how long a task may take to stop before its worker is killed. @default 10000 */
  abortGracePeriodMs?: number;
  /**
   * How tasks opting out of warm workers (task config `aloft.dev/warm-worker: "false"`), or whose command is
   * not `aloft-execute` / `aloft-fast-execute`, run: the local-process plugin with these options. Map
   * `aloft-execute` and `aloft-fast-execute` in `programs` when they are not on the PATH.
   * @default {}
   */
  processFallback?: LocalProcessPluginOptions;
}

/** {@link TsWorkerPluginOptions} with every default applied. */
export interface CompiledTsWorkerOptions {
  workerEntry: string;
  id: string;
  taskTypes: readonly string[];
  poolSize: number;
  idleTimeoutMs: number;
  execArgv: readonly string[];
  workerEnv: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string>>;
  codeDir: string;
  workDir: string;
  logDir: string;
  abortGracePeriodMs: number;
  processFallback: LocalProcessPluginOptions;
}

/** The task config entry that opts a task out of warm workers (`"false"`). */
export const WARM_WORKER_CONFIG_KEY = "aloft.dev/warm-worker";

/**
 * Applies the defaults of {@link TsWorkerPluginOptions}.
 *
 * @throws AloftError `InvalidArgument` without a worker entry, or for a non-positive pool size or timeout.
 */
export function compileTsWorkerOptions(options: TsWorkerPluginOptions): CompiledTsWorkerOptions {
  if (options.workerEntry === "") throw AloftError.invalidArgument("the ts-worker plugin needs a workerEntry");
  const workDir = options.workDir ?? join(tmpdir(), "aloft-ts-worker");
  const workerEnv: Record<string, string> = {};
  if (options.workerEnv === undefined) {
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) workerEnv[k] = v;
  }
  const compiled: CompiledTsWorkerOptions = {
    workerEntry: options.workerEntry,
    id: options.id ?? "ts-worker",
    taskTypes: options.taskTypes ?? ["ts-task"],
    poolSize: options.poolSize ?? availableParallelism(),
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    execArgv: options.execArgv ?? ["--enable-source-maps"],
    workerEnv: options.workerEnv ?? workerEnv,
    env: options.env ?? {},
    codeDir: options.codeDir ?? process.cwd(),
    workDir,
    logDir: options.logDir ?? join(workDir, "logs"),
    abortGracePeriodMs: options.abortGracePeriodMs ?? 10_000,
    processFallback: options.processFallback ?? {},
  };
  if (!Number.isInteger(compiled.poolSize) || compiled.poolSize <= 0) {
    throw AloftError.invalidArgument(`poolSize must be a positive integer: ${compiled.poolSize}`);
  }
  if (!(compiled.idleTimeoutMs > 0)) throw AloftError.invalidArgument("idleTimeoutMs must be > 0");
  if (!(compiled.abortGracePeriodMs >= 0)) throw AloftError.invalidArgument("abortGracePeriodMs must be ≥ 0");
  return compiled;
}
