/** The follow display for a scripted sequence of watch events (no admin involved). */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type WatchExecutionEvent, WatchExecutionEventSchema } from "@aloft/idl/gen/aloft/admin/watch_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { describe, expect, it } from "vitest";
import { applyWatchEvent, type ExecutionProgress, initialProgress, nodeCounts } from "./execution-progress.js";
import { createLineRenderer } from "./line-renderer.js";
import { createLiveRenderer, renderProgressFrame } from "./progress-renderer.js";

const executionId = { project: "p", domain: "development", name: "e1" };
const t = (second: number) => timestampFromMs(second * 1000);
const seconds = (value: number) => ({ seconds: BigInt(Math.floor(value)), nanos: Math.round((value % 1) * 1e9) });

const execution = (
  phase: WorkflowExecution_Phase,
  extra: { started?: number; duration?: number; error?: string } = {},
) =>
  create(WatchExecutionEventSchema, {
    event: {
      case: "execution",
      value: {
        id: executionId,
        closure: {
          phase,
          ...(extra.started === undefined ? {} : { startedAt: t(extra.started) }),
          ...(extra.duration === undefined ? {} : { duration: seconds(extra.duration) }),
          ...(extra.error === undefined
            ? {}
            : { outputResult: { case: "error" as const, value: { code: "USER", message: extra.error } } }),
        },
      },
    },
  });

const node = (
  nodeId: string,
  phase: NodeExecution_Phase,
  extra: { started?: number; duration?: number } = {},
): WatchExecutionEvent => {
  const value: MessageInitShape<typeof NodeExecutionSchema> = {
    id: { nodeId, executionId },
    closure: {
      phase,
      ...(extra.started === undefined ? {} : { startedAt: t(extra.started) }),
      ...(extra.duration === undefined ? {} : { duration: seconds(extra.duration) }),
    },
  };
  return create(WatchExecutionEventSchema, { event: { case: "nodeExecution", value } });
};

const task = (nodeId: string, phase: TaskExecution_Phase, retryAttempt: number) =>
  create(WatchExecutionEventSchema, {
    event: {
      case: "taskExecution",
      value: { id: { nodeExecutionId: { nodeId, executionId }, retryAttempt }, closure: { phase } },
    },
  });

const end = (phase: WorkflowExecution_Phase) =>
  create(WatchExecutionEventSchema, { event: { case: "end", value: { phase } } });

/** A run of two planned nodes: n0 succeeds after a retry, n1 fails, so the execution fails. */
const script: WatchExecutionEvent[] = [
  execution(WorkflowExecution_Phase.QUEUED),
  execution(WorkflowExecution_Phase.RUNNING, { started: 100 }),
  node("start-node", NodeExecution_Phase.SUCCEEDED),
  node("n0", NodeExecution_Phase.QUEUED),
  node("n0", NodeExecution_Phase.RUNNING, { started: 101 }),
  task("n0", TaskExecution_Phase.RUNNING, 0),
  task("n0", TaskExecution_Phase.FAILED, 0),
  task("n0", TaskExecution_Phase.RUNNING, 1),
  node("n0", NodeExecution_Phase.RUNNING, { started: 101 }),
  task("n0", TaskExecution_Phase.SUCCEEDED, 1),
  node("n0", NodeExecution_Phase.SUCCEEDED, { started: 101, duration: 2.5 }),
  node("n1", NodeExecution_Phase.RUNNING, { started: 104 }),
  node("n1", NodeExecution_Phase.FAILED, { started: 104, duration: 0.25 }),
  execution(WorkflowExecution_Phase.FAILED, { started: 100, duration: 4.5, error: "n1: boom\n  at line 3" }),
  end(WorkflowExecution_Phase.FAILED),
];

function replay(
  events: readonly WatchExecutionEvent[],
  progress = initialProgress(["start-node", "n0", "n1", "end-node"]),
) {
  const states: ExecutionProgress[] = [];
  for (const event of events) {
    progress = applyWatchEvent(progress, event);
    states.push(progress);
  }
  return states;
}

