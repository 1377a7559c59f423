import {
  collectionLiteral,
  collectionType,
  integerLiteral,
  integerType,
  literalToJs,
  stringLiteral,
  stringType,
} from "@aloft/idl";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { metadataRoot, nodeDataDir, readProto, workflowDataDir } from "@aloft/storage";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, describe, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { createMemoryTaskCache } from "../testing/memory-task-cache.test-helper.js";
import { flakyPlugin } from "../testing/test-plugins.test-helper.js";
import { compile, ref, task, workflow } from "../testing/workflows.test-helper.js";
import {
  ArrayItems,
  packDigits,
  unpackDigits,
  loadArrayState,
  storeArrayState,
  ArrayNodePhase,
} from "./array-node-state.js";
import { createArrayNodeHandler } from "./array-node.js";
import { mapNode, oddFailsPlugin, recordingEchoPlugin } from "./engine-nodes-fixtures.test-helper.js";

const ints = (values: number[]) => collectionLiteral(values.map((v) => integerLiteral(v)));

function mapWorkflow(
  name: string,
  taskType: string,
  options: Parameters<typeof mapNode>[3] = {},
  extraTaskOptions: { retries?: number; cache?: { version: string } } = {},
) {
  return compile({
    workflow: workflow(name, {
      inputs: { xs: collectionType(integerType()) },
      outputs: { ys: collectionType(integerType()) },
      nodes: [mapNode("map", "mapped", { x: ref("", "xs") }, options)],
      outputBindings: { ys: ref("map", "x") },
    }),
    tasks: [
      task("mapped", {
        // A map task's interface is the listed one; items see element inputs and de-listed outputs.
        inputs: { x: collectionType(integerType()) },
        outputs: { x: collectionType(integerType()) },
        type: taskType,
        ...extraTaskOptions,
      }),
    ],
  });
}

function outputList(outputs: { literals: Record<string, Literal> }, name: string) {
  const literal = outputs.literals[name]!;
  if (literal.value.case !== "collection") throw new Error(`${name} is not a list`);
  return literal.value.value.literals.map((l) =>
    l.value.case === "scalar" && l.value.value.value.case === "noneType" ? null : Number(literalToJs(l)),
  );
}

function arrayTaskEvents(h: EngineHarness, name: string) {
  return h.controlPlane.taskEvents.filter((e) => e.parentNodeExecutionId?.executionId?.name === name);
}

describe("array node state", () => {
  it("packs small integers into fixed-width base-36 digits and back", () => {
    const values = new Uint32Array([0, 5, 1295, 36, 0]);
    const packed = packDigits(values);
    expect(packed).toBe("2" + "00" + "05" + "zz" + "10" + "00");
    const back = new Uint32Array(5);
    unpackDigits(packed, back);
    expect([...back]).toEqual([0, 5, 1295, 36, 0]);
    expect(packDigits(new Uint8Array(3))).toBe("0");
  });

  it("keeps 10,000 finished items in a few tens of kilobytes", () => {
    const items = new ArrayItems(10_000);
    items.phases.fill(5);
    items.running.set(3, { state: { pod: "x" } });
    const stored = storeArrayState({ phase: ArrayNodePhase.Succeeding, taskPhaseVersion: 3, items });
    // Item 3 is terminal: its running record is dropped.
    expect(JSON.stringify(stored).length).toBeLessThan(12_000);
    const loaded = loadArrayState(stored);
    expect(loaded.phase).toBe(ArrayNodePhase.Succeeding);
    expect(loaded.items?.phases[9_999]).toBe(5);
    expect(loaded.items?.running.size).toBe(0);
  });
});

