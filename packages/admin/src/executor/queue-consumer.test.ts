import { expect, it } from "vitest";
import { createRepositories, type Repositories } from "../repositories/create-repositories.js";
import { describeEachDialect, type TestDatabase } from "../repositories/test-databases.test-helper.js";
import { executionRow } from "../repositories/rows.test-helper.js";
import { createQueueNotifier } from "./create-queue-notifier.js";
import { sampleExecutionRequest } from "./execution-request.test-helper.js";
import { createQueueConsumer, type QueueConsumer } from "./queue-consumer.js";
import type { QueueNotifier } from "./queue-notifier.js";
import { createQueuedWorkflowExecutor } from "./queued-workflow-executor.js";

interface Harness {
  notifier: QueueNotifier;
  repos: Repositories;
  consumer: QueueConsumer;
  close(): Promise<void>;
}

async function harness(t: TestDatabase): Promise<Harness> {
  const notifier = await createQueueNotifier(t.database);
  const repos = createRepositories({
    db: t.database.db,
    capabilities: t.database.capabilities,
    announceQueue: notifier.announce,
  });
  const consumer = createQueueConsumer({ queue: repos.executionQueue, notifier, owner: "engine-test" });
  return { notifier, repos, consumer, close: () => notifier.close() };
}

describeEachDialect("queued workflow executor and queue consumer", (db) => {
  it("hands an execution accepted in a transaction to the engine, and nothing for a rolled-back one", async () => {
    const h = await harness(db());
    try {
      const executor = createQueuedWorkflowExecutor({
        db: h.repos.executor,
        capabilities: h.repos.capabilities,
        announce: h.notifier.announce,
        cluster: "local",
      });
      const request = sampleExecutionRequest("accepted");
      const response = await h.repos.withTransaction(async (tx) => {
        await tx.executions.create(executionRow({ execution_name: "accepted" }));
        return executor.execute(request, { transaction: tx.executor });
      });
      expect(response).toEqual({ cluster: "local" });
      await expect(
        h.repos.withTransaction(async (tx) => {
          await executor.execute(sampleExecutionRequest("rejected"), { transaction: tx.executor });
          await tx.executions.create(executionRow({ execution_name: "accepted" }));
        }),
      ).rejects.toMatchObject({ rawMessage: expect.stringMatching(/^value with matching already exists/) });
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
      await h.repos.withTransaction(async (tx) => {
        await tx.executionQueue.enqueue([
          { executionId: { project: "p", domain: "d", name: "n" }, kind: "abort", payload: "{}" },
        ]);
        if (db().dialect === "postgres") expect(h.notifier.generation()).toBe(before);
      });
      await woken;
      expect(h.notifier.generation()).toBeGreaterThan(before);
      expect(await h.repos.executionQueue.list({ state: "pending" })).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("parks rows whose payload cannot be read instead of returning them", async () => {
    const h = await harness(db());
    try {
      await h.repos.executionQueue.enqueue([
        { executionId: { project: "p", domain: "d", name: "n" }, kind: "create", payload: "{oops" },
      ]);
      expect(await h.consumer.claim({ limit: 5, leaseMs: 60_000 })).toEqual([]);
      const [failed] = await h.repos.executionQueue.list({ state: "failed" });
      expect(failed?.last_error).toBe("corrupt execution queue payload: field '(json)'");
    } finally {
      await h.close();
    }
  });

  it("wakes when a delayed row comes due, or when the caller gives up", async () => {
    const h = await harness(db());
    try {
      await h.repos.executionQueue.enqueue([
        { executionId: { project: "p", domain: "d", name: "n" }, kind: "abort", payload: "{}" },
      ]);
      const [item] = await h.repos.executionQueue.claim({ limit: 1, owner: "engine-test", leaseMs: 60_000 });
      await h.repos.executionQueue.release({ id: item?.id ?? 0, owner: "engine-test", delayMs: 25 });
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
