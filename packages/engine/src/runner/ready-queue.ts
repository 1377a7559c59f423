/** A FIFO of workflow keys where a key is present at most once (propeller's de-duplicating work queue). */
export class ReadyQueue {
  readonly #keys = new Set<string>();
  #waiter: (() => void) | undefined;

  /** Adds `key` unless it is already waiting. */
  push(key: string): void {
    this.#keys.add(key);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Takes the oldest key, or undefined when empty. */
  shift(): string | undefined {
    const first = this.#keys.values().next();
    if (first.done === true) return undefined;
    this.#keys.delete(first.value);
    return first.value;
  }

  delete(key: string): void {
    this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Resolves when a key is pushed (or at once when one is waiting). */
  waitForKey(): Promise<void> {
    if (this.#keys.size > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#waiter;
      this.#waiter = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Releases every waiter (shutdown). */
  releaseWaiters(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
