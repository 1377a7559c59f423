/*
 * The processes this engine process started and has not forgotten: how each one exited, and who to tell
 * when it does. Lost on restart by nature; the plugin state then holds what is needed to find the process.
 */
import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { constants } from "node:os";
import { processStartTicks } from "./process-liveness.js";

/** How a process ended. */
export interface ProcessExit {
  /** The exit code, or `128 + signal number` when killed by a signal (as container runtimes report it). */
  exitCode: number;
  /** The signal that killed it, if any. */
  signal: NodeJS.Signals | undefined;
}

/** What {@link ProcessTable.spawn} started. */
export interface StartedProcess {
  pid: number;
  /** See {@link processStartTicks}. */
  startTicks: number | undefined;
}

/** What {@link ProcessTable.spawn} runs. */
export interface ProcessSpec {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Files the process's stdout and stderr are appended to (they outlive the engine). */
  stdoutFile: string;
  stderrFile: string;
}

/** Why a process could not start: the `errno` code (`ENOENT`, `EACCES`…) and Node's message. */
export class SpawnError extends Error {
  constructor(
    readonly errno: string,
    message: string,
  ) {
    super(message);
    this.name = "SpawnError";
  }
}

interface Entry {
  pid: number;
  exit: ProcessExit | undefined;
  listeners: Array<() => void>;
}

/** Processes started by this engine process, by key (the attempt's sandbox). */
export class ProcessTable {
  readonly #entries = new Map<string, Entry>();

  /**
   * Starts a process as the leader of a new process group, its output going straight to files (so it
   * keeps running, and logging, if the engine exits). Resolves once the OS started it.
   *
   * @throws SpawnError when it cannot start (program not found, not executable, bad cwd).
   */
  async spawn(key: string, spec: ProcessSpec): Promise<StartedProcess> {
    const [command, ...args] = spec.argv;
    if (command === undefined) throw new SpawnError("EINVAL", "empty command");
    const stdout = await open(spec.stdoutFile, "a");
    const stderr = await open(spec.stderrFile, "a").catch(async (e: unknown) => {
      await stdout.close();
      throw e;
    });
    try {
      const child = spawn(command, args, {
        cwd: spec.cwd,
        env: spec.env,
        stdio: ["ignore", stdout.fd, stderr.fd],
        detached: true,
      });
      const entry: Entry = { pid: 0, exit: undefined, listeners: [] };
      await new Promise<void>((resolve, reject) => {
        child.once("spawn", () => resolve());
        child.once("error", (e: NodeJS.ErrnoException) => reject(new SpawnError(e.code ?? "UNKNOWN", e.message)));
      });
      entry.pid = child.pid as number;
      child.on("exit", (code, signal) => {
        entry.exit = {
          exitCode: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)),
          signal: signal ?? undefined,
        };
        const listeners = entry.listeners;
        entry.listeners = [];
        for (const listener of listeners) listener();
      });
      // The engine may exit while the task runs; the task keeps running on its own.
      child.unref();
      this.#entries.set(key, entry);
      return { pid: entry.pid, startTicks: processStartTicks(entry.pid) };
    } finally {
      await stdout.close();
      await stderr.close();
    }
  }

  /** Whether this table started the process of `key` (and has not forgotten it). */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** How the process of `key` exited; `undefined` while it runs or when unknown here. */
  exitOf(key: string): ProcessExit | undefined {
    return this.#entries.get(key)?.exit;
  }

  /** Calls `listener` once when the process of `key` exits (at once if it has). */
  onExit(key: string, listener: () => void): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (entry.exit !== undefined) queueMicrotask(listener);
    else entry.listeners.push(listener);
  }

  /** Drops what is known of `key`. */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}
