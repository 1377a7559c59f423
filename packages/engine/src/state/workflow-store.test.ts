import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ExecutionRequest } from "@aloft/db";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { expect, it } from "vitest";
import { openEngineTestDatabase } from "../testing/engine-harness.test-helper.js";
import { createWorkflowStore } from "./workflow-store.js";

function request(name: string): ExecutionRequest {
  return {
    executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name }),
    namespace: "p-d",
    referenceWorkflowName: "wf",
    referenceLaunchPlanName: "wf",
    workflowClosure: create(CompiledWorkflowClosureSchema, { primary: { template: { id: { name: "wf" } } } }),
    inputsUri: "",
    acceptedAt: timestampNow(),
    labels: {},
    annotations: {},
    taskPluginOverrides: [],
    eventVersion: 2,
  };
}

const key = (name: string) => ({ project: "p", domain: "d", name });

describeEachDialect("workflow store", openEngineTestDatabase, (db) => {
  it("inserts a hand-off once and keeps the first request", async () => {
    const store = createWorkflowStore({ db: db().database.db });
    expect(
      await store.insertIfAbsent({ request: request("a"), initialState: "{}", owner: "e1", leaseMs: 60_000 }),
    ).toBe(true);
    expect(
      await store.insertIfAbsent({ request: request("a"), initialState: "{x}", owner: "e2", leaseMs: 60_000 }),
    ).toBe(false);
    const row = await store.find(key("a"));
    expect(row).toMatchObject({ state: "{}", version: 0, abortRequested: false });
    expect(row?.request.executionId.name).toBe("a");
  });

  it("claims unowned and expired workflows, and its own only when reclaiming", async () => {
    let now = 1_000_000;
    const store = createWorkflowStore({ db: db().database.db, now: () => now });
    await store.insertIfAbsent({ request: request("mine"), initialState: "{}", owner: "e1", leaseMs: 10_000 });
    await store.insertIfAbsent({ request: request("theirs"), initialState: "{}", owner: "e2", leaseMs: 10_000 });
    expect(await store.claim({ owner: "e1", leaseMs: 10_000, reclaimOwned: false })).toEqual([]);
    const restarted = await store.claim({ owner: "e1", leaseMs: 10_000, reclaimOwned: true });
    expect(restarted.map((w) => w.key.name)).toEqual(["mine"]);
    now += 20_000;
    await store.renewLeases("e1", 10_000);
    const takenOver = await store.claim({ owner: "e1", leaseMs: 10_000, reclaimOwned: false });
    expect(takenOver.map((w) => w.key.name)).toEqual(["theirs"]);
  });

  it("writes rounds in one batch and drops rows another engine took over", async () => {
    let now = 1_000_000;
    const store = createWorkflowStore({ db: db().database.db, now: () => now });
    await store.insertIfAbsent({ request: request("a"), initialState: "{}", owner: "e1", leaseMs: 10_000 });
    await store.insertIfAbsent({ request: request("b"), initialState: "{}", owner: "e1", leaseMs: 10_000 });
    now += 20_000;
    await store.claim({ owner: "e2", leaseMs: 10_000, reclaimOwned: false, keys: [key("b")] });
    await store.markAbortRequested(key("a"), "stop");
    const results = await store.saveRounds("e1", [
      { key: key("a"), expectedVersion: 0, state: '{"phase":1}', phase: 1, done: false, wakeAtMs: now + 5_000 },
      { key: key("b"), expectedVersion: 0, state: '{"phase":1}', phase: 1, done: false, wakeAtMs: undefined },
    ]);
    expect(results).toEqual([
      { key: key("a"), saved: true, version: 1, abortRequested: true, abortCause: "stop" },
      { key: key("b"), saved: false },
    ]);
    expect(await store.find(key("a"))).toMatchObject({ state: '{"phase":1}', version: 1, wakeAtMs: now + 5_000 });
    // A stale version is refused too.
    const stale = await store.saveRounds("e1", [
      { key: key("a"), expectedVersion: 0, state: "{}", phase: 1, done: false, wakeAtMs: undefined },
    ]);
    expect(stale[0]?.saved).toBe(false);
  });

  it("renews its leases in one statement and reports abort requests; terminal rows are not claimed", async () => {
    const store = createWorkflowStore({ db: db().database.db });
    await store.insertIfAbsent({ request: request("a"), initialState: "{}", owner: "e1", leaseMs: 10_000 });
    await store.insertIfAbsent({ request: request("b"), initialState: "{}", owner: "e1", leaseMs: 10_000 });
    await store.saveRounds("e1", [
      { key: key("b"), expectedVersion: 0, state: '{"phase":3}', phase: 3, done: true, wakeAtMs: undefined },
    ]);
    expect(await store.markAbortRequested(key("b"), "too late")).toBe(false);
    expect(await store.markAbortRequested(key("a"), "stop")).toBe(true);
    expect(await store.renewLeases("e1", 10_000)).toEqual([
      { key: key("a"), abortRequested: true, abortCause: "stop" },
    ]);
    await store.releaseLeases("e1");
    expect((await store.claim({ owner: "e2", leaseMs: 10_000, reclaimOwned: false })).map((w) => w.key.name)).toEqual([
      "a",
    ]);
  });
});
