/*
 * Warm worker processes for TypeScript tasks, keyed by code bundle: a worker imports a bundle's modules once
 * and runs its tasks one after another, so a task costs an IPC round trip instead of a Node start, a bundle
 * download and module loading. Idle workers of other bundles are evicted (least recently used first) when
 * the pool is full; busy ones never are.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { isWorkerReply, type WorkerRequest } from "./worker-protocol.js";

const STDERR_TAIL_CHARS = 4096;

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** The worker's entry file (the SDK's `worker.js`). */
  workerEntry: string;
  /** Max worker processes, busy or idle. */
  poolSize: number;
  /** An idle worker exits after this long. */
  idleTimeoutMs: number;
  /** Node options of the workers. */
  execArgv: readonly string[];
  /** The workers' environment. */
  env: Readonly<Record<string, string>>;
  /** Parent of the workers' working directories (each gets its own, removed when it exits). */
  workRoot: string;
  /** After an abort request, how long the task may take to stop before its worker is killed. */
  abortGracePeriodMs: number;
}

/** How a run ended. */
export type RunOutcome =
  | { kind: "done"; exitCode: number; stderrTail: string }
  | { kind: "crashed"; exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string };

/** A run to start. */
export interface RunRequest {
  runId: string;
  argv: string[];
  env: Record<string, string>;
  codeDir?: string;
  stdoutFile: string;
  stderrFile: string;
}

interface PooledWorker {
  id: number;
  key: string;
  child: ChildProcess;
  cwd: string;
  run: RunRecord | undefined;
  /** The run whose log files the worker's output goes to: the current one, else the last one. */
  logTarget: RunRecord | undefined;
  exited: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  lastUsed: number;
}

interface RunRecord {
  runId: string;
  worker: PooledWorker;
  outcome: RunOutcome | undefined;
  listeners: Array<() => void>;
  stdout: WriteStream;
  stderr: WriteStream;
  stderrTail: string;
  abortTimer: ReturnType<typeof setTimeout> | undefined;
}

/** What the pool holds, for stats and tests. */
export interface WorkerPoolStats {
  workers: number;
  busy: number;
  /** Worker processes started since the pool was created. */
  started: number;
}

