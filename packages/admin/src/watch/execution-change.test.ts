import { describe, expect, it } from "vitest";
import { type ExecutionChange, executionChangeFromPayload, executionChangeToPayload } from "./execution-change.js";

const executionId = { project: "p", domain: "development", name: "exec" };

describe("execution change payloads", () => {
  it("round-trip every kind of change with the publisher's origin", () => {
    const changes: ExecutionChange[] = [
      { kind: "execution", executionId },
      { kind: "node", executionId, nodeId: "n0-0-dn1" },
      {
        kind: "task",
        executionId,
        task: {
          taskId: { project: "p", domain: "development", name: "wf.t1", version: "v1" },
          nodeExecutionId: { executionId, nodeId: "n0" },
          retryAttempt: 2,
        },
      },
    ];
    for (const change of changes) {
      const payload = executionChangeToPayload(change, "origin-1");
      expect(executionChangeFromPayload(payload)).toEqual({ origin: "origin-1", change });
    }
  });

  it("carry ids only, far below PostgreSQL's 8000-byte NOTIFY limit", () => {
    const long = "x".repeat(255);
    const payload = executionChangeToPayload(
      {
        kind: "task",
        executionId: { project: long, domain: long, name: long },
        task: {
          taskId: { project: long, domain: long, name: long, version: long },
          nodeExecutionId: { executionId: { project: long, domain: long, name: long }, nodeId: long },
          retryAttempt: 0,
        },
      },
      "origin",
    );
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
  });

  it("reject payloads that are not changes", () => {
    for (const payload of [
      "",
      "not json",
      "{}",
      '["o","e","p","d"]',
      '["o","x","p","d","n"]',
      '["o","t","p","d","n"]',
    ]) {
      expect(executionChangeFromPayload(payload)).toBeUndefined();
    }
  });
});
