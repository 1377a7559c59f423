import { describeEachDialect } from "@aloft/test-helpers";
import { expect, it } from "vitest";
import { nowDbTime } from "../db-time.js";
import { inTransaction } from "../db-executor.js";
import { openHandoffTestDatabase, type TestDatabase } from "../test-databases.test-helper.js";
import { createExecutionQueueRepo, type EnqueueInput, type ExecutionQueueRepo } from "./execution-queue-repo.js";
import type { HandoffTables } from "./handoff-schema.js";

const item = (name: string, kind: "create" | "abort" = "create"): EnqueueInput => ({
  executionId: { project: "p", domain: "d", name },
  kind,
  payload: `{"name":"${name}","kind":"${kind}"}`,
});

function queueOf(t: TestDatabase<HandoffTables>): { executionQueue: ExecutionQueueRepo } {
  return { executionQueue: createExecutionQueueRepo({ db: t.database.db, capabilities: t.database.capabilities }) };
}

describeEachDialect("ExecutionQueueRepo", openHandoffTestDatabase, (db) => {
  it("queues hand-offs and leases them oldest first, counting attempts", async () => {
    const { executionQueue } = queueOf(db());
    const ids = await executionQueue.enqueue([item("a"), item("b"), item("c")]);
    expect(ids).toHaveLength(3);
    const claimed = await executionQueue.claim({ limit: 2, owner: "engine-1", leaseMs: 60_000 });
    expect(claimed.map((row) => [row.execution_name, row.state, row.lease_owner, row.attempts])).toEqual([
      ["a", "leased", "engine-1", 1],
      ["b", "leased", "engine-1", 1],
    ]);
    expect(
      (await executionQueue.claim({ limit: 5, owner: "engine-2", leaseMs: 60_000 })).map((row) => row.execution_name),
    ).toEqual(["c"]);
    expect(await executionQueue.claim({ limit: 5, owner: "engine-2", leaseMs: 60_000 })).toEqual([]);
  });

  it("answers the ids of the rows it queued, one row or several, in and outside a transaction", async () => {
    const t = db();
    const { executionQueue } = queueOf(t);
    const one = await executionQueue.enqueue([item("one")]);
    const many = await executionQueue.enqueue([item("x"), item("y")]);
    const inTx = await inTransaction(t.database.db, (tx) =>
      createExecutionQueueRepo({ db: tx, capabilities: t.database.capabilities }).enqueue([item("tx")]),
    );
    const rows = await t.database.db.selectFrom("execution_queue").select(["id", "execution_name"]).execute();
    const idOf = (name: string) => rows.find((row) => row.execution_name === name)!.id;
    expect(one).toEqual([idOf("one")]);
    expect(many).toEqual([idOf("x"), idOf("y")]);
    expect(inTx).toEqual([idOf("tx")]);
  });

  it("never hands out an execution's later row while an earlier one is pending or leased", async () => {
    const { executionQueue } = queueOf(db());
    await executionQueue.enqueue([item("a"), item("a", "abort"), item("b")]);
    const first = await executionQueue.claim({ limit: 10, owner: "o", leaseMs: 60_000 });
    expect(first.map((row) => `${row.execution_name}:${row.kind}`)).toEqual(["a:create", "b:create"]);
    expect(await executionQueue.claim({ limit: 10, owner: "o", leaseMs: 60_000 })).toEqual([]);
    const create = first[0];
    if (create === undefined) throw new Error("nothing claimed");
    expect(await executionQueue.complete({ id: create.id, owner: "o" })).toBe(true);
    expect((await executionQueue.claim({ limit: 10, owner: "o", leaseMs: 60_000 })).map((row) => row.kind)).toEqual([
      "abort",
    ]);
  });

  it("lets only the lease holder complete, release, fail or extend a row", async () => {
    const { executionQueue } = queueOf(db());
    await executionQueue.enqueue([item("a")]);
    const [row] = await executionQueue.claim({ limit: 1, owner: "owner", leaseMs: 60_000 });
    if (row === undefined) throw new Error("nothing claimed");
    expect(await executionQueue.complete({ id: row.id, owner: "intruder" })).toBe(false);
    expect(await executionQueue.release({ id: row.id, owner: "intruder" })).toBe(false);
    expect(await executionQueue.fail({ id: row.id, owner: "intruder", error: "x" })).toBe(false);
    expect(await executionQueue.extendLease({ id: row.id, owner: "intruder", leaseMs: 1 })).toBe(false);
    expect(await executionQueue.extendLease({ id: row.id, owner: "owner", leaseMs: 120_000 })).toBe(true);
    expect(await executionQueue.complete({ id: row.id, owner: "owner" })).toBe(true);
    expect(await executionQueue.complete({ id: row.id, owner: "owner" })).toBe(false);
    expect(await executionQueue.list()).toEqual([]);
  });

  it("hands an expired lease to the next claimer", async () => {
    const { executionQueue } = queueOf(db());
    await executionQueue.enqueue([item("a")]);
    const [lost] = await executionQueue.claim({ limit: 1, owner: "crashed", leaseMs: 0 });
    const [taken] = await executionQueue.claim({ limit: 1, owner: "survivor", leaseMs: 60_000 });
    expect([lost?.id, taken?.lease_owner, taken?.attempts]).toEqual([taken?.id, "survivor", 2]);
    expect(await executionQueue.complete({ id: taken?.id ?? 0, owner: "crashed" })).toBe(false);
  });

  it("re-queues released rows after their delay and parks failed ones without blocking later rows", async () => {
    const { executionQueue } = queueOf(db());
    await executionQueue.enqueue([item("a"), item("a", "abort"), item("b")]);
    const [a, b] = await executionQueue.claim({ limit: 2, owner: "o", leaseMs: 60_000 });
    if (a === undefined || b === undefined) throw new Error("nothing claimed");
    expect(await executionQueue.release({ id: b.id, owner: "o", delayMs: 3_600_000, error: "engine busy" })).toBe(true);
    expect(await executionQueue.claim({ limit: 5, owner: "o", leaseMs: 60_000 })).toEqual([]);
    // The next wake-up is the earliest future event: a's lease running out, before b comes due.
    expect(await executionQueue.nextWakeAt(nowDbTime())).toBe(a.lease_expires_at);
    expect(await executionQueue.fail({ id: a.id, owner: "o", error: "cannot start" })).toBe(true);
    const [delayed] = await executionQueue.list({
      state: "pending",
      executionId: { project: "p", domain: "d", name: "b" },
    });
    expect(await executionQueue.nextWakeAt(nowDbTime())).toBe(delayed?.available_at);
    const next = await executionQueue.claim({ limit: 5, owner: "o", leaseMs: 60_000 });
    expect(next.map((row) => `${row.execution_name}:${row.kind}`)).toEqual(["a:abort"]);
    expect((await executionQueue.list({ state: "failed" })).map((row) => [row.execution_name, row.last_error])).toEqual(
      [["a", "cannot start"]],
    );
    expect((await executionQueue.list({ state: "pending" }))[0]?.last_error).toBe("engine busy");
  });

  it("rolls a hand-off back with the transaction that queued it", async () => {
    const { database } = db();
    await expect(
      inTransaction(database.db, async (trx) => {
        await createExecutionQueueRepo({ db: trx, capabilities: database.capabilities }).enqueue([item("a")]);
        throw new Error("execution insert failed");
      }),
    ).rejects.toThrow("execution insert failed");
    expect(await queueOf(db()).executionQueue.list()).toEqual([]);
  });

  it("gives every row to exactly one of many concurrent claimers", async () => {
    const { executionQueue } = queueOf(db());
    await executionQueue.enqueue(Array.from({ length: 120 }, (_, index) => item(`e${index}`)));
    const claims = await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        const mine: number[] = [];
        for (;;) {
          const rows = await executionQueue.claim({ limit: 7, owner: `w${worker}`, leaseMs: 60_000 });
          if (rows.length === 0) return mine;
          mine.push(...rows.map((row) => row.id));
        }
      }),
    );
    const all = claims.flat();
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
  });
});
