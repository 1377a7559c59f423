import { TEST_POSTGRES_URL } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbExecutor, inTransaction } from "../db-executor.js";
import { openHandoffTestDatabase, type TestDatabase } from "../test-databases.test-helper.js";
import { createExecutionQueueRepo, type EnqueueInput } from "./execution-queue-repo.js";
import type { HandoffTables } from "./handoff-schema.js";
import { createPostgresQueueNotifier } from "./postgres-queue-notifier.js";
import type { QueueNotifier } from "./queue-notifier.js";

const item = (name: string): EnqueueInput => ({
  executionId: { project: "p", domain: "d", name },
  kind: "create",
  payload: `{"name":"${name}"}`,
});

describe.skipIf(TEST_POSTGRES_URL === undefined)("createPostgresQueueNotifier", () => {
  let t: TestDatabase<HandoffTables>;
  let notifier: QueueNotifier;

  beforeAll(async () => {
    t = await openHandoffTestDatabase("postgres");
    notifier = await createPostgresQueueNotifier({
      connection: t.database.postgresConnection!,
      ...(t.database.schema === undefined ? {} : { schema: t.database.schema }),
    });
  });
  afterAll(async () => {
    await notifier.close();
    await t.close();
  });

  const queueIn = (db: DbExecutor<HandoffTables>) =>
    createExecutionQueueRepo({ db, capabilities: t.database.capabilities, announce: notifier.announce });

  it("announces what enqueue commits, in the same statement, and returns the new ids in order", async () => {
    const after = notifier.generation();
    const woken = notifier.wait({ after });
    const ids = await queueIn(t.database.db).enqueue([item("a"), item("b")]);
    expect(ids).toHaveLength(2);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await woken;
    expect(notifier.generation()).toBeGreaterThan(after);
    const rows = await queueIn(t.database.db).list();
    expect(rows.map((row) => row.id)).toEqual(ids);
  });

  it("announces nothing when the enqueuing transaction rolls back", async () => {
    const settled = notifier.generation();
    await expect(
      inTransaction(t.database.db, async (tx) => {
        await queueIn(tx).enqueue([item("c")]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    // A later committed announcement is the first one seen: the rolled-back one was never delivered.
    const woken = notifier.wait({ after: settled });
    await queueIn(t.database.db).enqueue([item("d")]);
    await woken;
    expect(notifier.generation()).toBe(settled + 1);
    expect((await queueIn(t.database.db).list()).map((row) => row.execution_name)).toEqual(["a", "b", "d"]);
  });
});
