import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { makeTempDir } from "@aloft/test-helpers";
import { integerLiteral, integerType, literalMap, mapLiteral, stringType } from "@aloft/idl";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { computeLocalCacheKey, executeWorkflow, LocalCache, type LocalCacheMode } from "./index.js";
import { compile, fakeRunner, jsOf, ref, task, taskNode, workflow } from "./local-workflows.test-helper.js";

const int = integerType();
let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("aloft-local-cache-");
});
afterEach(async () => dir.cleanup());

function cached(options: { cache?: { version: string; ignore?: string[] }; output?: LiteralType } = {}) {
  const square = task("square", {
    inputs: { x: int, seed: int },
    outputs: { o0: options.output ?? int },
    cache: "cache" in options ? options.cache : { version: "1" },
  });
  return compile({
    workflow: workflow("cached", {
      inputs: { x: int, seed: int },
      outputs: { y: options.output ?? int },
      nodes: [taskNode("n0", "square", { x: ref("", "x"), seed: ref("", "seed") })],
      outputBindings: { y: ref("n0", "o0") },
    }),
    tasks: [square],
  });
}

function runOnce(
  closure: ReturnType<typeof cached>,
  mode: LocalCacheMode,
  x: number,
  seed = 0,
  result: unknown = x * x,
) {
  const runner = fakeRunner({ square: () => ({ o0: result }) });
  const events: string[] = [];
  return executeWorkflow({
    closure,
    inputs: literalMap({ x: integerLiteral(x), seed: integerLiteral(seed) }),
    runner,
    cache: new LocalCache({ dir: dir.path, mode }),
    onEvent: (e) => events.push(e.kind),
  }).then((r) => ({ result: r, calls: runner.calls.length, events, status: r.nodes.get("n0")?.cacheStatus }));
}

describe("LocalCache", () => {
  it("stores a discoverable task's outputs, then reuses them for the same inputs", async () => {
    const closure = cached();
    const first = await runOnce(closure, "on", 3);
    expect(first.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    expect(first.calls).toBe(1);

    const second = await runOnce(closure, "on", 3);
    expect(second.calls).toBe(0);
    expect(second.status).toBe(CatalogCacheStatus.CACHE_HIT);
    expect(second.events).toEqual(["cache-hit"]);
    expect(second.result.nodes.get("n0")?.attempts).toBe(0);
    expect(jsOf(second.result.outputs)).toEqual({ y: 9 });
  });

  it("misses for other inputs", async () => {
    const closure = cached();
    await runOnce(closure, "on", 3);
    const other = await runOnce(closure, "on", 4);
    expect(other.calls).toBe(1);
    expect(other.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
  });

  it("leaves cache_ignore_input_vars out of the key", async () => {
    const closure = cached({ cache: { version: "1", ignore: ["seed"] } });
    await runOnce(closure, "on", 3, 1);
    const again = await runOnce(closure, "on", 3, 2);
    expect(again.status).toBe(CatalogCacheStatus.CACHE_HIT);
  });

  it("keys on the cache version", async () => {
    await runOnce(cached({ cache: { version: "1" } }), "on", 3);
    const bumped = await runOnce(cached({ cache: { version: "2" } }), "on", 3);
    expect(bumped.calls).toBe(1);
  });

  it("always runs in overwrite mode and replaces what is stored", async () => {
    const closure = cached();
    await runOnce(closure, "on", 3, 0, 9);
    const overwritten = await runOnce(closure, "overwrite", 3, 0, 10);
    expect(overwritten.calls).toBe(1);
    expect(overwritten.status).toBe(CatalogCacheStatus.CACHE_POPULATED);
    const reread = await runOnce(closure, "on", 3);
    expect(jsOf(reread.result.outputs)).toEqual({ y: 10 });
  });

  it("neither reads nor writes when off", async () => {
    const closure = cached();
    await runOnce(closure, "on", 3);
    const off = await runOnce(closure, "off", 3);
    expect(off.calls).toBe(1);
    expect(off.status).toBe(CatalogCacheStatus.CACHE_DISABLED);
  });

  it("does not cache tasks that are not discoverable", async () => {
    const closure = cached({ cache: undefined });
    await runOnce(closure, "on", 3);
    const again = await runOnce(closure, "on", 3);
    expect(again.calls).toBe(1);
    expect(again.status).toBe(CatalogCacheStatus.CACHE_DISABLED);
  });

  it("ignores stored outputs that no longer match the task's declared outputs", async () => {
    await runOnce(cached(), "on", 3);
    // The stored integer output cannot be a string output: the task runs again.
    const retyped = await runOnce(cached({ output: stringType() }), "on", 3, 0, "nine");
    expect(retyped.calls).toBe(1);
    expect(retyped.result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(retyped.result.outputs)).toEqual({ y: "nine" });
  });
});

describe("computeLocalCacheKey", () => {
  it("names the task and version and hashes the inputs, whatever order maps were built in", () => {
    const ab = literalMap({ m: mapLiteral({ a: integerLiteral(1), b: integerLiteral(2) }) });
    const ba = literalMap({ m: mapLiteral({ b: integerLiteral(2), a: integerLiteral(1) }) });
    const key = computeLocalCacheKey({ taskName: "wf.square", cacheVersion: "1", inputs: ab });
    expect(key).toMatch(/^wf\.square-1-[0-9a-f]{64}$/);
    expect(computeLocalCacheKey({ taskName: "wf.square", cacheVersion: "1", inputs: ba })).toBe(key);
  });

  it("keys a literal that carries a hash by that hash alone", () => {
    const withHash = (value: number) =>
      literalMap({ df: create(LiteralSchema, { ...integerLiteral(value), hash: "abc" }) });
    const a = computeLocalCacheKey({ taskName: "t", cacheVersion: "1", inputs: withHash(1) });
    const b = computeLocalCacheKey({ taskName: "t", cacheVersion: "1", inputs: withHash(2) });
    expect(a).toBe(b);
  });
});
