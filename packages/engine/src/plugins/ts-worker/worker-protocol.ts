/**
 * The messages between the ts-worker plugin and a warm worker process, over Node's IPC channel
 * (`child_process.fork`). The SDK's worker entry (`@aloft/sdk/worker`) speaks the other side with these types;
 * this comment is the contract:
 *
 * 1. The worker sends `ready` once it listens.
 * 2. The plugin sends `run` (one at a time per worker): the container args of a `ts-task` with Flyte's
 *    templates rendered (`aloft-fast-execute … -- aloft-execute …` or `aloft-execute …`), the environment
 *    the task would get in its container, and the folder holding the code for non-fast tasks.
 * 3. The worker runs it exactly as the bins would (outputs.pb / error.pb / futures.pb under the output
 *    prefix) and sends `done` with the exit code the bin would have exited with.
 * 4. `abort` asks the worker to abort the running task (its `ctx.signal`); the plugin kills the worker if
 *    the task does not stop within a grace period.
 *
 * The worker exits when the channel closes (the engine is gone).
 */

/** Plugin → worker: run a task. */
export interface WorkerRunMessage {
  type: "run";
  runId: string;
  /** Rendered container args, starting with `aloft-fast-execute` or `aloft-execute`. */
  argv: string[];
  env: Record<string, string>;
  /** Where a non-fast task's code is (a checkout or unpacked bundle); the worker's cwd when absent. */
  codeDir?: string;
}

/** Plugin → worker: abort the running task. */
export interface WorkerAbortMessage {
  type: "abort";
  runId: string;
  reason: string;
}

export type WorkerRequest = WorkerRunMessage | WorkerAbortMessage;

/** Worker → plugin: listening. */
export interface WorkerReadyMessage {
  type: "ready";
}

/** Worker → plugin: the run finished (`exitCode` as the bin would exit: 0 whenever a result or error.pb was written). */
export interface WorkerDoneMessage {
  type: "done";
  runId: string;
  exitCode: number;
}

export type WorkerReply = WorkerReadyMessage | WorkerDoneMessage;

/** Whether `message` is a reply the plugin understands. */
export function isWorkerReply(message: unknown): message is WorkerReply {
  if (typeof message !== "object" || message === null) return false;
  const m = message as { type?: unknown; runId?: unknown; exitCode?: unknown };
  if (m.type === "ready") return true;
  return m.type === "done" && typeof m.runId === "string" && typeof m.exitCode === "number";
}