describe("execution progress", () => {
  it("folds events into the execution, visible nodes in order and each node's latest attempt", () => {
    const final = replay(script).at(-1)!;
    expect(final.ended).toBe(true);
    expect(final.nodes.map((n) => n.nodeId)).toEqual(["n0", "n1"]);
    expect(final.nodes[0]!.latestAttempt?.id?.retryAttempt).toBe(1);
    expect(nodeCounts(final)).toEqual({ completed: 2, total: 2 });
    // Before the nodes ran, the plan gives the total.
    expect(nodeCounts(replay(script.slice(0, 4)).at(-1)!)).toEqual({ completed: 0, total: 2 });
  });

  it("ignores an older attempt arriving after a newer one", () => {
    const [state] = replay([task("n0", TaskExecution_Phase.FAILED, 0)], replay(script.slice(0, 8)).at(-1)!);
    expect(state!.nodes[0]!.latestAttempt?.id?.retryAttempt).toBe(1);
  });
});

describe("createLineRenderer", () => {
  it("writes one line per phase change, the terminal execution last", () => {
    let text = "";
    const renderer = createLineRenderer((chunk) => (text += chunk));
    const states = replay(script);
    for (const state of states) renderer.update(state);
    renderer.finish(states.at(-1)!);
    expect(text).toBe(
      [
        "execution p/development/e1 QUEUED",
        "execution p/development/e1 RUNNING",
        "node n0 QUEUED",
        "node n0 RUNNING",
        "task n0 attempt 1 RUNNING",
        "task n0 attempt 1 FAILED",
        "task n0 attempt 2 RUNNING",
        "task n0 attempt 2 SUCCEEDED",
        "node n0 SUCCEEDED in 2.5s",
        "node n1 RUNNING",
        "node n1 FAILED in 250ms",
        "execution p/development/e1 FAILED in 4.5s: n1: boom (2/2 nodes)",
        "",
      ].join("\n"),
    );
  });
});

describe("renderProgressFrame", () => {
  it("shows the execution, a progress bar and every node with its phase and time", () => {
    const state = replay(script.slice(0, 12)).at(-1)!;
    expect(renderProgressFrame(state, { columns: 80, rows: 24, nowMs: 106_000, tick: 2 })).toEqual([
      "⠹ p/development/e1  RUNNING  6.0s",
      `  [${"█".repeat(15)}${"░".repeat(15)}]  1/2 nodes`,
      "  ✓ n0  SUCCEEDED  2.5s  attempt 2",
      "  ⠹ n1  RUNNING    2.0s",
    ]);
  });

  it("fits narrow and short terminals", () => {
    let state = initialProgress();
    state = applyWatchEvent(state, execution(WorkflowExecution_Phase.RUNNING, { started: 0 }));
    for (let i = 0; i < 6; i++) {
      state = applyWatchEvent(state, node(`node-with-a-long-name-${i}`, NodeExecution_Phase.SUCCEEDED));
    }
    state = applyWatchEvent(state, node("last", NodeExecution_Phase.RUNNING, { started: 1 }));
    const lines = renderProgressFrame(state, { columns: 30, rows: 6, nowMs: 3000 });
    expect(lines).toHaveLength(6);
    expect(lines.every((line) => [...line].length < 30)).toBe(true);
    expect(lines[2]).toMatch(/^ {2}✓ node-with-a-long-name-4/);
    expect(lines[4]).toMatch(/^ {2}⠋ last/);
    expect(lines[5]).toBe("  … 4 more nodes");
  });
});

describe("createLiveRenderer", () => {
  it("redraws the frame in place and shows the cursor again at the end", () => {
    const writes: string[] = [];
    const renderer = createLiveRenderer({
      write: (text) => writes.push(text),
      size: () => ({ columns: 80, rows: 24 }),
      nowMs: () => 104_000,
      tickMs: 60_000,
    });
    const states = replay(script);
    renderer.update(states[1]!);
    renderer.finish(states.at(-1)!);
    expect(writes).toEqual([
      "\x1b[?25l\x1b[J⠋ p/development/e1  RUNNING  4.0s\n" + `  [${"░".repeat(30)}]  0/2 nodes\n`,
      "\x1b[2F\x1b[J" +
        [
          "✗ p/development/e1  FAILED  4.5s",
          `  [${"█".repeat(30)}]  2/2 nodes`,
          "  ✓ n0  SUCCEEDED  2.5s  attempt 2",
          "  ✗ n1  FAILED     250ms",
          "",
        ].join("\n"),
      "\x1b[?25h",
    ]);
  });
});
