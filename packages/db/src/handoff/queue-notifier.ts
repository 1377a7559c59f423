import type { QueueAnnouncer } from "./execution-queue-repo.js";

/** Options of {@link QueueNotifier.wait}. */
export interface QueueWaitOptions {
  /** Resolve as soon as the generation passes this value (read it before looking for work). */
  after: number;
  /** Resolve at this time (epoch milliseconds) even without an announcement, e.g. when a lease runs out. */
  untilMs?: number;
  /** Resolve (not reject) when this aborts. */
  signal?: AbortSignal;
}

/**
 * Wake-ups for execution queue consumers, so they never poll. Producers `announce` after a change;
 * consumers read `generation()`, look for work, and if there is none `wait({ after })`: an
 * announcement that arrived in between makes `wait` return at once, so none is lost.
 */
export interface QueueNotifier {
  /** Give to whatever writes the queue (`createExecutionQueueRepo`, admin's repositories); runs inside the writer's transaction. */
  readonly announce: QueueAnnouncer;
  /** Grows by at least one with every announcement this process learns of. */
  generation(): number;
  /** Resolves when the generation passes `after`, at `untilMs`, or when `signal` aborts. */
  wait(options: QueueWaitOptions): Promise<void>;
  /** Stops listening and releases waiters. */
  close(): Promise<void>;
}

/** Longest single timer; longer waits re-arm (Node timers overflow past 2^31-1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The waiting half every notifier shares: a generation counter and the set of pending waits.
 * @internal
 */
export class WaiterSet {
  #generation = 0;
  readonly #waiters = new Set<() => void>();

  generation(): number {
    return this.#generation;
  }

  /** Counts an announcement and wakes every waiter. */
  bump(): void {
    this.#generation += 1;
    for (const wake of [...this.#waiters]) wake();
  }

  wait(options: QueueWaitOptions): Promise<void> {
    if (this.#generation > options.after || options.signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        this.#waiters.delete(done);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const arm = (): void => {
        if (options.untilMs === undefined) return;
        const remaining = options.untilMs - Date.now();
        if (remaining <= 0) {
          done();
          return;
        }
        timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
      };
      this.#waiters.add(done);
      options.signal?.addEventListener("abort", done, { once: true });
      arm();
    });
  }

  /** Wakes everyone (used on close). */
  releaseAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/**
 * A notifier for one process (SQLite, or tests): `announce` wakes waiters directly. Waking before
 * the writer commits is harmless on SQLite: the woken consumer's claim queues behind the writer's
 * transaction on the single connection, so it sees the committed row.
 */
export function createLocalQueueNotifier(): QueueNotifier {
  const waiters = new WaiterSet();
  return {
    announce: () => {
      waiters.bump();
      return Promise.resolve();
    },
    generation: () => waiters.generation(),
    wait: (options) => waiters.wait(options),
    close: () => {
      waiters.releaseAll();
      return Promise.resolve();
    },
  };
}