/** A pool of warm worker processes; see the module comment. */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #workers = new Set<PooledWorker>();
  readonly #runs = new Map<string, RunRecord>();
  /** Waiters for a free slot, oldest first, by waiter key. */
  readonly #waiters = new Map<string, () => void>();
  #nextId = 0;
  #started = 0;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /**
   * Starts `request` on an idle worker of `key`, else on a new worker (evicting the least recently used
   * idle worker of another bundle when the pool is full). Returns false when every worker is busy.
   */
  start(key: string, request: RunRequest): boolean {
    if (this.#closed) throw new Error("the worker pool is closed");
    let worker = this.#idleWorkers().find((w) => w.key === key);
    if (worker === undefined) {
      if (this.#workers.size >= this.#options.poolSize) {
        const evict = this.#idleWorkers().sort((a, b) => a.lastUsed - b.lastUsed)[0];
        if (evict === undefined) return false;
        this.#remove(evict, { wakeWaiter: false });
        evict.child.kill("SIGKILL");
      }
      worker = this.#spawn(key);
    }
    this.#assign(worker, request);
    return true;
  }

  /** Whether this pool knows `runId` (it started it and it was not forgotten). */
  has(runId: string): boolean {
    return this.#runs.has(runId);
  }

  /** How `runId` ended; `undefined` while it runs or when unknown. */
  outcomeOf(runId: string): RunOutcome | undefined {
    return this.#runs.get(runId)?.outcome;
  }

  /** Calls `listener` once when `runId` ends (at once when it has). */
  onFinish(runId: string, listener: () => void): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    if (run.outcome !== undefined) queueMicrotask(listener);
    else run.listeners.push(listener);
  }

  /** Asks the worker of `runId` to abort it, and kills that worker if it has not stopped after the grace period. */
  abort(runId: string, reason: string): void {
    const run = this.#runs.get(runId);
    if (run === undefined || run.outcome !== undefined || run.abortTimer !== undefined) return;
    this.#send(run.worker, { type: "abort", runId, reason });
    run.abortTimer = setTimeout(() => {
      if (run.outcome === undefined) run.worker.child.kill("SIGKILL");
    }, this.#options.abortGracePeriodMs);
    run.abortTimer.unref();
  }

  /** Drops what is known of `runId` (after the attempt is finalized). */
  forget(runId: string): void {
    this.#runs.delete(runId);
  }

  /**
   * Calls `listener` once a worker may be had (one waiter per freed slot, oldest first). A waiter key
   * registered again keeps its place.
   */
  waitForCapacity(waiterKey: string, listener: () => void): void {
    this.#waiters.set(waiterKey, listener);
  }

  /** Forgets a waiter. */
  cancelWait(waiterKey: string): void {
    this.#waiters.delete(waiterKey);
  }

  stats(): WorkerPoolStats {
    let busy = 0;
    for (const w of this.#workers) if (w.run !== undefined) busy++;
    return { workers: this.#workers.size, busy, started: this.#started };
  }

  /** Kills every worker (engine shutdown); runs in flight end as crashed. */
  async close(): Promise<void> {
    this.#closed = true;
    const exits = [...this.#workers].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exited) return resolve();
          // Workers are unref'd so an idle pool never keeps Node running; while we wait for their exit they
          // must hold the event loop, or a process with nothing else open ends mid-close (exit code 13).
          w.child.ref();
          w.child.once("exit", () => resolve());
          w.child.kill("SIGKILL");
        }),
    );
    await Promise.all(exits);
  }

  #idleWorkers(): PooledWorker[] {
    return [...this.#workers].filter((w) => w.run === undefined && !w.exited);
  }

  // Synchronous, so two rounds starting at once cannot both take the last slot.
  #spawn(key: string): PooledWorker {
    const id = this.#nextId++;
    const cwd = join(this.#options.workRoot, `w${process.pid}-${id}`);
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    const child = fork(this.#options.workerEntry, [], {
      cwd,
      env: { ...this.#options.env },
      execArgv: [...this.#options.execArgv],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#started++;
    const worker: PooledWorker = {
      id,
      key,
      child,
      cwd,
      run: undefined,
      logTarget: undefined,
      exited: false,
      idleTimer: undefined,
      lastUsed: Date.now(),
    };
    this.#workers.add(worker);
    // Output and IPC messages travel on different pipes: what a task printed last may arrive after its
    // `done`, so it still goes to that run's files until the worker starts another run.
    child.stdout?.on("data", (chunk: Buffer) => worker.logTarget?.stdout.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      const run = worker.logTarget;
      if (run === undefined) return;
      run.stderr.write(chunk);
      run.stderrTail = (run.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    child.on("message", (message: unknown) => {
      if (!isWorkerReply(message) || message.type !== "done") return;
      const run = worker.run;
      if (run === undefined || run.runId !== message.runId) return;
      this.#finish(run, { kind: "done", exitCode: message.exitCode, stderrTail: run.stderrTail });
      this.#markIdle(worker);
    });
    child.on("error", () => {
      // A failed fork is reported by `exit` too; this keeps the error from being thrown.
    });
    // A crash is reported once the worker's output is read to the end ('close'), so its last words are in
    // the message; a grandchild holding the pipes open must not delay it for long.
    const crashed = (code: number | null, signal: NodeJS.Signals | null) => {
      const run = worker.run;
      if (run !== undefined) this.#finish(run, { kind: "crashed", exitCode: code, signal, stderrTail: run.stderrTail });
      this.#endLogs(worker);
    };
    child.on("exit", (code, signal) => {
      worker.exited = true;
      this.#remove(worker);
      void rm(cwd, { recursive: true, force: true });
      setTimeout(() => crashed(code, signal), 1_000).unref();
    });
    child.on("close", (code, signal) => crashed(code, signal));
    // Workers must not keep an engine process alive that is otherwise done.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return worker;
  }

  #assign(worker: PooledWorker, request: RunRequest): void {
    this.#endLogs(worker);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    worker.idleTimer = undefined;
    worker.lastUsed = Date.now();
    const run: RunRecord = {
      runId: request.runId,
      worker,
      outcome: undefined,
      listeners: [],
      stdout: createWriteStream(request.stdoutFile, { flags: "a" }),
      stderr: createWriteStream(request.stderrFile, { flags: "a" }),
      stderrTail: "",
      abortTimer: undefined,
    };
    run.stdout.on("error", () => undefined);
    run.stderr.on("error", () => undefined);
    worker.run = run;
    worker.logTarget = run;
    this.#runs.set(request.runId, run);
    this.#send(worker, {
      type: "run",
      runId: request.runId,
      argv: request.argv,
      env: request.env,
      ...(request.codeDir === undefined ? {} : { codeDir: request.codeDir }),
    });
  }

  #send(worker: PooledWorker, message: WorkerRequest): void {
    if (worker.exited || !worker.child.connected) return;
    worker.child.send(message, (error) => {
      // The worker died between the check and the send; its exit reports the run.
      if (error !== null && error !== undefined) worker.child.kill("SIGKILL");
    });
  }

  #finish(run: RunRecord, outcome: RunOutcome): void {
    if (run.outcome !== undefined) return;
    run.outcome = outcome;
    if (run.abortTimer !== undefined) clearTimeout(run.abortTimer);
    run.worker.run = undefined;
    const listeners = run.listeners;
    run.listeners = [];
    for (const listener of listeners) listener();
  }

  #endLogs(worker: PooledWorker): void {
    const last = worker.logTarget;
    if (last === undefined) return;
    worker.logTarget = undefined;
    last.stdout.end();
    last.stderr.end();
  }

  #markIdle(worker: PooledWorker): void {
    worker.lastUsed = Date.now();
    worker.idleTimer = setTimeout(() => {
      if (worker.run !== undefined) return;
      this.#remove(worker);
      worker.child.kill("SIGTERM");
    }, this.#options.idleTimeoutMs);
    worker.idleTimer.unref();
    this.#wakeOneWaiter();
  }

  #remove(worker: PooledWorker, options: { wakeWaiter: boolean } = { wakeWaiter: true }): void {
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    if (this.#workers.delete(worker) && options.wakeWaiter) this.#wakeOneWaiter();
  }

  #wakeOneWaiter(): void {
    const first = this.#waiters.entries().next();
    if (first.done === true) return;
    const [key, listener] = first.value;
    this.#waiters.delete(key);
    queueMicrotask(listener);
  }
}
