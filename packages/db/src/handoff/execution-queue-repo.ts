import { type QueryCreator, sql } from "kysely";
import { type DbTime, dateToDbTime, nowDbTime } from "../db-time.js";
import type { DbExecutor } from "../db-executor.js";
import type { DialectCapabilities } from "../dialects/dialect-capabilities.js";
import { withDbErrors } from "../dialects/translate-db-error.js";
import { compiledQuery, insertRowReturningId, insertValuesSql, sqlParameters } from "../statement-text.js";
import type { ExecutionQueueKind, ExecutionQueueRow, ExecutionQueueState, HandoffTables } from "./handoff-schema.js";

/**
 * Tells waiting consumers that the queue changed. Called with the executor that wrote the change, so
 * a PostgreSQL `NOTIFY` joins the writer's transaction and is delivered only if it commits.
 */
export type QueueAnnouncer = ((db: DbExecutor<HandoffTables>) => Promise<void>) & {
  /**
   * The PostgreSQL `NOTIFY` channel the announcer signals, when that is all it does: `enqueue` then selects
   * `pg_notify` in its INSERT statement instead of calling the announcer, one round trip fewer per hand-off.
   */
  readonly postgresChannel?: string;
};

/** The execution a queue row concerns: flyteidl `core.WorkflowExecutionIdentifier` as plain fields. */
export interface QueuedExecutionKey {
  project: string;
  domain: string;
  name: string;
}

/** One hand-off to queue. */
export interface EnqueueInput {
  executionId: QueuedExecutionKey;
  kind: ExecutionQueueKind;
  /** The encoded request (`execution-payload-codec.ts`). */
  payload: string;
}

/** Input of {@link ExecutionQueueRepo.claim}. */
export interface ClaimInput {
  /** Most rows to claim. */
  limit: number;
  /** Who claims (e.g. `engine-<host>-<pid>`); only this owner may complete or release the rows. */
  owner: string;
  /** How long the claim lasts; after it the rows may be claimed again (the owner is presumed dead). */
  leaseMs: number;
}

/** Identifies a claimed row and its claimer. */
export interface LeaseRef {
  id: number;
  owner: string;
}

/** Options of {@link ExecutionQueueRepo.list}. */
export interface ListQueueInput {
  state?: ExecutionQueueState;
  executionId?: QueuedExecutionKey;
}

/**
 * The durable admin → engine hand-off (`execution_queue`). Rows of one execution are handed out in
 * the order they were queued: a row is not claimable while an older row of the same execution is
 * pending or leased (so an abort never overtakes its create).
 */
export interface ExecutionQueueRepo {
  /** Queues hand-offs (in the caller's transaction when the repository is bound to one) and returns their ids. */
  enqueue(items: readonly EnqueueInput[]): Promise<number[]>;
  /**
   * Leases up to `limit` claimable rows (pending and due, or leased with an expired lease), oldest
   * first, incrementing `attempts`. Concurrent claimers never get the same row: PostgreSQL uses
   * `FOR UPDATE SKIP LOCKED`; SQLite runs the claim as one statement on its single writer.
   */
  claim(input: ClaimInput): Promise<ExecutionQueueRow[]>;
  /** Deletes a row its owner finished. False if `owner` no longer holds the lease. */
  complete(lease: LeaseRef): Promise<boolean>;
  /** Returns a row to the queue (claimable after `delayMs`), keeping `error` as `last_error`. False if not held. */
  release(lease: LeaseRef & { delayMs?: number; error?: string }): Promise<boolean>;
  /** Parks a row as `failed` (kept for inspection, never claimed again). False if not held. */
  fail(lease: LeaseRef & { error: string }): Promise<boolean>;
  /** Pushes a held lease `leaseMs` into the future. False if not held. */
  extendLease(lease: LeaseRef & { leaseMs: number }): Promise<boolean>;
  /**
   * The earliest time after `after` at which a row becomes claimable (a delayed row comes due or a lease
   * runs out), or undefined if none will without a change to the queue. Consumers sleep until then.
   */
  nextWakeAt(after: DbTime): Promise<DbTime | undefined>;
  /** Rows by state and/or execution, oldest first (inspection and tests). */
  list(input?: ListQueueInput): Promise<ExecutionQueueRow[]>;
}

