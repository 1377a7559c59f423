/*
 * `aloft run` in-process, on the repository's examples (`examples/`, which import `@aloft/sdk`: build
 * the workspace first). Progress lines carry durations, which are removed before comparing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, repoRoot } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAloft, type AloftRun } from "../run-aloft.test-helper.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-cli-run-"));
});
afterAll(async () => {
  await cleanup();
});

async function aloftRun(...argv: string[]): Promise<AloftRun> {
  return runAloft(["run", ...argv], { cwd: repoRoot, env: { ALOFT_LOCAL_CACHE_DIR: join(dir, "cache") } });
}

/** `examples/<file>:<line>:<column>` of the first `new RangeError` in an example (where its task throws). */
function throwSite(file: string): string {
  const lines = readFileSync(join(repoRoot, "examples", file), "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes("new RangeError"));
  return `examples/${file}:${index + 1}:${(lines[index] ?? "").indexOf("new RangeError") + 1}`;
}

const withoutDurations = (lines: readonly string[]) => lines.map((l) => l.replace(/ \(\d+(\.\d)?m?s\)/, ""));

describe("aloft run", () => {
  it("runs a workflow with its inputs from flags, prints progress on stderr and the outputs on stdout", async () => {
    const run = await aloftRun("examples/hello-world.ts", "helloWorld", "--name", "world", "--n", "4");
    expect([run.exitCode, run.stdoutLines, withoutDurations(run.stderrLines)]).toEqual([
      0,
      ["greeting: Hello, world!", "sq: 16"],
      ["✓ n0 sayHello", "✓ n1 square"],
    ]);
  });

  it("uses defaults for inputs left out, prints JSON with --json, and nothing on stderr with -q", async () => {
    const run = await aloftRun("examples/hello-world.ts", "helloWorld", "--name", "json", "--json", "-q");
    expect([run.exitCode, JSON.parse(run.stdout), run.stderr]).toEqual([0, { greeting: "Hello, json!", sq: 9 }, ""]);
  });

  it("takes aloft run's own options before the file too, and runs tasks and launch plans by export name", async () => {
    const task = await aloftRun("--cache", "off", "-q", "examples/hello-world.ts", "square", "--x", "7");
    expect([task.exitCode, task.stdout, task.stderr]).toEqual([0, "49\n", ""]);
    const plan = await aloftRun("examples/scheduled.ts", "regionalReport", "--kickoff", "2024-05-01T12:00:00Z", "-q");
    expect([plan.exitCode, plan.stdout]).toEqual([
      0,
      "us: events from 2024-05-01T11:50:00.000Z to 2024-05-01T12:00:00.000Z\n",
    ]);
  });

  it("finds an entity by its registered name as well as its export name", async () => {
    const run = await aloftRun("examples/hello-world.ts", "examples.hello-world.square", "--x", "3", "-q");
    expect([run.exitCode, run.stdout]).toEqual([0, "9\n"]);
  });

  it("prints the entity's inputs with their types, descriptions and defaults for --help", async () => {
    const run = await aloftRun("examples/hello-world.ts", "helloWorld", "--help");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^Usage: aloft run examples\/hello-world\.ts helloWorld \[--<input> <value>\.\.\.\] \[options\]/,
    );
    expect(run.stdout).toContain("workflow examples.hello-world.helloWorld: Says hello and squares a number.");
    expect(run.stdout).toMatch(
      /Inputs:\n {2}--name <str> +who to greet \(required\)\n {2}--n <int> +the number to square \(default: 3\)\n/,
    );
    expect(run.stdout).toContain("Outputs:\n  greeting: str\n  sq: int");
    expect(run.stdout).toMatch(/--json +print the outputs as JSON/);
    const first = await aloftRun("--help", "examples/hello-world.ts", "helloWorld");
    expect([first.exitCode, first.stdout]).toEqual([0, run.stdout]);
    const plan = await aloftRun("examples/scheduled.ts", "regionalReport", "--help");
    expect(plan.stdout).toContain("Fixed by the launch plan:\n  region = us\n  windowMinutes = 10");
    expect(plan.stdout).not.toContain("--region");
  });

  it("prints its own help for --help without a file", async () => {
    const run = await aloftRun("--help");
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatch(/^Usage: aloft run \[options\] <file> <entity> \[--<input> <value>\.\.\.\]/);
    expect(run.stdout).toContain("aloft run examples/hello-world.ts helloWorld --name world --n 3");
  });
});

