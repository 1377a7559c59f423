import { describe, expect, it } from "vitest";
import type { ExecutionChangeNotice } from "./execution-change.js";
import { PendingChanges } from "./pending-changes.js";

const executionId = { project: "p", domain: "d", name: "e" };
const node = (nodeId: string): ExecutionChangeNotice => ({ kind: "node", executionId, nodeId });
const execution: ExecutionChangeNotice = { kind: "execution", executionId };

describe("PendingChanges", () => {
  it("hands out notices oldest first, one per entity", () => {
    const pending = new PendingChanges();
    for (const notice of [execution, node("n0"), node("n1"), node("n0"), execution]) pending.push(notice);
    expect(pending.size).toBe(3);
    expect([pending.take(), pending.take(), pending.take(), pending.take()]).toEqual([
      execution,
      node("n0"),
      node("n1"),
      undefined,
    ]);
  });

  it("wakes a waiting reader and stops waiting when the signal aborts", async () => {
    const pending = new PendingChanges();
    const controller = new AbortController();
    const next = pending.next(controller.signal);
    pending.push(node("n0"));
    expect(await next).toEqual(node("n0"));
    const waiting = pending.next(controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
  });
});
