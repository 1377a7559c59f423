/**
 * `@aloft/sdk/worker`: a warm worker for the engine's ts-worker plugin. Started with `child_process.fork`,
 * it runs TypeScript tasks one after another in the same Node process, exactly as the `aloft-fast-execute`
 * and `aloft-execute` bins would in a container (same arguments, same outputs.pb / error.pb / futures.pb),
 * but the code archive is unpacked once per bundle (`installCodeArchive` skips an archive already in place)
 * and the task modules are imported once (Node's module cache), so a task costs an IPC round trip.
 *
 * The messages (declared by the engine's `plugins/ts-worker/worker-protocol.ts`):
 * worker → engine `{ type: "ready" }` once listening, then `{ type: "done", runId, exitCode }` per run;
 * engine → worker `{ type: "run", runId, argv, env, codeDir? }` and `{ type: "abort", runId, reason }`.
 * The worker exits when the IPC channel closes (the engine is gone).
 *
 * ```ts
 * import { fork } from "node:child_process";
 * import { createRequire } from "node:module";
 *
 * const worker = fork(createRequire(import.meta.url).resolve("@aloft/sdk/worker"));
 * worker.send({ type: "run", runId: "r1", argv: ["aloft-execute", "--inputs", …], env: {} });
 * worker.on("message", (m) => console.log(m)); // { type: "ready" }, then { type: "done", runId: "r1", exitCode: 0 }
 * ```
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WorkerAbortMessage, WorkerReply, WorkerRunMessage } from "@aloft/engine";
import { executeTaskEntrypoint } from "./execute-task-entrypoint.js";
import { fastExecuteEntrypoint } from "./fast-execute-entrypoint.js";

/** What {@link startTaskWorker} talks through: the IPC channel of the process by default. */
export interface TaskWorkerChannel {
  send(message: WorkerReply): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Options of {@link startTaskWorker}. */
export interface TaskWorkerOptions {
  /** @default the process's IPC channel (the process exits when it closes: the engine is gone) */
  channel?: TaskWorkerChannel;
  /** Where progress and failures are logged. @default stderr */
  log?: (line: string) => void;
}

function processChannel(): TaskWorkerChannel {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error("the TypeScript worker must be started with child_process.fork");
  process.on("disconnect", () => process.exit(0));
  return {
    send: (message) => void send(message),
    onMessage: (listener) => void process.on("message", listener),
  };
}

function isRun(message: unknown): message is WorkerRunMessage {
  const m = message as Partial<WorkerRunMessage> | null;
  return (
    typeof m === "object" &&
    m !== null &&
    m.type === "run" &&
    typeof m.runId === "string" &&
    Array.isArray(m.argv) &&
    typeof m.env === "object"
  );
}

function isAbort(message: unknown): message is WorkerAbortMessage {
  const m = message as Partial<WorkerAbortMessage> | null;
  return typeof m === "object" && m !== null && m.type === "abort" && typeof m.runId === "string";
}

// User code reads `process.env` as in a container; one task runs at a time, so its environment is
// laid over the worker's for the run and taken off afterwards.
async function withTaskEnv<T>(env: Readonly<Record<string, string>>, run: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  try {
    return await run();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function runTask(message: WorkerRunMessage, signal: AbortSignal, log: (line: string) => void): Promise<number> {
  const [command] = message.argv;
  const cwd = process.cwd();
  if (command === "aloft-fast-execute") {
    return fastExecuteEntrypoint(message.argv.slice(1), message.env, { cwd, log, signal });
  }
  if (command === "aloft-execute") {
    const result = await executeTaskEntrypoint(message.argv, message.env, {
      codeDir: message.codeDir ?? cwd,
      cwd,
      log,
      signal,
    });
    return result.exitCode;
  }
  log(`aloft worker: runs aloft-fast-execute and aloft-execute, not ${JSON.stringify(command ?? "")}`);
  return 2;
}

/**
 * Serves runs on `channel` (the process's IPC channel by default), one at a time: each `run` is executed
 * as the bins would and answered with `done`; `abort` aborts the running task's signal. A `run` arriving
 * while another runs is refused with exit code 1 (the engine never sends one).
 */
export function startTaskWorker(options: TaskWorkerOptions = {}): void {
  const channel = options.channel ?? processChannel();
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let current: { runId: string; abort: AbortController } | undefined;

  channel.onMessage((message) => {
    if (isAbort(message)) {
      if (current?.runId === message.runId) current.abort.abort(new Error(message.reason));
      return;
    }
    if (!isRun(message)) return;
    if (current !== undefined) {
      log(`aloft worker: refusing run ${message.runId}, run ${current.runId} is still running`);
      channel.send({ type: "done", runId: message.runId, exitCode: 1 });
      return;
    }
    const run = { runId: message.runId, abort: new AbortController() };
    current = run;
    void withTaskEnv(message.env, () => runTask(message, run.abort.signal, log))
      .catch((error: unknown) => {
        log(`aloft worker: the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return 1;
      })
      .then((exitCode) => {
        current = undefined;
        channel.send({ type: "done", runId: run.runId, exitCode });
      });
  });
  channel.send({ type: "ready" });
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (process.send !== undefined && isMainModule()) startTaskWorker();