/** Options of {@link createExecutionQueueRepo}. */
export interface ExecutionQueueRepoOptions {
  /** The database, or the caller's transaction (a row queued in it commits or rolls back with it). */
  db: DbExecutor<HandoffTables>;
  capabilities: DialectCapabilities;
  /** Called after every change that can make a row claimable. */
  announce?: QueueAnnouncer;
}

/**
 * The INSERT that queues `items` as pending rows (RETURNING their ids), for {@link ExecutionQueueRepo.enqueue} and
 * for a caller that folds it into a statement of its own (a data-modifying CTE); such a caller announces the rows
 * itself.
 */
export function enqueueInsert(db: QueryCreator<HandoffTables>, items: readonly EnqueueInput[]) {
  return db.insertInto("execution_queue").values(enqueueRows(items)).returning("id");
}

/** The pending `execution_queue` rows that queue `items` (for a statement written without the query builder). */
export function enqueueRows(items: readonly EnqueueInput[]) {
  const now = nowDbTime();
  return items.map((item) => ({
    execution_project: item.executionId.project,
    execution_domain: item.executionId.domain,
    execution_name: item.executionId.name,
    kind: item.kind,
    payload: item.payload,
    state: "pending" as const,
    attempts: 0,
    lease_owner: null,
    lease_expires_at: null,
    available_at: now,
    last_error: null,
    created_at: now,
    updated_at: now,
  }));
}

