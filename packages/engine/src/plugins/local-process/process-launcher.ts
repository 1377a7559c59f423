/*
 * Starts task processes from a small helper process rather than from the engine. fork() copies the page
 * tables of the process that calls it and blocks its event loop meanwhile: from an engine of a few hundred
 * MB that is several milliseconds per task, every other workflow waiting. The helper is a bare Node process
 * (no application code) that forks in a fraction of that and reports each start and exit over its IPC
 * channel. Tasks run detached, in their own process group, so they outlive the helper and the engine alike.
 */
import { type ChildProcess, spawn } from "node:child_process";

/**
 * What to start: the command, its environment, and the files its stdout and stderr are appended to (their
 * directory is made when missing).
 */
export interface LaunchSpec {
  argv: readonly string[];
  cwd: string;
  /** The environment, or with `inheritEnv` what is set over the engine's own (sent to the helper once). */
  env: Readonly<Record<string, string>>;
  inheritEnv?: boolean;
  stdoutFile: string;
  stderrFile: string;
  /**
   * A file the helper writes `{"pid", "procStat"}` to right after the start, before it reports it: the record
   * exists if and only if the process started, even when the engine died meanwhile.
   */
  pidFile?: string;
}

/** A started process: its pid and `/proc/<pid>/stat` as read right after the start (Linux). */
export interface Launched {
  pid: number;
  procStat: string | undefined;
}

/** How a process ended, as Node's `exit` event reports it. */
export interface LaunchedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Why a process did not start: `stage` says whether a log file or the program itself failed. */
export class LaunchError extends Error {
  constructor(
    readonly stage: "open" | "spawn",
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "LaunchError";
  }
}

/** The helper's program, run with `node -e` (CommonJS, Node built-ins only). */
const HELPER_SOURCE = `
"use strict";
const { spawn } = require("node:child_process");
const { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
const fail = (id, stage, e) => process.send({ id, kind: "failed", stage, code: e.code || "UNKNOWN", message: e.message });
const openLog = (file) => {
  try {
    return openSync(file, "a");
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
    mkdirSync(dirname(file), { recursive: true });
    return openSync(file, "a");
  }
};
let inherited = {};
process.on("message", (m) => {
  if (m.inherited) {
    inherited = m.inherited;
    return;
  }
  const fds = [];
  let child;
  try {
    try {
      fds.push(openLog(m.stdoutFile), openLog(m.stderrFile));
    } catch (e) {
      return fail(m.id, "open", e);
    }
    try {
      const env = m.inheritEnv ? Object.assign({}, inherited, m.env) : m.env;
      child = spawn(m.argv[0], m.argv.slice(1), { cwd: m.cwd, env, stdio: ["ignore", fds[0], fds[1]], detached: true });
    } catch (e) {
      return fail(m.id, "spawn", e);
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  child.on("error", (e) => { if (child.pid === undefined) fail(m.id, "spawn", e); });
  if (child.pid === undefined) return;
  let procStat;
  try { procStat = readFileSync("/proc/" + child.pid + "/stat", "utf8"); } catch {}
  if (m.pidFile) {
    try { writeFileSync(m.pidFile, JSON.stringify({ pid: child.pid, procStat })); } catch {}
  }
  process.send({ id: m.id, kind: "started", pid: child.pid, procStat });
  child.on("exit", (code, signal) => process.send({ id: m.id, kind: "exited", code, signal }));
});
process.on("disconnect", () => process.exit(0));
// Ctrl-C in a terminal reaches the whole foreground group: the engine decides when the helper goes.
process.on("SIGINT", () => {});
`;

type HelperMessage =
  | { id: number; kind: "failed"; stage: "open" | "spawn"; code: string; message: string }
  | { id: number; kind: "started"; pid: number; procStat?: string }
  | { id: number; kind: "exited"; code: number | null; signal: NodeJS.Signals | null };

interface Pending {
  resolve: (launched: Launched) => void;
  reject: (error: Error) => void;
  onExit: (exit: LaunchedExit | undefined) => void;
}

/**
 * Starts processes through one helper, started on first use and again after it died. `onExit` receives
 * the exit, or `undefined` when the helper died first and the exit cannot be known.
 */
export class ProcessLauncher {
  #helper: ChildProcess | undefined;
  #nextId = 0;
  /** Launches not yet answered. */
  readonly #starting = new Map<number, Pending>();
  /** Started processes whose exit is awaited. */
  readonly #running = new Map<number, Pending>();

  /**
   * Starts `spec` as the leader of a new process group.
   *
   * @throws LaunchError when a log file cannot be opened or the program cannot start.
   */
  launch(spec: LaunchSpec, onExit: (exit: LaunchedExit | undefined) => void): Promise<Launched> {
    const helper = this.#helper ?? this.#startHelper();
    const id = this.#nextId++;
    return new Promise<Launched>((resolve, reject) => {
      this.#starting.set(id, { resolve, reject, onExit });
      // Keep the engine alive while an answer is due; running tasks alone must not (they outlive it).
      helper.channel?.ref();
      helper.send({ id, ...spec }, (error) => {
        // The helper went away before it got the message (its exit is handled as a lost helper).
        if (error !== null && this.#starting.delete(id)) reject(new Error("the process launcher exited"));
      });
    });
  }

  /** Stops the helper (tasks keep running; their exits are no longer reported). */
  close(): void {
    this.#helper?.disconnect();
  }

  #startHelper(): ChildProcess {
    const env = { ...process.env };
    // No loaders or flags of the engine's own (a TypeScript loader, an inspector) in the helper.
    delete env.NODE_OPTIONS;
    const helper = spawn(process.execPath, ["-e", HELPER_SOURCE], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env,
    });
    helper.on("message", (message: HelperMessage) => this.#receive(message));
    helper.on("error", () => this.#lost(helper));
    helper.on("exit", () => this.#lost(helper));
    helper.unref();
    helper.channel?.unref();
    // The engine's environment, which tasks inherit, goes over once rather than with every launch.
    const inherited: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) inherited[key] = value;
    helper.send({ inherited }, () => undefined);
    this.#helper = helper;
    return helper;
  }

  #receive(message: HelperMessage): void {
    if (message.kind === "exited") {
      const pending = this.#running.get(message.id);
      this.#running.delete(message.id);
      pending?.onExit({ code: message.code, signal: message.signal });
      return;
    }
    const pending = this.#starting.get(message.id);
    if (pending === undefined) return;
    this.#starting.delete(message.id);
    if (this.#starting.size === 0) this.#helper?.channel?.unref();
    if (message.kind === "failed") {
      pending.reject(new LaunchError(message.stage, message.code, message.message));
    } else {
      this.#running.set(message.id, pending);
      pending.resolve({ pid: message.pid, procStat: message.procStat });
    }
  }

  #lost(helper: ChildProcess): void {
    if (this.#helper !== helper) return;
    this.#helper = undefined;
    const starting = [...this.#starting.values()];
    const running = [...this.#running.values()];
    this.#starting.clear();
    this.#running.clear();
    for (const pending of starting) pending.reject(new Error("the process launcher exited"));
    for (const pending of running) pending.onExit(undefined);
  }
}
