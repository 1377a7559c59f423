/*
 * The processes this engine process started and has not forgotten: how each one exited, and who to tell
 * when it does. Lost on restart by nature; the plugin state then holds what is needed to find the process.
 */
import { constants } from "node:os";
import { parseProcStat } from "./process-liveness.js";
import { LaunchError, ProcessLauncher } from "./process-launcher.js";

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
  /** The start time in clock ticks since boot (Linux), to tell the process from a later one with its pid. */
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
  readonly #launcher = new ProcessLauncher();

  /**
   * Starts a process as the leader of a new process group, its output going straight to files (so it
   * keeps running, and logging, if the engine exits). Resolves once the OS started it.
   *
   * @throws SpawnError when it cannot start (program not found, not executable, bad cwd).
   */
  async spawn(key: string, spec: ProcessSpec): Promise<StartedProcess> {
    if (spec.argv[0] === undefined) throw new SpawnError("EINVAL", "empty command");
    const entry: Entry = { pid: 0, exit: undefined, listeners: [] };
    let launched;
    try {
      launched = await this.#launcher.launch(spec, (exit) => {
        if (exit === undefined) {
          // The launcher died: this exit will never be known here. Forgotten, the process is found by its
          // pid as after an engine restart; whoever waits is told to look.
          if (this.#entries.get(key) === entry) this.#entries.delete(key);
        } else {
          entry.exit = {
            exitCode: exit.code ?? 128 + (exit.signal === null ? 0 : (constants.signals[exit.signal] ?? 0)),
            signal: exit.signal ?? undefined,
          };
        }
        const listeners = entry.listeners;
        entry.listeners = [];
        for (const listener of listeners) listener();
      });
    } catch (e) {
      if (e instanceof LaunchError && e.stage === "spawn") throw new SpawnError(e.code, e.message);
      if (e instanceof LaunchError) throw Object.assign(new Error(e.message), { code: e.code });
      throw e;
    }
    entry.pid = launched.pid;
    this.#entries.set(key, entry);
    const stat = launched.procStat === undefined ? undefined : parseProcStat(launched.procStat);
    return { pid: entry.pid, startTicks: stat?.startTicks };
  }

  /** Stops the launcher (running processes go on; their exits are no longer seen). */
  close(): void {
    this.#launcher.close();
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
