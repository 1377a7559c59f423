import { AloftError } from "@aloft/idl";
import { type DbTime, dbTimeToDate, nowDbTime } from "../db-time.js";
import type { ExecutionQueueRepo } from "./execution-queue-repo.js";
import type { ExecutionQueueRow } from "./handoff-schema.js";
import { decodeAbortRequest, decodeExecutionRequest } from "./execution-payload-codec.js";
import type { QueueNotifier } from "./queue-notifier.js";
import type { AbortRequest, ExecutionRequest } from "./workflow-executor.js";

/** What every claimed hand-off carries. */
interface ClaimedBase {
  /** Row id; pass the item back to `complete`, `release`, `fail` or `extendLease`. */
  readonly id: number;
  /** How many times the row has been claimed, this claim included (1 on the first try). */
  readonly attempts: number;
  /** When this claim lapses unless extended. */
  readonly leaseExpiresAt: DbTime;
  /** `last_error` of an earlier attempt, if any. */
  readonly lastError: string | null;
}

/** A claimed "start this execution". */
export interface ClaimedExecute extends ClaimedBase {
  readonly kind: "create";
  readonly request: ExecutionRequest;
}

/** A claimed "abort this execution". */
export interface ClaimedAbort extends ClaimedBase {
  readonly kind: "abort";
  readonly request: AbortRequest;
}

/** A hand-off an engine claimed from the queue. */
export type ClaimedHandOff = ClaimedExecute | ClaimedAbort;

/** The engine's side of the execution queue. */
export interface QueueConsumer {
  /** Who this consumer claims as. */
  readonly owner: string;
  /**
   * Leases up to `limit` hand-offs, oldest first, for `leaseMs`. Rows whose payload cannot be read
   * are parked as failed and not returned.
   */
  claim(options: { limit: number; leaseMs: number }): Promise<ClaimedHandOff[]>;
  /** Done: removes the row. False if the lease was lost (another consumer took it over). */
  complete(item: ClaimedHandOff): Promise<boolean>;
  /** Not done, try again (after `delayMs`); the error is kept. False if the lease was lost. */
  release(item: ClaimedHandOff, options?: { delayMs?: number; error?: string }): Promise<boolean>;
  /** Give up on the row for good (kept as failed). False if the lease was lost. */
  fail(item: ClaimedHandOff, error: string): Promise<boolean>;
  /** Keeps a long task's lease alive. False if the lease was lost. */
  extendLease(item: ClaimedHandOff, leaseMs: number): Promise<boolean>;
  /**
   * Resolves when there may be new work since the last `claim` began: an announcement, a delayed row
   * coming due, a lease running out, or `signal` aborting. Never polls.
   */
  waitForWork(options?: { signal?: AbortSignal }): Promise<void>;
}

/** Options of {@link createQueueConsumer}. */
export interface QueueConsumerOptions {
  queue: ExecutionQueueRepo;
  notifier: QueueNotifier;
  /** A name unique to this consumer, e.g. `engine-<host>-<pid>`. */
  owner: string;
}

/**
 * A consumer loop looks like:
 *
 * ```ts
 * while (!signal.aborted) {
 *   const items = await consumer.claim({ limit: 16, leaseMs: 30_000 });
 *   for (const item of items) await handle(item).then(() => consumer.complete(item));
 *   if (items.length === 0) await consumer.waitForWork({ signal });
 * }
 * ```
 */
export function createQueueConsumer(options: QueueConsumerOptions): QueueConsumer {
  const { queue, notifier, owner } = options;
  let seen = notifier.generation();

  const decode = async (row: ExecutionQueueRow): Promise<ClaimedHandOff | undefined> => {
    const base = {
      id: row.id,
      attempts: row.attempts,
      leaseExpiresAt: row.lease_expires_at ?? nowDbTime(),
      lastError: row.last_error,
    };
    try {
      if (row.kind === "create") return { ...base, kind: "create", request: decodeExecutionRequest(row.payload) };
      return { ...base, kind: "abort", request: decodeAbortRequest(row.payload) };
    } catch (error) {
      await queue.fail({ id: row.id, owner, error: AloftError.from(error).rawMessage });
      return undefined;
    }
  };

  return {
    owner,
    async claim(claim) {
      seen = notifier.generation();
      const rows = await queue.claim({ limit: claim.limit, owner, leaseMs: claim.leaseMs });
      const items = await Promise.all(rows.map(decode));
      return items.filter((item): item is ClaimedHandOff => item !== undefined);
    },
    complete: (item) => queue.complete({ id: item.id, owner }),
    release: (item, release = {}) => queue.release({ id: item.id, owner, ...release }),
    fail: (item, error) => queue.fail({ id: item.id, owner, error }),
    extendLease: (item, leaseMs) => queue.extendLease({ id: item.id, owner, leaseMs }),
    async waitForWork(wait = {}) {
      const after = seen;
      const wakeAt = await queue.nextWakeAt(nowDbTime());
      await notifier.wait({
        after,
        ...(wakeAt === undefined ? {} : { untilMs: dbTimeToDate(wakeAt).getTime() + 1 }),
        ...(wait.signal === undefined ? {} : { signal: wait.signal }),
      });
    },
  };
}
