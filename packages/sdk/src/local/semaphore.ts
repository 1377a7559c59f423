/** A counting semaphore with FIFO waiters; a limit of 0 means unlimited. */
export class Semaphore {
  #available: number;
  readonly #unlimited: boolean;
  readonly #waiters: (() => void)[] = [];
  #head = 0;

  constructor(limit: number) {
    this.#unlimited = limit <= 0;
    this.#available = limit;
  }

  /**
   * Waits for a slot. Resolves `false` (taking nothing) when `signal` aborts first, `true` once the
   * slot is held; the holder must {@link release} it.
   */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (this.#unlimited) return Promise.resolve(true);
    if (signal?.aborted === true) return Promise.resolve(false);
    if (this.#available > 0) {
      this.#available--;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        resolve(false);
      };
      this.#waiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        if (settled) {
          // Aborted while queued: pass the slot on.
          this.release();
          return;
        }
        settled = true;
        resolve(true);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Returns a slot, waking the longest waiter. */
  release(): void {
    if (this.#unlimited) return;
    if (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head];
      this.#waiters[this.#head] = noop;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
        this.#waiters.splice(0, this.#head);
        this.#head = 0;
      }
      next?.();
      return;
    }
    this.#available++;
  }
}

function noop(): void {}
