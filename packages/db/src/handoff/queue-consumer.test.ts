import { describeEachDialect } from "@aloft/test-helpers";
import { expect, it } from "vitest";
import type { SqlDatabase } from "../create-database.js";
import { type DbExecutor, inTransaction } from "../db-executor.js";
import { openHandoffTestDatabase, type TestDatabase } from "../test-databases.test-helper.js";
import { createQueueNotifier } from "./create-queue-notifier.js";
import { createExecutionQueueRepo, type ExecutionQueueRepo } from "./execution-queue-repo.js";
import { sampleExecutionRequest } from "./execution-request.test-helper.js";
import type { HandoffTables } from "./handoff-schema.js";
import { createQueueConsumer, type QueueConsumer } from "./queue-consumer.js";
import type { QueueNotifier } from "./queue-notifier.js";
import { createQueuedWorkflowExecutor } from "./queued-workflow-executor.js";

interface Harness {
  database: SqlDatabase<HandoffTables>;
  notifier: QueueNotifier;
  /** The queue over `db` (the database by default, or a transaction), announcing its changes. */
  queue(db?: DbExecutor<HandoffTables>): ExecutionQueueRepo;
  consumer: QueueConsumer;
  close(): Promise<void>;
}

async function harness(t: TestDatabase<HandoffTables>): Promise<Harness> {
  const { database } = t;
  const notifier = await createQueueNotifier(database);
  const queue = (db: DbExecutor<HandoffTables> = database.db): ExecutionQueueRepo =>
    createExecutionQueueRepo({ db, capabilities: database.capabilities, announce: notifier.announce });
  const consumer = createQueueConsumer({ queue: queue(), notifier, owner: "engine-test" });
  return { database, notifier, queue, consumer, close: () => notifier.close() };
}

describeEachDialect("queued workflow executor and queue consumer", openHandoffTestDatabase, (db) => {
  it("hands an execution accepted in a transaction to the engine, and nothing for a rolled-back one", async () => {
    const h = await harness(db());
    try {
      const executor = createQueuedWorkflowExecutor({
        db: h.database.db,
        capabilities: h.database.capabilities,
        announce: h.notifier.announce,
        cluster: "local",
      });
      const request = sampleExecutionRequest("accepted");
      const response = await inTransaction(h.database.db, (trx) => executor.execute(request, { transaction: trx }));
      expect(response).toEqual({ cluster: "local" });
      await expect(
        inTransaction(h.database.db, async (trx) => {
          await executor.execute(sampleExecutionRequest("rejected"), { transaction: trx });
          throw new Error("execution insert failed");
        }),
      ).rejects.toThrow("execution insert failed");
      await executor.abort({
        executionId: request.executionId,
        namespace: "p-development",
        cluster: "local",
        cause: "stop",
      });

      const claimed = await h.consumer.claim({ limit: 10, leaseMs: 60_000 });
      expect(claimed.map((item) => [item.kind, item.attempts])).toEqual([["create", 1]]);
      expect(claimed[0]?.kind === "create" && claimed[0].request).toEqual(request);
      const [create] = claimed;
      if (create === undefined) throw new Error("nothing claimed");
      expect(await h.consumer.complete(create)).toBe(true);
      const [abort] = await h.consumer.claim({ limit: 10, leaseMs: 60_000 });
      expect(abort?.kind === "abort" && abort.request.cause).toBe("stop");
    } finally {
      await h.close();
    }
  });

  it("wakes a waiting consumer when work is queued, and only once it is committed", async () => {
    const h = await harness(db());
    try {
      expect(await h.consumer.claim({ limit: 1, leaseMs: 60_000 })).toEqual([]);
      const before = h.notifier.generation();
      const woken = h.consumer.waitForWork();
      await inTransaction(h.database.db, async (trx) => {
        await h
          .queue(trx)
          .enqueue([{ executionId: { project: "p", domain: "d", name: "n" }, kind: "abort", payload: "{}" }]);
        if (db().dialect === "postgres") expect(h.notifier.generation()).toBe(before);
      });
      await woken;
      expect(h.notifier.generation()).toBeGreaterThan(before);
      expect(await h.queue().list({ state: "pending" })).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("parks rows whose payload cannot be read instead of returning them", async () => {
    const h = await harness(db());
    try {
      await h
        .queue()
        .enqueue([{ executionId: { project: "p", domain: "d", name: "n" }, kind: "create", payload: "{oops" }]);
      expect(await h.consumer.claim({ limit: 5, leaseMs: 60_000 })).toEqual([]);
      const [failed] = await h.queue().list({ state: "failed" });
      expect(failed?.last_error).toBe("corrupt execution queue payload: field '(json)'");
    } finally {
      await h.close();
    }
  });

  it("wakes when a delayed row comes due, or when the caller gives up", async () => {
    const h = await harness(db());
    try {
      await h
        .queue()
        .enqueue([{ executionId: { project: "p", domain: "d", name: "n" }, kind: "abort", payload: "{}" }]);
      const [item] = await h.queue().claim({ limit: 1, owner: "engine-test", leaseMs: 60_000 });
      await h.queue().release({ id: item?.id ?? 0, owner: "engine-test", delayMs: 25 });
      await h.consumer.claim({ limit: 1, leaseMs: 60_000 });
      await h.consumer.waitForWork();
      const controller = new AbortController();
      const waiting = h.consumer.waitForWork({ signal: controller.signal });
      controller.abort();
      await waiting;
    } finally {
      await h.close();
    }
  });
});
