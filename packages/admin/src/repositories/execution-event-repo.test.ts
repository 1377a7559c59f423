import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { describeEachDialect } from "./test-databases.test-helper.js";

const event = (phase: string) => ({
  execution_project: "p",
  execution_domain: "d",
  execution_name: "e",
  phase,
  request_id: `r-${phase}`,
  occurred_at: "2024-05-01T12:00:00.000000Z",
});

describeEachDialect("ExecutionEventRepo", (db) => {
  it("records each phase once; batches skip phases already recorded", async () => {
    const { executionEvents } = db().repos;
    await executionEvents.create(event("QUEUED"));
    await expect(executionEvents.create(event("QUEUED"))).rejects.toMatchObject({ code: Code.AlreadyExists });
    await executionEvents.createMany([event("QUEUED"), event("RUNNING"), event("SUCCEEDED")]);
    const rows = await db()
      .database.db.selectFrom("execution_events")
      .select(["phase", "request_id"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { phase: "QUEUED", request_id: "r-QUEUED" },
      { phase: "RUNNING", request_id: "r-RUNNING" },
      { phase: "SUCCEEDED", request_id: "r-SUCCEEDED" },
    ]);
  });
});
