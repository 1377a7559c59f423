/*
 * `aloft run --remote` through the real CLI against a live platform (admin, catalog and engine in this process):
 * packaging, registration through the data proxy, the execution, --wait and --follow. Needs the build (`npm run
 * build`): the examples import `@aloft/sdk` and the engine's workers run its dist.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { repoRoot } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AloftRun, runAloft } from "../run-aloft.test-helper.js";
import { type LivePlatform, startLivePlatform } from "../platform/live-platform.test-helper.js";

let live: LivePlatform;
beforeAll(async () => {
  live = await startLivePlatform();
}, 60_000);
afterAll(async () => {
  await live?.dispose();
});

function remote(...argv: string[]): Promise<AloftRun> {
  return runAloft(["run", "--remote", "-p", "flytesnacks", "-d", "development", "--admin", live.url, ...argv], {
    cwd: repoRoot,
  });
}

/** The stderr status lines with the generated parts (version, execution name, URL) replaced. */
function statusLines(run: AloftRun): string[] {
  return run.stderrLines.map((line) =>
    line
      .replace(/version \S+/, "version <v>")
      .replace(/execution (\S+)\/(\S+)\/\S+: \S+$/, "execution $1/$2/<name>: <url>"),
  );
}

describe("aloft run --remote", { timeout: 120_000 }, () => {
  it("registers the workflow, starts it, and with --wait prints its outputs", async () => {
    const run = await remote("--wait", "examples/hello-world.ts", "helloWorld", "--name", "remote", "--n", "5");
    expect([run.exitCode, run.stdoutLines]).toEqual([0, ['greeting: "Hello, remote!"', "sq: 25"]]);
    expect(statusLines(run)).toEqual([
      "registered 4 entities in flytesnacks/development, version <v>",
      "started execution flytesnacks/development/<name>: <url>",
    ]);
    const name = /flytesnacks\/development\/(\S+):/.exec(run.stderrLines[1]!)![1]!;
    expect(run.stderrLines[1]).toContain(
      `${live.url}/console/projects/flytesnacks/domains/development/executions/${name}`,
    );
    const execution = await live.admin.getExecution({ id: { project: "flytesnacks", domain: "development", name } });
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(execution.spec?.launchPlan?.name).toBe("examples.hello-world.helloWorld");
  });

  it("registers the same code once: a second run finds every entity already there", async () => {
    const first = await remote("--wait", "examples/hello-world.ts", "square", "--x", "3");
    const second = await remote("--wait", "examples/hello-world.ts", "square", "--x", "4");
    expect([first.exitCode, first.stdoutLines, second.exitCode, second.stdoutLines]).toEqual([
      0,
      ["o0: 9"],
      0,
      ["o0: 16"],
    ]);
    expect(statusLines(second)[0]).toBe(
      "registered 1 entity in flytesnacks/development, version <v> (1 already there)",
    );
  });

  it("runs a launch plan by its own id, with its fixed inputs", async () => {
    const run = await remote("--wait", "examples/scheduled.ts", "regionalReport", "--kickoff", "2024-05-01T12:00:00Z");
    expect([run.exitCode, run.stdoutLines]).toEqual([
      0,
      ['o0: "us: events from 2024-05-01T11:50:00.000Z to 2024-05-01T12:00:00.000Z"'],
    ]);
  });

  it("without --wait prints the execution's name, taken from --name", async () => {
    const run = await remote("--name", "named-run", "examples/hello-world.ts", "square", "--x", "2");
    expect([run.exitCode, run.stdout]).toEqual([0, "named-run\n"]);
    const execution = await live.waitForExecution("named-run");
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);

    const again = await remote("--name", "named-run", "examples/hello-world.ts", "square", "--x", "2");
    expect([again.exitCode, again.stderrLines.at(-2), again.stderrLines.at(-1)]).toEqual([
      1,
      "aloft: an execution named named-run already exists in flytesnacks/development",
      "hint: give another --name, or leave it out for a generated one",
    ]);
  });

  it("--follow prints one line per change without a terminal, then the outputs", async () => {
    const run = await remote("--follow", "examples/hello-world.ts", "helloWorld", "--name", "follow");
    expect(run.exitCode).toBe(0);
    const lines = run.stdoutLines.map((line) => line.replace(/ in \d+(\.\d)?m?s/, ""));
    expect(lines.filter((line) => line.startsWith("node "))).toEqual(
      expect.arrayContaining(["node n0 SUCCEEDED", "node n1 SUCCEEDED"]),
    );
    expect(lines.at(-4)).toMatch(/^execution flytesnacks\/development\/\S+ SUCCEEDED \(2\/2 nodes\)$/);
    expect(lines.slice(-3)).toEqual(["outputs:", '  greeting: "Hello, follow!"', "  sq: 9"]);
  });

  it("a failing run exits 1 with its error, with --wait and with --follow", async () => {
    const waited = await remote("--wait", "examples/branches.ts", "halve", "--n", "3");
    expect(waited.exitCode).toBe(1);
    expect(waited.stdout).toBe("");
    expect(waited.stderrLines.at(-1)).toMatch(
      /^aloft: execution flytesnacks\/development\/\S+ FAILED: .*halve only takes even numbers/,
    );
    const followed = await remote("--follow", "examples/branches.ts", "halve", "--n", "3");
    expect(followed.exitCode).toBe(1);
    expect(followed.stdoutLines.at(-1)).toMatch(
      /^execution flytesnacks\/development\/\S+ FAILED in .*halve only takes/,
    );
  });

  it("uploads a local file given as an input through the data proxy", async () => {
    const file = join(live.dir, "poem.txt");
    await writeFile(file, "One fish.\nTwo fish.\nRed fish, blue fish.\n");
    const run = await remote("--wait", "examples/shell-task.ts", "wc", "--text", file);
    expect([run.exitCode, run.stdoutLines]).toEqual([0, ["lines: 3", "words: 8"]]);
    const missing = await remote("--wait", "examples/shell-task.ts", "wc", "--text", join(live.dir, "absent.txt"));
    expect([missing.exitCode, missing.stderrLines.at(-1)]).toEqual([
      2,
      expect.stringMatching(/^aloft: cannot read --text \S+absent\.txt: ENOENT/),
    ]);
  });

  it("bad flags and inputs print one line and exit 2 before anything is registered", async () => {
    const bad = await remote("--wait", "examples/hello-world.ts", "square", "--x", "seven");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderrLines[0]).toMatch(/^aloft: invalid value for --x <int>: /);
  });

  it("runs in flytesnacks/development without -p, -d or a config file, as pyflyte run does", async () => {
    const run = await runAloft(
      ["run", "--remote", "--admin", live.url, "examples/hello-world.ts", "square", "--x", "1"],
      {
        cwd: repoRoot,
      },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stderrLines[1]).toMatch(/^started execution flytesnacks\/development\//);
  });
});
