/*
 * An attempt's sandbox on disk: created with the fewest system calls on the hot path, cleared when an
 * earlier try of the same round left one behind, and removed without holding up the engine's round.
 * Sandboxes a task left as it found them are kept for later attempts instead of deleted: a rename costs
 * one call where a delete and a fresh mkdir cost four, and a file system that keeps freed inodes out of
 * use for a while (ext4 without a journal skips recently deleted ones when allocating, one lookup each)
 * grows slower with every delete.
 *
 * The small metadata calls here are synchronous on purpose: each takes tens of microseconds, while the
 * same call through libuv's thread pool waits behind the engine's other I/O and costs a millisecond or
 * more when many tasks start in one round.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isProcessAlive, parseProcStat, signalProcessGroup } from "./process-liveness.js";
import type { StartedProcess } from "./process-table.js";

/** Directories of one attempt's sandbox. */
export interface SandboxDirs {
  /** The sandbox (removed at finalize). */
  root: string;
  /** The process's working directory (unless the image mapping names one). */
  work: string;
  /** Co-pilot's input and output directories (standing for `/var/inputs`, `/var/outputs`), made only when used. */
  copilotInputs: string;
  copilotOutputs: string;
}

const PID_FILE = "pid.json";
const TRASH_DIR = ".removing";
const POOL_DIR = ".clean";

/** The directories of the sandbox at `root`. */
export function sandboxDirs(root: string): SandboxDirs {
  return {
    root,
    work: join(root, "work"),
    copilotInputs: join(root, "copilot-inputs"),
    copilotOutputs: join(root, "copilot-outputs"),
  };
}

/**
 * Sandboxes kept for reuse: each an empty `work` directory and a stale `pid.json` (overwritten in place at
 * the next start, so reusing one allocates nothing; a stale record names no live process of its start
 * time). Shared by the attempts of one plugin; the directory `.clean` beside the sandboxes holds them, and
 * outlives the engine.
 */
export class SandboxPool {
  readonly #dir: string;
  readonly #max: number;
  /** Names in the pool directory; read from disk on first use. */
  #names: string[] | undefined;
  #next = 0;

  /** A pool under `sandboxesDir` keeping at most `max` sandboxes. */
  constructor(sandboxesDir: string, max: number) {
    this.#dir = join(sandboxesDir, POOL_DIR);
    this.#max = max;
  }

  /** Creates the sandbox with its working directory, from the pool when it has one (see createSandbox). */
  create(dirs: SandboxDirs): void {
    const names = this.#pooled();
    while (names.length > 0) {
      const name = names.pop()!;
      try {
        // Fails with ENOTEMPTY or EEXIST when an earlier try's sandbox (never empty: it holds `work`) is there.
        renameSync(join(this.#dir, name), dirs.root);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST") {
          names.push(name);
          break;
        }
        if (code !== "ENOENT") throw error;
      }
    }
    createSandbox(dirs);
  }

  /**
   * Takes the finished attempt's sandbox at `root` back into the pool when the task left nothing in it and
   * the pool has room; removes it otherwise (see {@link removeSandbox}).
   */
  async release(root: string): Promise<void> {
    const names = this.#pooled();
    if (names.length < this.#max && isUntouched(root)) {
      const name = `${process.pid.toString(36)}-${(this.#next++).toString(36)}`;
      try {
        if (names.length === 0) mkdirSync(this.#dir, { recursive: true });
        renameSync(root, join(this.#dir, name));
        names.push(name);
        return;
      } catch {
        // Not kept: removed below.
      }
    }
    await removeSandbox(root);
  }

  #pooled(): string[] {
    if (this.#names === undefined) {
      try {
        this.#names = readdirSync(this.#dir);
      } catch {
        this.#names = [];
      }
    }
    return this.#names;
  }
}

/** Whether the sandbox at `root` holds only what {@link SandboxPool} put there: an empty `work` and `pid.json`. */
function isUntouched(root: string): boolean {
  try {
    const entries = readdirSync(root);
    const expected = entries.every((name) => name === "work" || name === PID_FILE);
    return expected && entries.includes("work") && readdirSync(join(root, "work")).length === 0;
  } catch {
    return false;
  }
}

/**
 * Creates the sandbox with its working directory. A sandbox that already exists was left by an earlier try
 * of this same round (the engine crashed before saving its state): its process, if still running, must
 * not run beside the new one, so it is killed and the sandbox made afresh.
 */
function createSandbox(dirs: SandboxDirs): void {
  // A recursive mkdir returns the first directory it created: the root or one of its parents for a fresh
  // sandbox; `work` or nothing when the root was there already.
  const created = mkdirSync(dirs.work, { recursive: true });
  if (created !== undefined && created !== dirs.work) return;
  const previous = readStartedProcess(dirs.root);
  if (previous !== undefined && isProcessAlive(previous.pid, previous.startTicks)) {
    signalProcessGroup(previous.pid, "SIGKILL");
  }
  rmSync(dirs.root, { recursive: true, force: true });
  mkdirSync(dirs.work, { recursive: true });
}

/**
 * Where the launcher records the sandbox's process as soon as it started (LaunchSpec.pidFile): for a later
 * try of the same round after a crash (see createSandbox), and for finding the process after a restart
 * when the saved plugin state predates its start.
 */
export function pidFileOf(dirs: SandboxDirs): string {
  return join(dirs.root, PID_FILE);
}

/** The process recorded in the sandbox at `root`, if any. */
export function readStartedProcess(root: string): StartedProcess | undefined {
  let record: { pid?: unknown; startTicks?: unknown; procStat?: unknown };
  try {
    record = JSON.parse(readFileSync(join(root, PID_FILE), "utf8")) as typeof record;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== "number") return undefined;
  const startTicks =
    typeof record.startTicks === "number"
      ? record.startTicks
      : typeof record.procStat === "string"
        ? parseProcStat(record.procStat)?.startTicks
        : undefined;
  return { pid: record.pid, startTicks };
}

/**
 * Removes the sandbox at `root`: it is renamed away at once (so the path is gone when this returns) and its
 * contents are deleted in the background, however many files the task left. (A crash meanwhile leaves them
 * in the `.removing` directory beside the sandboxes.)
 */
export async function removeSandbox(root: string): Promise<void> {
  if (!existsSync(root)) return;
  const trash = join(dirname(root), TRASH_DIR, `${basename(root)}-${process.hrtime.bigint().toString(36)}`);
  try {
    mkdirSync(dirname(trash), { recursive: true });
    renameSync(root, trash);
  } catch {
    await rm(root, { recursive: true, force: true });
    return;
  }
  void rm(trash, { recursive: true, force: true }).catch(() => undefined);
}