describeEachDialect("array node", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("maps a task over a list with each item's index, name and output dir, and gathers the outputs in order", async () => {
    const plugin = recordingEchoPlugin();
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("map1", mapWorkflow("map1", "recording-echo"), { xs: ints([10, 11, 12]) });
    expect(await h.controlPlane.waitForTerminal("map1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map1"), "ys")).toEqual([10, 11, 12]);

    const dataDir = nodeDataDir({
      workflowDataDir: workflowDataDir({
        metadataRoot: metadataRoot({ baseUri: h.blobs.baseUri }),
        executionId: { project: "p", domain: "d", name: "map1" },
      }),
      nodeId: "map",
    });
    const seen = [...plugin.seen].sort(
      (a, b) => Number(a.env.FLYTE_K8S_ARRAY_INDEX) - Number(b.env.FLYTE_K8S_ARRAY_INDEX),
    );
    expect(seen.map((s) => s.env.FLYTE_K8S_ARRAY_INDEX)).toEqual(["0", "1", "2"]);
    expect(seen.every((s) => s.env.BATCH_JOB_ARRAY_INDEX_VAR_NAME === "FLYTE_K8S_ARRAY_INDEX")).toBe(true);
    // The plugin reads the array node's inputs (whole lists), and writes to <arrayOutputDir>/<i>/<attempt>.
    expect(seen.every((s) => s.inputsPath === `${dataDir}/inputs.pb`)).toBe(true);
    expect(seen.map((s) => s.outputPrefix)).toEqual([`${dataDir}/0/0/0`, `${dataDir}/0/1/0`, `${dataDir}/0/2/0`]);
    expect(new Set(seen.map((s) => s.generatedName)).size).toBe(3);
    // Outputs handed over in memory are gathered from memory: only the array node's outputs.pb is written.
    expect(await h.blobs.exists(`${dataDir}/0/1/0/outputs.pb`)).toBe(false);
    const gathered = await readProto(h.blobs, `${dataDir}/0/outputs.pb`, LiteralMapSchema);
    expect(outputList(gathered, "x")).toEqual([10, 11, 12]);

    const mapEvents = h.controlPlane.nodeEvents.filter(
      (e) => e.id?.executionId?.name === "map1" && e.id.nodeId === "map",
    );
    expect(mapEvents.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(mapEvents.every((e) => e.isArray)).toBe(true);
    // No node events for the items themselves.
    expect(h.controlPlane.nodeEvents.some((e) => e.specNodeId === "n0")).toBe(false);

    const events = arrayTaskEvents(h, "map1");
    expect(events.every((e) => e.taskType === "container_array" && e.metadata?.pluginIdentifier === "k8s-array")).toBe(
      true,
    );
    expect(events[0]).toMatchObject({ phase: TaskExecution_Phase.QUEUED, phaseVersion: 0 });
    expect(events[0]!.metadata!.externalResources.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(events[0]!.inputValue.case).toBe("inputUri");
    const last = events.at(-1)!;
    expect(last.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    expect(last.outputResult).toMatchObject({ case: "outputUri", value: `${dataDir}/0/outputs.pb` });
    expect(last.metadata!.externalResources.map((r) => r.phase)).toEqual([
      TaskExecution_Phase.SUCCEEDED,
      TaskExecution_Phase.SUCCEEDED,
      TaskExecution_Phase.SUCCEEDED,
    ]);
    const running = events.filter((e) => e.phase === TaskExecution_Phase.RUNNING);
    expect(running.length).toBeGreaterThan(0);
    // Phase versions grow while the items change.
    expect(running.map((e) => e.phaseVersion)).toEqual(running.map((_, i) => i + 1));
    expect(
      running.flatMap((e) => e.metadata!.externalResources).every((r) => r.externalId.endsWith(`-n${r.index}-0`)),
    ).toBe(true);
  });

  it("runs items again whose in-memory outputs were lost before the gather, then writes them to the store", async () => {
    const plugin = recordingEchoPlugin();
    // Room for one item's outputs: remembering the second drops the first ones.
    h = await startEngineHarness(db(), {
      plugins: [plugin],
      nodeHandlers: [createArrayNodeHandler({ rememberedItemOutputs: 1 })],
    });
    await h.submit("lost1", mapWorkflow("lost1", "recording-echo"), { xs: ints([10, 11, 12]) });
    expect(await h.controlPlane.waitForTerminal("lost1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("lost1"), "ys")).toEqual([10, 11, 12]);
    expect(plugin.seen.length).toBeGreaterThan(3);

    const dataDir = nodeDataDir({
      workflowDataDir: workflowDataDir({
        metadataRoot: metadataRoot({ baseUri: h.blobs.baseUri }),
        executionId: { project: "p", domain: "d", name: "lost1" },
      }),
      nodeId: "map",
    });
    const rerun = [...new Set(plugin.seen.slice(3).map((s) => s.env.FLYTE_K8S_ARRAY_INDEX))];
    expect(rerun.length).toBeGreaterThan(0);
    for (const index of rerun) {
      const item = await readProto(h.blobs, `${dataDir}/0/${index}/0/outputs.pb`, LiteralMapSchema);
      expect(Number(literalToJs(item.literals.x!))).toBe(10 + Number(index));
    }
  });

  it("succeeds with the minimum success ratio, padding failed items with None", async () => {
    h = await startEngineHarness(db(), { plugins: [oddFailsPlugin()] });
    await h.submit("map2", mapWorkflow("map2", "odd-fails", { minSuccessRatio: 0.5 }), { xs: ints([2, 3, 4, 5]) });
    expect(await h.controlPlane.waitForTerminal("map2")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map2"), "ys")).toEqual([2, null, 4, null]);
    const last = arrayTaskEvents(h, "map2").at(-1)!;
    expect(last.metadata!.externalResources.map((r) => TaskExecution_Phase[r.phase])).toEqual([
      "SUCCEEDED",
      "FAILED",
      "SUCCEEDED",
      "FAILED",
    ]);
  });

  it("fails once the minimum number of successes cannot be reached, summarizing item errors", async () => {
    h = await startEngineHarness(db(), { plugins: [oddFailsPlugin()] });
    await h.submit("map3", mapWorkflow("map3", "odd-fails", { minSuccesses: 3 }), { xs: ints([1, 2, 3, 4]) });
    expect(await h.controlPlane.waitForTerminal("map3")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = h.controlPlane.nodeEvents.find(
      (e) => e.id?.executionId?.name === "map3" && e.id.nodeId === "map" && e.phase === NodeExecution_Phase.FAILED,
    );
    expect(failed?.outputResult.case).toBe("error");
    const message = failed?.outputResult.case === "error" ? failed.outputResult.value.message : "";
    expect(message).toContain("[0]: ");
    expect(message).toContain("odd input 1");
    expect(message).toContain("[2]: ");
    const events = arrayTaskEvents(h, "map3");
    expect(events.at(-1)?.phase).toBe(TaskExecution_Phase.FAILED);
  });

  it("retries items within the sub-node's budget, each attempt in its own output dir", async () => {
    const plugin = flakyPlugin({ failures: 1, kind: "USER" });
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("map4", mapWorkflow("map4", "flaky", {}, { retries: 1 }), { xs: ints([7, 8]) });
    expect(await h.controlPlane.waitForTerminal("map4")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map4"), "ys")).toEqual([7, 8]);
    expect([...plugin.attempts].sort()).toEqual([0, 0, 1, 1]);
    const last = arrayTaskEvents(h, "map4").at(-1)!;
    expect(last.metadata!.externalResources.map((r) => r.retryAttempt)).toEqual([1, 1]);
  });

  it("fails items whose retries are exhausted", async () => {
    const plugin = flakyPlugin({ failures: 5, kind: "USER" });
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("map5", mapWorkflow("map5", "flaky", {}, { retries: 1 }), { xs: ints([1]) });
    expect(await h.controlPlane.waitForTerminal("map5")).toBe(WorkflowExecution_Phase.FAILED);
    expect(plugin.attempts).toEqual([0, 1]);
    const failed = h.controlPlane.workflowEvents.find(
      (e) => e.executionId?.name === "map5" && e.phase === WorkflowExecution_Phase.FAILED,
    );
    expect(failed?.outputResult.case === "error" ? failed.outputResult.value.message : "").toContain(
      "[2/2] currentAttempt done. Last Error: USER::attempt 1 failed",
    );
  });

  it("runs at most `parallelism` items at a time", async () => {
    const plugin = recordingEchoPlugin();
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("map6", mapWorkflow("map6", "recording-echo", { parallelism: 2 }), { xs: ints([1, 2, 3, 4, 5]) });
    expect(await h.controlPlane.waitForTerminal("map6")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map6"), "ys")).toEqual([1, 2, 3, 4, 5]);
    // Each running event reports at most two items changing.
    const running = arrayTaskEvents(h, "map6").filter((e) => e.phase === TaskExecution_Phase.RUNNING);
    expect(Math.max(...running.map((e) => new Set(e.metadata!.externalResources.map((r) => r.index)).size))).toBe(2);
  });

  it("caches each item and serves a later run from the cache", async () => {
    const cache = createMemoryTaskCache();
    const plugin = oddFailsPlugin();
    h = await startEngineHarness(db(), { plugins: [plugin], taskCache: cache });
    const closure = mapWorkflow("map7", "odd-fails", {}, { cache: { version: "1" } });
    await h.submit("map7", closure, { xs: ints([2, 4]) });
    expect(await h.controlPlane.waitForTerminal("map7")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(cache.puts).toHaveLength(2);
    expect(plugin.calls).toBe(2);
    await h.submit("map8", closure, { xs: ints([4, 2, 6]) });
    expect(await h.controlPlane.waitForTerminal("map8")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map8"), "ys")).toEqual([4, 2, 6]);
    expect(plugin.calls).toBe(3);
    const hits = arrayTaskEvents(h, "map8")
      .flatMap((e) => e.metadata!.externalResources)
      .filter((r) => r.cacheStatus === CatalogCacheStatus.CACHE_HIT)
      .map((r) => r.index);
    expect(hits.sort()).toEqual([0, 1]);
  });

  it("fails with InvalidArrayLength when mapped lists differ in length", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("pairs", {
        inputs: { xs: collectionType(integerType()), ss: collectionType(stringType()) },
        nodes: [mapNode("map", "pair", { x: ref("", "xs"), s: ref("", "ss") })],
      }),
      tasks: [
        task("pair", {
          inputs: { x: collectionType(integerType()), s: collectionType(stringType()) },
          outputs: { x: collectionType(integerType()), s: collectionType(stringType()) },
        }),
      ],
    });
    await h.submit("map9", closure, { xs: ints([1, 2]), ss: collectionLiteral([stringLiteral("a")]) });
    expect(await h.controlPlane.waitForTerminal("map9")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = h.controlPlane.nodeEvents.find(
      (e) => e.id?.nodeId === "map" && e.phase === NodeExecution_Phase.FAILED,
    );
    expect(failed?.outputResult).toMatchObject({ case: "error", value: { code: "InvalidArrayLength" } });
  });

  it("maps over 1,000 items", async () => {
    h = await startEngineHarness(db());
    const values = Array.from({ length: 1000 }, (_, i) => i * 3);
    await h.submit("map10", mapWorkflow("map10", "echo"), { xs: ints(values) });
    expect(await h.controlPlane.waitForTerminal("map10", 60_000)).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(outputList(await h.outputs("map10"), "ys")).toEqual(values);
  }, 90_000);
});
