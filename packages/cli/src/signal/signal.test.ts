/*
 * `aloft signal` on the approval example (examples/approval.ts) against a live platform: executions started with
 * `aloft run --remote`, their gates answered through the CLI. Needs the build (`npm run build`).
 */
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { repoRoot } from "@aloft/test-helpers";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AloftRun, runAloft } from "../run-aloft.test-helper.js";
import { type LivePlatform, startLivePlatform } from "../platform/live-platform.test-helper.js";

const where = ["-p", "flytesnacks", "-d", "development"];

let live: LivePlatform;
beforeAll(async () => {
  live = await startLivePlatform();
}, 60_000);
afterAll(async () => {
  await live?.dispose();
});

function aloft(...argv: string[]): Promise<AloftRun> {
  return runAloft([...argv, ...where, "--admin", live.url], { cwd: repoRoot });
}

/** Starts budgetReview for `team` as execution `name`. */
async function startReview(name: string, team: string): Promise<void> {
  const run = await runAloft(
    [
      "run",
      "--remote",
      "--name",
      name,
      ...where,
      "--admin",
      live.url,
      "examples/approval.ts",
      "budgetReview",
      "--team",
      team,
    ],
    { cwd: repoRoot },
  );
  expect([run.exitCode, run.stdout]).toEqual([0, `${name}\n`]);
}

/** Resolves once the execution's gate node has asked for `signalId`. */
async function asked(name: string, signalId: string): Promise<void> {
  const signals = createClient(SignalService, createGrpcTransport({ baseUrl: live.url }));
  await vi.waitFor(
    async () => {
      const listed = await signals.listSignals({
        workflowExecutionId: { project: "flytesnacks", domain: "development", name },
        limit: 10,
      });
      expect(listed.signals.map((s) => s.id?.signalId)).toContain(signalId);
    },
    { timeout: 30_000, interval: 20 },
  );
}

describe("aloft signal", { timeout: 120_000 }, () => {
  it("approves a gate, sets an input by its type, and lists them with their values", async () => {
    await startReview("review-ok", "data");
    await asked("review-ok", "budget-ok");
    const waiting = await aloft("signal", "list", "review-ok");
    expect([waiting.exitCode, waiting.stdoutLines]).toEqual([
      0,
      expect.arrayContaining(["SIGNAL     TYPE     VALUE", "budget-ok  boolean  (waiting)"]),
    ]);

    const approved = await aloft("signal", "approve", "review-ok", "budget-ok");
    expect([approved.exitCode, approved.stdout]).toEqual([
      0,
      "approved budget-ok of flytesnacks/development/review-ok\n",
    ]);
    await asked("review-ok", "bonus");
    const bad = await aloft("signal", "set", "review-ok", "bonus", "lots");
    expect([bad.exitCode, bad.stderrLines]).toEqual([
      2,
      ['aloft: invalid value for signal bonus (integer): "lots"', "hint: signal bonus takes an integer"],
    ]);
    const notApproval = await aloft("signal", "approve", "review-ok", "bonus");
    expect([notApproval.exitCode, notApproval.stderrLines]).toEqual([
      2,
      [
        "aloft: signal bonus is not an approval: it takes integer",
        "hint: give its value with aloft signal set review-ok bonus <value>",
      ],
    ]);
    const set = await aloft("signal", "set", "review-ok", "bonus", "500");
    expect([set.exitCode, set.stdout]).toEqual([0, "set bonus of flytesnacks/development/review-ok to 500\n"]);

    const execution = await live.waitForExecution("review-ok");
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const data = await live.admin.getExecutionData({ id: execution.id });
    const o0 = data.fullOutputs?.literals.o0?.value;
    expect(o0?.case === "scalar" && o0.value.value.case === "primitive" && o0.value.value.value.value.value).toBe(
      "data: 4500 approved",
    );
    const listed = await aloft("signal", "list", "review-ok");
    expect(listed.stdoutLines).toEqual([
      "SIGNAL     TYPE     VALUE",
      "bonus      integer  500",
      "budget-ok  boolean  true",
    ]);
  });

  it("--reject fails the gate node and so the execution", async () => {
    await startReview("review-rejected", "ml");
    await asked("review-rejected", "budget-ok");
    const rejected = await aloft("signal", "approve", "review-rejected", "budget-ok", "--reject");
    expect([rejected.exitCode, rejected.stdout]).toEqual([
      0,
      "rejected budget-ok of flytesnacks/development/review-rejected\n",
    ]);
    const execution = await live.waitForExecution("review-rejected");
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.FAILED);
  });

  it("says in one line when the execution or the signal is unknown", async () => {
    const unknown = await aloft("signal", "approve", "no-such-execution", "budget-ok");
    expect([unknown.exitCode, unknown.stderrLines]).toEqual([
      1,
      ["aloft: execution flytesnacks/development/no-such-execution not found"],
    ]);
    const signal = await aloft("signal", "set", "review-ok", "nope", "1");
    expect([signal.exitCode, signal.stderrLines]).toEqual([
      1,
      [
        "aloft: execution flytesnacks/development/review-ok has no signal nope (yet)",
        "hint: its signals: bonus, budget-ok",
      ],
    ]);
  });
});
