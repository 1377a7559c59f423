/** Counters and round-latency samples for benchmarks and health checks. */
export interface EngineStats {
  /** Workflows held in memory (live, owned by this engine). */
  activeWorkflows: number;
  /** Keys waiting for a worker. */
  readyQueueDepth: number;
  /** Rounds currently running. */
  roundsInFlight: number;
  rounds: number;
  /** Rounds that ended in a system error (counted in the workflow's failedAttempts). */
  roundErrors: number;
  /** Rounds whose status changed and were persisted. */
  savedRounds: number;
  /** Transactions of the group commit. */
  saveTransactions: number;
  /** Workflows dropped because another engine took them over. */
  lostWorkflows: number;
  /** The latest round latencies in milliseconds (handler work + persistence), oldest first. */
  roundLatencyMs: number[];
}

/** A bounded ring of latency samples. */
export class LatencySamples {
  readonly #samples: number[] = [];
  #next = 0;
  constructor(readonly capacity = 10_000) {}

  add(ms: number): void {
    if (this.#samples.length < this.capacity) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.capacity;
  }

  snapshot(): number[] {
    if (this.#samples.length < this.capacity) return [...this.#samples];
    return [...this.#samples.slice(this.#next), ...this.#samples.slice(0, this.#next)];
  }
}
