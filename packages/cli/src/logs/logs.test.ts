/*
 * `aloft logs` against a live platform: executions of log-tasks.test-helper.ts started with `aloft run --remote`,
 * whose shell task runs as a local process and whose TypeScript tasks run in warm workers, both writing their
 * output to files the task executions link as file:// URIs. Needs the build (`npm run build`).
 */
import { repoRoot } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AloftRun, runAloft } from "../run-aloft.test-helper.js";
import { type LivePlatform, startLivePlatform } from "../platform/live-platform.test-helper.js";

const FIXTURE = "packages/cli/src/logs/log-tasks.test-helper.ts";

let live: LivePlatform;
beforeAll(async () => {
  live = await startLivePlatform();
  await Promise.all([runToEnd("shoutThenFail", "logs-shout"), runToEnd("shoutThenBreak", "logs-broken")]);
}, 120_000);
afterAll(async () => {
  await live?.dispose();
});

function aloft(...argv: string[]): Promise<AloftRun> {
  return runAloft([...argv, "-p", "flytesnacks", "-d", "development", "--admin", live.url], { cwd: repoRoot });
}

/** Runs `workflow` of the fixture remotely to its end and answers the execution's name. */
async function runToEnd(workflow: string, name: string): Promise<void> {
  const run = await runAloft(
    [
      "run",
      "--remote",
      "--name",
      name,
      "-p",
      "flytesnacks",
      "-d",
      "development",
      "--admin",
      live.url,
      FIXTURE,
      workflow,
      "--word",
      "world",
    ],
    { cwd: repoRoot },
  );
  expect(run.stderrLines.filter((line) => line.startsWith("aloft:"))).toEqual([]);
  await live.waitForExecution(name);
}

describe("aloft logs", { timeout: 120_000 }, () => {
  it("prints a shell task's stdout and stderr, each under its name", async () => {
    const run = await aloft("logs", "logs-shout", "--node", "n0");
    expect(run.stderrLines).toEqual([expect.stringMatching(/^node n0 attempt 1 \(\S+\.shout\) SUCCEEDED$/)]);
    expect([run.exitCode, run.stdout]).toEqual([0, "==> stdout <==\nhello from world\n\n==> stderr <==\na warning\n"]);
  });

  it("defaults to the last node's latest attempt, and --attempt picks an earlier one", async () => {
    const name = "logs-shout";
    const latest = await aloft("logs", name);
    expect(latest.stderrLines).toEqual([expect.stringMatching(/^node n1 attempt 2 \(\S+\.flaky\) SUCCEEDED$/)]);
    expect(latest.stdout).toContain("==> stdout <==\nattempt 1 of flaky with 1\n");
    const first = await aloft("logs", name, "--node", "n1", "--attempt", "1");
    expect(first.stderrLines).toEqual([expect.stringMatching(/^node n1 attempt 1 \(\S+\.flaky\) FAILED$/)]);
    expect(first.stdout).toContain("==> stdout <==\nattempt 0 of flaky with 1\n");
  });

  it("defaults to the failed node of a failed execution", async () => {
    const run = await aloft("logs", "logs-broken");
    expect(run.exitCode).toBe(0);
    expect(run.stderrLines).toEqual([expect.stringMatching(/^node n1 attempt 1 \(\S+\.broken\) FAILED$/)]);
    expect(run.stdout).toMatch(/==> stderr <==\n(.*\n)*broken got 2\n/);
  });

  it("says in one line what is missing: an execution, a node, an attempt, a bad flag", async () => {
    const unknown = await aloft("logs", "no-such-execution");
    expect([unknown.exitCode, unknown.stderrLines]).toEqual([
      1,
      ["aloft: execution flytesnacks/development/no-such-execution not found"],
    ]);
    const node = await aloft("logs", "logs-shout", "--node", "n9");
    expect([node.exitCode, node.stderrLines]).toEqual([
      1,
      ["aloft: execution flytesnacks/development/logs-shout has no node n9"],
    ]);
    const attempt = await aloft("logs", "logs-shout", "--node", "n0", "--attempt", "3");
    expect([attempt.exitCode, attempt.stderrLines]).toEqual([
      1,
      ["aloft: node n0 has no attempt 3", "hint: its attempts: 1"],
    ]);
    const bad = await aloft("logs", "logs-shout", "--attempt", "0");
    expect([bad.exitCode, bad.stderrLines[0]]).toEqual([
      2,
      "aloft: option '--attempt <n>' argument '0' is invalid. use an attempt number from 1.",
    ]);
  });
});
