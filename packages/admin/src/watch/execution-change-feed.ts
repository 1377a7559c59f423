/**
 * Admin's publisher of execution changes: managers publish after their write committed, watchers subscribe per
 * workflow execution. {@link createLocalExecutionChangeFeed} serves one process; the PostgreSQL feed
 * (`postgres-execution-change-feed.ts`) relays changes between admin processes sharing a database.
 */
import type { ExecutionKey } from "../repositories/keys.js";
import { type ExecutionChange, executionChangeKey, type ExecutionChangeNotice } from "./execution-change.js";

/** Receives the notices of one subscription; it must not throw and should return quickly. */
export type ExecutionChangeListener = (notice: ExecutionChangeNotice) => void;

/** A PostgreSQL `NOTIFY` that tells other admin processes of a change, as the feed's relay would. */
export interface ChangeNotice {
  channel: string;
  payload: string;
}

/** Publishes and subscribes to execution changes. */
export interface ExecutionChangeFeed {
  /**
   * Announces a change. Call it only once the change is committed: subscribers re-read it at once. With `relayed`,
   * the writer sent the change's {@link ExecutionChangeFeed.noticeFor} notice in its own transaction, so it is
   * delivered in this process only.
   */
  publish(change: ExecutionChange, options?: { relayed?: boolean }): void;
  /**
   * The `NOTIFY` a writer can send in the transaction that makes `change` (delivered at its commit, one statement
   * fewer than the relay's), for a feed that reaches other processes; absent on a feed within one process.
   */
  readonly noticeFor?: (change: ExecutionChange) => ChangeNotice;
  /** Listens to the changes of one workflow execution until the returned function is called. */
  subscribe(executionId: ExecutionKey, listener: ExecutionChangeListener): () => void;
  /** How many subscriptions are open (for metrics and tests). */
  subscriptionCount(): number;
  /** Stops relaying (subscriptions stay, but hear nothing more). Idempotent. */
  close(): Promise<void>;
}

/**
 * The subscriber registry every feed shares: delivers a change to the subscribers of its execution, or a
 * `resync` to everyone.
 * @internal
 */
export class ExecutionChangeFanout {
  readonly #byExecution = new Map<string, Set<ExecutionChangeListener>>();
  #count = 0;

  subscribe(executionId: ExecutionKey, listener: ExecutionChangeListener): () => void {
    const key = executionChangeKey(executionId);
    let listeners = this.#byExecution.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.#byExecution.set(key, listeners);
    }
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const entry: ExecutionChangeListener = (notice) => listener(notice);
    listeners.add(entry);
    this.#count += 1;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#count -= 1;
      const current = this.#byExecution.get(key);
      current?.delete(entry);
      if (current?.size === 0) this.#byExecution.delete(key);
    };
  }

  deliver(change: ExecutionChange): void {
    const listeners = this.#byExecution.get(executionChangeKey(change.executionId));
    if (listeners === undefined) return;
    for (const listener of [...listeners]) listener(change);
  }

  /** Tells every subscriber to re-read its execution. */
  resyncAll(): void {
    for (const [key, listeners] of this.#byExecution) {
      const [project, domain, name] = JSON.parse(key) as [string, string, string];
      for (const listener of [...listeners]) listener({ kind: "resync", executionId: { project, domain, name } });
    }
  }

  count(): number {
    return this.#count;
  }
}

/** A feed within one process (SQLite, or a single admin): publishing delivers synchronously. */
export function createLocalExecutionChangeFeed(): ExecutionChangeFeed {
  const fanout = new ExecutionChangeFanout();
  return {
    publish: (change) => fanout.deliver(change),
    subscribe: (executionId, listener) => fanout.subscribe(executionId, listener),
    subscriptionCount: () => fanout.count(),
    close: async () => undefined,
  };
}
