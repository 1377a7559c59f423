import type { ExecutionChangeNotice } from "./execution-change.js";

/**
 * The changes a watcher has yet to re-read, oldest first. A change of an entity that is already pending is
 * dropped: its re-read will find the newer state anyway, so a burst of events costs one read per entity.
 * @internal
 */
export class PendingChanges {
  readonly #pending = new Map<string, ExecutionChangeNotice>();
  #wake: (() => void) | undefined;

  /** Adds a notice (from a feed listener: never throws, never blocks). */
  push(notice: ExecutionChangeNotice): void {
    const key = pendingKey(notice);
    if (!this.#pending.has(key)) this.#pending.set(key, notice);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The oldest pending notice, removed, or undefined when there is none. */
  take(): ExecutionChangeNotice | undefined {
    const first = this.#pending.entries().next();
    if (first.done === true) return undefined;
    this.#pending.delete(first.value[0]);
    return first.value[1];
  }

  /**
   * The oldest pending notice, waiting for one if needed.
   * @throws the abort reason of `signal` once it aborts.
   */
  async next(signal: AbortSignal): Promise<ExecutionChangeNotice> {
    for (;;) {
      signal.throwIfAborted();
      const notice = this.take();
      if (notice !== undefined) return notice;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.#wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }
}

/** Which entity a notice is about. */
function pendingKey(notice: ExecutionChangeNotice): string {
  switch (notice.kind) {
    case "execution":
    case "resync":
      return notice.kind;
    case "node":
      return `node ${notice.nodeId}`;
    case "task": {
      const { taskId, nodeExecutionId, retryAttempt } = notice.task;
      return `task ${JSON.stringify([nodeExecutionId.nodeId, taskId.project, taskId.domain, taskId.name, taskId.version, retryAttempt])}`;
    }
  }
}
