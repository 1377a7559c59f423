import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { AloftError } from "@aloft/idl";

/** How a container image is stood in for on this machine (the image itself is never pulled). */
export interface ImageMapping {
  /** Put before the container's command and args, e.g. `["docker", "run", "--rm", "my/image"]` or an interpreter. */
  commandPrefix?: readonly string[];
  /** Added to the process environment (before the container's own `env`). */
  env?: Readonly<Record<string, string>>;
  /**
   * A directory standing for the image's working directory (where its scripts are): the process runs there
   * instead of in the attempt's sandbox, so `./script.sh` resolves as in the image.
   */
  workingDir?: string;
}

/** Options of {@link createLocalProcessPlugin}. */
export interface LocalProcessPluginOptions {
  /** @default "local-process" */
  id?: string;
  /** @default ["raw-container", "python-task", "container"] */
  taskTypes?: readonly string[];
  /** Parent of the per-attempt sandboxes. @default `<system temp dir>/aloft-local-process` */
  workDir?: string;
  /** Where the processes' stdout and stderr files go (kept after the attempt). @default `<workDir>/logs` */
  logDir?: string;
  /**
   * Max processes running at once in this engine (resource namespace `local-process`); more wait in
   * WaitingForResources. A quota configured in the resource manager wins.
   * @default 4 × the number of CPUs
   */
  maxConcurrentProcesses?: number;
  /** Stand-ins for container images, by image reference exactly as in the task. @default {} */
  images?: Readonly<Record<string, ImageMapping>>;
  /**
   * Programs replacing the command's first word when it is a key, e.g.
   * `{ "pyflyte-fast-execute": ["/opt/venv/bin/pyflyte-fast-execute"] }`. @default {}
   */
  programs?: Readonly<Record<string, readonly string[]>>;
  /** Added to every process's environment (e.g. storage settings the task needs). @default {} */
  env?: Readonly<Record<string, string>>;
  /** Start from the engine's own environment (PATH, HOME…). @default true */
  inheritEnv?: boolean;
  /** After abort's SIGTERM, how long before SIGKILL. @default 10000 */
  killGracePeriodMs?: number;
  /** How often to check a process found running after an engine restart (no exit event then). @default 1000 */
  recoveryPollMs?: number;
}

/** {@link LocalProcessPluginOptions} with every default applied. */
export interface CompiledLocalProcessOptions {
  id: string;
  taskTypes: readonly string[];
  workDir: string;
  logDir: string;
  maxConcurrentProcesses: number;
  images: Readonly<Record<string, ImageMapping>>;
  programs: Readonly<Record<string, readonly string[]>>;
  env: Readonly<Record<string, string>>;
  inheritEnv: boolean;
  killGracePeriodMs: number;
  recoveryPollMs: number;
}

/** The resource-manager namespace local processes draw their concurrency tokens from. */
export const LOCAL_PROCESS_RESOURCE_NAMESPACE = "local-process";

/**
 * Applies the defaults of {@link LocalProcessPluginOptions}.
 *
 * @throws AloftError `InvalidArgument` for a non-positive concurrency, grace period or poll interval.
 */
export function compileLocalProcessOptions(options: LocalProcessPluginOptions = {}): CompiledLocalProcessOptions {
  const workDir = options.workDir ?? join(tmpdir(), "aloft-local-process");
  const compiled: CompiledLocalProcessOptions = {
    id: options.id ?? "local-process",
    taskTypes: options.taskTypes ?? ["raw-container", "python-task", "container"],
    workDir,
    logDir: options.logDir ?? join(workDir, "logs"),
    maxConcurrentProcesses: options.maxConcurrentProcesses ?? availableParallelism() * 4,
    images: options.images ?? {},
    programs: options.programs ?? {},
    env: options.env ?? {},
    inheritEnv: options.inheritEnv ?? true,
    killGracePeriodMs: options.killGracePeriodMs ?? 10_000,
    recoveryPollMs: options.recoveryPollMs ?? 1_000,
  };
  if (!Number.isInteger(compiled.maxConcurrentProcesses) || compiled.maxConcurrentProcesses <= 0) {
    throw AloftError.invalidArgument(
      `maxConcurrentProcesses must be a positive integer: ${compiled.maxConcurrentProcesses}`,
    );
  }
  if (!(compiled.killGracePeriodMs >= 0)) throw AloftError.invalidArgument("killGracePeriodMs must be ≥ 0");
  if (!(compiled.recoveryPollMs > 0)) throw AloftError.invalidArgument("recoveryPollMs must be > 0");
  return compiled;
}