/** The Kysely {@link ExecutionQueueRepo}. */
export function createExecutionQueueRepo(options: ExecutionQueueRepoOptions): ExecutionQueueRepo {
  const { db, capabilities } = options;
  const announce = options.announce ?? (() => Promise.resolve());
  const leaseUntil = (leaseMs: number): DbTime => dateToDbTime(new Date(Date.now() + Math.max(0, leaseMs)));

  return withDbErrors<ExecutionQueueRepo>({
    async enqueue(items) {
      if (items.length === 0) return [];
      const channel = options.announce?.postgresChannel;
      if (channel !== undefined) {
        const insert = enqueueInsert(db, items);
        // PostgreSQL folds identical notifications of one transaction into one, so a row each is one NOTIFY.
        const rows = await db
          .with("queued", () => insert)
          .selectFrom("queued")
          .select(["queued.id", sql<string>`pg_notify(${channel}, '')`.as("notified")])
          .execute();
        return rows.map((row) => row.id).sort((a, b) => a - b);
      }
      // Written as text: every launch queues, and building the insert cost more CPU than running it.
      let ids: number[];
      if (items.length === 1) {
        ids = [await insertRowReturningId(db, capabilities.name, "execution_queue", enqueueRows(items)[0]!)];
      } else {
        const parameters = sqlParameters(capabilities.name);
        const text = insertValuesSql(parameters, "execution_queue", enqueueRows(items), ["id"]);
        ids = (await db.executeQuery(compiledQuery<{ id: number }>(text, parameters.values))).rows.map((row) => row.id);
      }
      await announce(db);
      return ids.sort((a, b) => a - b);
    },

    async claim(input) {
      if (input.limit <= 0) return [];
      const now = nowDbTime();
      let candidates = db
        .selectFrom("execution_queue as q")
        .select("q.id")
        .where((eb) =>
          eb.or([
            eb.and([eb("q.state", "=", "pending"), eb("q.available_at", "<=", now)]),
            eb.and([eb("q.state", "=", "leased"), eb("q.lease_expires_at", "<=", now)]),
          ]),
        )
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("execution_queue as earlier")
                .select(sql.lit(1).as("one"))
                .whereRef("earlier.execution_project", "=", "q.execution_project")
                .whereRef("earlier.execution_domain", "=", "q.execution_domain")
                .whereRef("earlier.execution_name", "=", "q.execution_name")
                .whereRef("earlier.id", "<", "q.id")
                .where("earlier.state", "in", ["pending", "leased"]),
            ),
          ),
        )
        .orderBy("q.id")
        .limit(input.limit);
      if (capabilities.supportsSkipLocked) candidates = candidates.forUpdate().skipLocked();
      const rows = await db
        .updateTable("execution_queue")
        .set((eb) => ({
          state: "leased",
          lease_owner: input.owner,
          lease_expires_at: leaseUntil(input.leaseMs),
          attempts: eb("attempts", "+", 1),
          updated_at: now,
        }))
        .where("id", "in", candidates)
        .returningAll()
        .execute();
      return rows.sort((a, b) => a.id - b.id);
    },

    async complete(lease) {
      const result = await db
        .deleteFrom("execution_queue")
        .where("id", "=", lease.id)
        .where("lease_owner", "=", lease.owner)
        .where("state", "=", "leased")
        .executeTakeFirst();
      const done = result.numDeletedRows > 0n;
      if (done) await announce(db);
      return done;
    },

    async release(lease) {
      const now = nowDbTime();
      const result = await db
        .updateTable("execution_queue")
        .set({
          state: "pending",
          lease_owner: null,
          lease_expires_at: null,
          available_at: (lease.delayMs ?? 0) > 0 ? leaseUntil(lease.delayMs ?? 0) : now,
          ...(lease.error === undefined ? {} : { last_error: lease.error }),
          updated_at: now,
        })
        .where("id", "=", lease.id)
        .where("lease_owner", "=", lease.owner)
        .where("state", "=", "leased")
        .executeTakeFirst();
      const released = result.numUpdatedRows > 0n;
      if (released) await announce(db);
      return released;
    },

    async fail(lease) {
      const result = await db
        .updateTable("execution_queue")
        .set({
          state: "failed",
          lease_owner: null,
          lease_expires_at: null,
          last_error: lease.error,
          updated_at: nowDbTime(),
        })
        .where("id", "=", lease.id)
        .where("lease_owner", "=", lease.owner)
        .where("state", "=", "leased")
        .executeTakeFirst();
      const failed = result.numUpdatedRows > 0n;
      // A failed row no longer holds back the rows queued after it for the same execution.
      if (failed) await announce(db);
      return failed;
    },

    async extendLease(lease) {
      const result = await db
        .updateTable("execution_queue")
        .set({ lease_expires_at: leaseUntil(lease.leaseMs), updated_at: nowDbTime() })
        .where("id", "=", lease.id)
        .where("lease_owner", "=", lease.owner)
        .where("state", "=", "leased")
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async nextWakeAt(after) {
      const row = await db
        .selectFrom("execution_queue")
        .select((eb) => [
          eb.fn
            .min<DbTime | null>(
              eb
                .case()
                .when(eb.and([eb("state", "=", "pending"), eb("available_at", ">", after)]))
                .then(eb.ref("available_at"))
                .end(),
            )
            .as("pending"),
          eb.fn
            .min<DbTime | null>(
              eb
                .case()
                .when(eb.and([eb("state", "=", "leased"), eb("lease_expires_at", ">", after)]))
                .then(eb.ref("lease_expires_at"))
                .end(),
            )
            .as("leased"),
        ])
        .executeTakeFirstOrThrow();
      const times = [row.pending, row.leased].filter((time): time is DbTime => time !== null);
      return times.length === 0 ? undefined : times.sort()[0];
    },

    list(input = {}) {
      let query = db.selectFrom("execution_queue").selectAll();
      if (input.state !== undefined) query = query.where("state", "=", input.state);
      if (input.executionId !== undefined) {
        query = query
          .where("execution_project", "=", input.executionId.project)
          .where("execution_domain", "=", input.executionId.domain)
          .where("execution_name", "=", input.executionId.name);
      }
      return query.orderBy("id").execute();
    },
  });
}
