/*
 * The processes this engine process started and has not forgotten: how each one exited, and who to tell
 * when it does. Lost on restart by nature; the plugin state then holds what is needed to find the process.
 */
import { constants } from "node:os";
import { parseProcStat } from "./process-liveness.js";
import { LaunchError, type LaunchedExit, ProcessLauncher, type LaunchSpec } from "./process-launcher.js";

/** How a process ended. */
export interface ProcessExit {
  /** The exit code, or `128 + signal number` when killed by a signal (as container runtimes report it). */
  exitCode: number;
  /** The signal that killed it, if any. */
  signal: NodeJS.Signals | undefined;
}

/** What {@link ProcessTable.start} started. */
export interface StartedProcess {
  pid: number;
  /** The start time in clock ticks since boot (Linux), to tell the process from a later one with its pid. */
  startTicks: number | undefined;
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
  /** 0 until the start is reported. */
  pid: number;
  startTicks: number | undefined;
  exit: ProcessExit | undefined;
  /** Why the process did not start. */
  failure: Error | undefined;
  /** Called once the process exited or failed to start. */
  listeners: Array<() => void>;
  /** Settles once the start is reported: the process, or undefined when it did not start. */
  started: Promise<StartedProcess | undefined>;
}

/** Processes started by this engine process, by key (the attempt's sandbox). */
export class ProcessTable {
  readonly #entries = new Map<string, Entry>();
  readonly #launcher = new ProcessLauncher();

  /**
   * Starts a process as the leader of a new process group, its output going straight to files (so it
   * keeps running, and logging, if the engine exits). Returns at once: the caller need not wait for the
   * fork; {@link failureOf} tells when it did not start (SpawnError: program not found, not executable,
   * bad cwd), and {@link onExit} listeners hear of that as of an exit.
   */
  start(key: string, spec: LaunchSpec): void {
    let resolveStarted: (started: StartedProcess | undefined) => void = () => undefined;
    const entry: Entry = {
      pid: 0,
      startTicks: undefined,
      exit: undefined,
      failure: undefined,
      listeners: [],
      started: new Promise((resolve) => (resolveStarted = resolve)),
    };
    this.#entries.set(key, entry);
    const settle = () => {
      const listeners = entry.listeners;
      entry.listeners = [];
      for (const listener of listeners) listener();
    };
    if (spec.argv[0] === undefined) {
      entry.failure = new SpawnError("EINVAL", "empty command");
      resolveStarted(undefined);
      queueMicrotask(settle);
      return;
    }
    const onExit = (exit: LaunchedExit | undefined) => {
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
      settle();
    };
    this.#launcher.launch(spec, onExit).then(
      (launched) => {
        entry.pid = launched.pid;
        const stat = launched.procStat === undefined ? undefined : parseProcStat(launched.procStat);
        entry.startTicks = stat?.startTicks;
        resolveStarted({ pid: entry.pid, startTicks: entry.startTicks });
      },
      (error: unknown) => {
        if (error instanceof LaunchError && error.stage === "spawn") {
          entry.failure = new SpawnError(error.code, error.message);
        } else if (error instanceof LaunchError) {
          entry.failure = Object.assign(new Error(error.message), { code: error.code });
        } else {
          // The launcher died before answering: whether the process started is unknown here.
          if (this.#entries.get(key) === entry) this.#entries.delete(key);
        }
        resolveStarted(undefined);
        settle();
      },
    );
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

  /** Why the process of `key` did not start, if it did not. */
  failureOf(key: string): Error | undefined {
    return this.#entries.get(key)?.failure;
  }

  /** The process of `key` once its start is reported; `undefined` if it did not start or is unknown here. */
  started(key: string): Promise<StartedProcess | undefined> {
    return this.#entries.get(key)?.started ?? Promise.resolve(undefined);
  }

  /** Calls `listener` once when the process of `key` exits or fails to start (at once if it has). */
  onExit(key: string, listener: () => void): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (entry.exit !== undefined || entry.failure !== undefined) queueMicrotask(listener);
    else entry.listeners.push(listener);
  }

  /** Drops what is known of `key`. */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}
