/*
 * An attempt's sandbox on disk: created with the fewest system calls on the hot path, cleared when an
 * earlier try of the same round left one behind, and removed without holding up the engine's round.
 *
 * The small metadata calls here are synchronous on purpose: each takes tens of microseconds, while the
 * same call through libuv's thread pool waits behind the engine's other I/O and costs a millisecond or
 * more when many tasks start in one round.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isProcessAlive, signalProcessGroup } from "./process-liveness.js";
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
 * Creates the sandbox with its working directory. A sandbox that already exists was left by an earlier try
 * of this same round (the engine crashed before saving its state): its process, if still running, must
 * not run beside the new one, so it is killed and the sandbox made afresh.
 */
export function createSandbox(dirs: SandboxDirs): void {
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

/** Records the sandbox's process, for {@link createSandbox} after a crash. */
export function recordStartedProcess(dirs: SandboxDirs, started: StartedProcess): void {
  writeFileSync(join(dirs.root, PID_FILE), JSON.stringify(started));
}

function readStartedProcess(root: string): { pid: number; startTicks?: number } | undefined {
  try {
    return JSON.parse(readFileSync(join(root, PID_FILE), "utf8")) as { pid: number; startTicks?: number };
  } catch {
    return undefined;
  }
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