describe("aloft run's usage errors print one line and a hint, and exit 2", () => {
  it.for([
    {
      argv: ["examples/hello-world.ts", "helloWorld"],
      lines: [
        "aloft: missing required input --name <str>",
        "hint: run 'aloft run examples/hello-world.ts helloWorld --help' to see its inputs",
      ],
    },
    {
      argv: ["examples/hello-world.ts", "helloWorld", "--nme", "x"],
      lines: ["aloft: unknown option '--nme'", "hint: did you mean --name?"],
    },
    {
      argv: ["examples/hello-world.ts", "helloWorld", "--name", "x", "--n", "three"],
      lines: [
        'aloft: invalid value for --n <int>: expected integer, got "three"',
        "hint: run 'aloft run examples/hello-world.ts helloWorld --help' to see its inputs",
      ],
    },
    {
      argv: ["examples/hello-world.ts", "helloWorl"],
      lines: [
        "aloft: examples/hello-world.ts has no task, workflow or launch plan named helloWorl",
        "hint: did you mean helloWorld? (examples/hello-world.ts has helloWorld, sayHello, square)",
      ],
    },
    {
      argv: ["examples/hello-world.ts"],
      lines: [
        "aloft: missing the entity to run: the export name of a task, workflow or launch plan",
        "hint: examples/hello-world.ts has helloWorld, sayHello, square",
      ],
    },
    {
      argv: ["examples/nope.ts", "x"],
      lines: ["aloft: no such file: examples/nope.ts", "hint: give the path of a .ts or .js module"],
    },
    {
      argv: [],
      lines: [
        "aloft: missing the file to run",
        "hint: aloft run <file> <entity> [--<input> <value>...], e.g. aloft run examples/hello-world.ts helloWorld --name world",
      ],
    },
    {
      argv: ["--cache", "maybe", "examples/hello-world.ts", "square"],
      lines: [
        "aloft: option '--cache <mode>' argument 'maybe' is invalid. use on, off or overwrite.",
        "hint: run 'aloft run --help' for usage",
      ],
    },
  ])("$argv", async ({ argv, lines }) => {
    const run = await aloftRun(...argv);
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([2, "", lines]);
  });
});

describe("aloft run's failures print one line and exit 1", () => {
  it("a failing task names the node and the line that threw", async () => {
    const dataDir = join(dir, "data");
    const run = await aloftRun(
      "examples/ml-pipeline.ts",
      "pipeline",
      "--testFraction",
      "2",
      "--cache",
      "off",
      "--data-dir",
      dataDir,
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("");
    expect(withoutDurations(run.stderrLines)).toEqual([
      "✓ n0 makeDataset",
      "✗ n1 split: testFraction must be in (0, 1), got 2",
      "aloft: workflow examples.ml-pipeline.pipeline failed at node n1 (split): RangeError: testFraction must be in (0, 1), got 2",
      `hint: thrown at ${throwSite("ml-pipeline.ts")} (ALOFT_DEBUG=1 prints the whole stack)`,
    ]);
    // The dataset the first task wrote went to --data-dir.
    expect(readdirSync(join(dataDir, "raw"))).toHaveLength(1);
  });

  it("a conditional's .fail fails the run with its message", async () => {
    const run = await aloftRun("examples/branches.ts", "halve", "--n", "3", "-q");
    expect([run.exitCode, run.stderrLines]).toEqual([
      1,
      [
        "aloft: workflow examples.branches.halve failed at node n1 (even): [UserProvidedError] halve only takes even numbers",
      ],
    ]);
  });

  it("a gate without its --signal fails naming the flag to give; a bad signal value names it too", async () => {
    const missing = await aloftRun(
      "examples/approval.ts",
      "budgetReview",
      "--team",
      "a",
      "--signal",
      "budget-ok=true",
      "-q",
    );
    expect([missing.exitCode, missing.stderrLines]).toEqual([
      1,
      [
        'aloft: workflow examples.approval.budgetReview failed at node n2 (bonus): no value was given for signal "bonus" (int): give it with --signal bonus=<value>',
      ],
    ]);
    const bad = await aloftRun("examples/approval.ts", "budgetReview", "--team", "a", "--signal", "bonus=x", "-q");
    expect(bad.stderrLines).toEqual([
      'aloft: workflow examples.approval.budgetReview failed at node n2 (bonus): invalid value for --signal bonus (int): expected integer, got "x"',
    ]);
    const ok = await aloftRun(
      "--signal",
      "bonus=1",
      "examples/approval.ts",
      "budgetReview",
      "--team",
      "ab",
      "--signal",
      "budget-ok=yes",
      "-q",
    );
    expect([ok.exitCode, ok.stdout]).toEqual([0, "ab: 2001 approved\n"]);
  });

  it("refuses options of the other mode: remote-only flags locally, local-only flags remotely", async () => {
    const wait = await aloftRun("examples/hello-world.ts", "square", "--x", "1", "--wait");
    expect([wait.exitCode, wait.stderrLines]).toEqual([
      2,
      ["aloft: --wait needs --remote", "hint: add --remote to run on the platform"],
    ]);
    const signal = await aloftRun(
      "--remote",
      "examples/approval.ts",
      "budgetReview",
      "--team",
      "a",
      "--signal",
      "bonus=1",
    );
    expect([signal.exitCode, signal.stderrLines]).toEqual([
      2,
      [
        "aloft: --signal applies to local runs only",
        "hint: send signals to a remote execution with aloft signal approve|set",
      ],
    ]);
    const both = await aloftRun("examples/hello-world.ts", "square", "--x", "1", "--remote", "--wait", "--follow");
    expect([both.exitCode, both.stderrLines[0]]).toEqual([2, "aloft: --wait and --follow exclude each other"]);
  });
});
