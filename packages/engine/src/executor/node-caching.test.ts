import { toBinary } from "@bufbuild/protobuf";
import { integerLiteral, integerType, literalMap, literalToJs } from "@aloft/idl";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { CatalogCacheStatus, CatalogReservation_Status } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { createMemoryTaskCache } from "../testing/memory-task-cache.test-helper.js";
import { compile, ref, task, taskNode, workflow } from "../testing/workflows.test-helper.js";

function closureWith(serializable: boolean) {
  return compile({
    workflow: workflow("cached", {
      inputs: { x: integerType() },
      outputs: { x: integerType() },
      nodes: [taskNode("n0", "memo", { x: ref("", "x") })],
      outputBindings: { x: ref("n0", "x") },
    }),
    tasks: [
      task("memo", {
        inputs: { x: integerType() },
        outputs: { x: integerType() },
        cache: { version: "1", serializable },
      }),
    ],
  });
}

function succeeded(h: EngineHarness, name: string) {
  return h.controlPlane.nodeEvents.find(
    (e) => e.id?.executionId?.name === name && e.id.nodeId === "n0" && e.phase === NodeExecution_Phase.SUCCEEDED,
  );
}

describeEachDialect("node caching", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("populates the cache after a run and serves the next run from it", async () => {
    const cache = createMemoryTaskCache();
    h = await startEngineHarness(db(), { taskCache: cache });
    await h.submit("c1", closureWith(false), { x: integerLiteral(4) });
    expect(await h.controlPlane.waitForTerminal("c1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const first = succeeded(h, "c1");
    expect(first?.targetMetadata).toMatchObject({
      case: "taskNodeMetadata",
      value: { cacheStatus: CatalogCacheStatus.CACHE_POPULATED },
    });

    await h.submit("c2", closureWith(false), { x: integerLiteral(4) });
    expect(await h.controlPlane.waitForTerminal("c2")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const hit = succeeded(h, "c2");
    expect(hit?.targetMetadata).toMatchObject({
      case: "taskNodeMetadata",
      value: { cacheStatus: CatalogCacheStatus.CACHE_HIT, catalogKey: { datasetId: { name: "memo" } } },
    });
    // A hit runs no task: no task events for the second execution.
    expect(h.controlPlane.taskEvents.filter((e) => e.parentNodeExecutionId?.executionId?.name === "c2")).toEqual([]);
    expect(literalToJs((await h.outputs("c2")).literals.x!)).toBe(4);
  });

  it("skips the lookup and overwrites the entry with overwrite_cache", async () => {
    const cache = createMemoryTaskCache();
    h = await startEngineHarness(db(), { taskCache: cache });
    await h.submit("o1", closureWith(false), { x: integerLiteral(4) });
    await h.controlPlane.waitForTerminal("o1");
    await h.submit("o2", closureWith(false), { x: integerLiteral(4) }, { executionConfig: { overwriteCache: true } });
    expect(await h.controlPlane.waitForTerminal("o2")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const queued = h.controlPlane.nodeEvents.find(
      (e) => e.id?.executionId?.name === "o2" && e.id.nodeId === "n0" && e.phase === NodeExecution_Phase.QUEUED,
    );
    expect(queued?.targetMetadata).toMatchObject({ value: { cacheStatus: CatalogCacheStatus.CACHE_SKIPPED } });
    expect(cache.puts.map((p) => p.overwrite)).toEqual([false, true]);
  });

  it("waits on another owner's reservation of a serializable task", async () => {
    const cache = createMemoryTaskCache();
    h = await startEngineHarness(db(), { taskCache: cache });
    const closure = closureWith(true);
    // Another execution holds the reservation of the same task and inputs.
    const key = `memo:${Buffer.from(toBinary(LiteralMapSchema, literalMap({ x: integerLiteral(4) }))).toString("base64")}`;
    cache.reservations.set(key, "someone-else");
    await h.submit("s1", closure, { x: integerLiteral(4) });
    const store = h.store;
    let status: string | undefined;
    for (let i = 0; i < 200; i++) {
      const row = await store.find({ project: "p", domain: "d", name: "s1" });
      status = row?.state;
      if (status?.includes("waiting on serialized cache")) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toContain("waiting on serialized cache");
    cache.reservations.delete(key);
    h.engine.wake({ project: "p", domain: "d", name: "s1" });
    expect(await h.controlPlane.waitForTerminal("s1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(succeeded(h, "s1")?.targetMetadata).toMatchObject({
      value: {
        cacheStatus: CatalogCacheStatus.CACHE_POPULATED,
        reservationStatus: CatalogReservation_Status.RESERVATION_RELEASED,
      },
    });
  });
});
