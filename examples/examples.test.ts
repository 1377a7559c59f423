/*
 * Every example runs, with the outputs its README line promises; two run through `npx aloft run` as a
 * user would, and all of them package into files Flyte's own classes decode and `aloft compile`
 * accepts. Needs the build (`npm run build`): the examples import `@aloft/sdk`, `aloft` runs from dist.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FlyteFile, run, RunFailure } from "@aloft/sdk";
import { makeTempDir, repoRoot } from "@aloft/test-helpers";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEntity } from "@aloft/sdk";
import * as approval from "./approval.js";
import * as branches from "./branches.js";
import * as dynamicExample from "./dynamic.js";
import * as helloWorldExample from "./hello-world.js";
import * as mapExample from "./map.js";
import * as mlPipeline from "./ml-pipeline.js";
import * as scheduled from "./scheduled.js";
import * as shellTask from "./shell-task.js";

const { budgetReview } = approval;
const { classify, halve } = branches;
const { fanOut } = dynamicExample;
const { helloWorld, sayHello, square } = helloWorldExample;
const { sumOfSquares } = mapExample;
const { Model, pipeline } = mlPipeline;
const { hourlyReport, regionalReport, report } = scheduled;
const { countWords, wc } = shellTask;

/**
 * Names each module's exports as `aloft run` and `aloft package` do (`<module>.<export name>`). run()
 * would name them from their declarations too, but under vitest the SDK's own frames (from dist,
 * source-mapped to src) are taken for the declaration sites; see the report on `call-site.ts`.
 */
function nameExports(module: string, namespace: Record<string, unknown>): void {
  for (const [exportName, value] of Object.entries(namespace)) {
    if (!isEntity(value) || value.location !== undefined) continue;
    value.location = { module, exportName };
    value.name ??= `${module.replaceAll("/", ".")}.${exportName}`;
  }
}
nameExports("examples/approval", approval);
nameExports("examples/branches", branches);
nameExports("examples/dynamic", dynamicExample);
nameExports("examples/hello-world", helloWorldExample);
nameExports("examples/map", mapExample);
nameExports("examples/ml-pipeline", mlPipeline);
nameExports("examples/scheduled", scheduled);
nameExports("examples/shell-task", shellTask);

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-examples-"));
});
afterAll(async () => {
  await cleanup();
});

// Hermetic runs: no cache under ~/.aloft, data in the test's folder.
const options = () => ({ cache: "off" as const, dataDir: join(dir, "data") });

async function failureOf(promise: Promise<unknown>): Promise<RunFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RunFailure)) throw new Error(`expected a RunFailure, got ${String(error)}`);
  return error;
}

describe("the examples, run with run()", () => {
  it("hello-world greets and squares, with n defaulting to 3", async () => {
    expect(await run(helloWorld, { name: "world", n: 4 }, options())).toEqual({ greeting: "Hello, world!", sq: 16 });
    expect(await run(helloWorld, { name: "you" }, options())).toEqual({ greeting: "Hello, you!", sq: 9 });
    expect(await run(sayHello, { name: "task" }, options())).toEqual({ greeting: "Hello, task!" });
    expect(await run(square, { x: 12 }, options())).toBe(144);
  });

  it("ml-pipeline writes a CSV dataset, trains a model record and reports its accuracy", async () => {
    const { model, accuracy, dataset } = await run(pipeline, { rows: 400 }, options());
    expect(model).toEqual({ threshold: 0.6, trainedOn: 300 });
    expect(accuracy).toBeGreaterThan(0.9);
    expect(accuracy).toBeLessThanOrEqual(1);
    expect(dataset).toBeInstanceOf(FlyteFile);
    const lines = (await dataset.readText()).trim().split("\n");
    expect([lines[0], lines.length]).toEqual(["x,label", 401]);
    expect(Model.accepts(model)).toBe(true);
    const failure = await failureOf(run(pipeline, { testFraction: 2 }, options()));
    expect(failure.message).toBe(
      "workflow examples.ml-pipeline.pipeline failed at node n1 (split): RangeError: testFraction must be in (0, 1), got 2",
    );
  });

  it("branches takes the branch its condition picks, and fails through .fail", async () => {
    expect(await run(classify, { x: -4 }, options())).toBe("-4 is negative");
    expect(await run(classify, { x: 2.5 }, options())).toBe("2.5 is positive");
    expect(await run(classify, { x: 0 }, options())).toBe("zero");
    expect(await run(halve, { n: 8 }, options())).toBe(4);
    const failure = await failureOf(run(halve, { n: 3 }, options()));
    expect(failure.message).toBe(
      "workflow examples.branches.halve failed at node n1 (even): [UserProvidedError] halve only takes even numbers",
    );
  });

  it("map squares every element, scales them with a bound factor and sums them", async () => {
    expect(await run(sumOfSquares, { xs: [1, 2, 3, 4], factor: 10 }, options())).toEqual({
      squares: [1, 4, 9, 16],
      total: 300,
    });
    expect(await run(sumOfSquares, { xs: [] }, options())).toEqual({ squares: [], total: 0 });
  });

  it("dynamic fans out one node per number", async () => {
    const nodes: string[] = [];
    const total = await run(
      fanOut,
      { n: 5 },
      { ...options(), onEvent: (e) => e.kind === "succeeded" && nodes.push(e.path) },
    );
    expect(total).toBe(0 + 1 + 4 + 9 + 16);
    expect(nodes.sort()).toEqual(["", "dn0", "dn1", "dn2", "dn3", "dn4", "dn5"]);
  });

  it("shell-task counts words with sh, reading and writing files", async () => {
    expect(await run(countWords, { text: "One fish. Two fish. Red fish, blue fish." }, options())).toBe(
      "8 words on 3 lines",
    );
    const text = join(dir, "text.txt");
    await import("node:fs/promises").then((fs) => fs.writeFile(text, "a b\nc\n"));
    expect(await run(wc, { text: FlyteFile.fromPath(text) }, options())).toEqual({ lines: 2, words: 3 });
  });

  it("approval waits for an approval and a value, given as signals", async () => {
    const signals = { "budget-ok": true, bonus: 500 };
    expect(await run(budgetReview, { team: "data" }, { ...options(), signals })).toBe("data: 4500 approved");
    const rejected = await failureOf(
      run(budgetReview, { team: "data" }, { ...options(), signals: { ...signals, "budget-ok": false } }),
    );
    expect(rejected.message).toBe(
      "workflow examples.approval.budgetReview failed at node n1 (budget-ok): received a reject signal to disapprove the node input values",
    );
  });

  it("scheduled launch plans run with their default and fixed inputs", async () => {
    const kickoff = new Date("2024-05-01T12:00:00Z");
    expect(await run(hourlyReport, { kickoff }, options())).toBe(
      "eu: events from 2024-05-01T11:00:00.000Z to 2024-05-01T12:00:00.000Z",
    );
    expect(await run(regionalReport, { kickoff }, options())).toBe(
      "us: events from 2024-05-01T11:50:00.000Z to 2024-05-01T12:00:00.000Z",
    );
    expect(await run(report, { kickoff, region: "apac", windowMinutes: 5 }, options())).toBe(
      "apac: events from 2024-05-01T11:55:00.000Z to 2024-05-01T12:00:00.000Z",
    );
  });
});

/** Runs a command line of examples/README.md from the repository root, as a user would. */
async function shell(command: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file = "", ...args] = command;
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: repoRoot,
      env: { ...process.env, ALOFT_LOCAL_CACHE_DIR: join(dir, "cache") },
    });
    return { code: 0, stdout, stderr: withoutNpmNoise(stderr) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: withoutNpmNoise(failed.stderr ?? "") };
  }
}

// npm's own warnings about the machine's configuration are not aloft's output.
function withoutNpmNoise(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !line.startsWith("npm warn"))
    .join("\n");
}

/** `examples/<file>:<line>:<column>` of the first `new RangeError` in an example (where its task throws). */
async function throwSite(file: string): Promise<string> {
  const lines = (await readFile(fileURLToPath(new URL(file, import.meta.url)), "utf8")).split("\n");
  const index = lines.findIndex((l) => l.includes("new RangeError"));
  return `examples/${file}:${index + 1}:${(lines[index] ?? "").indexOf("new RangeError") + 1}`;
}

/** The `npx aloft run …` command of an example, read from examples/README.md. */
async function readmeCommand(example: string): Promise<string[]> {
  const readme = await readFile(fileURLToPath(new URL("./README.md", import.meta.url)), "utf8");
  const line = readme.split("\n").find((l) => l.includes(`[${example}]`));
  const command = /`(npx aloft run [^`]+)`/.exec(line ?? "")?.[1];
  if (command === undefined) throw new Error(`examples/README.md has no aloft run command for ${example}`);
  // The README quotes values as a shell would; split the same way.
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

describe("the examples, run with npx aloft run as examples/README.md says", () => {
  it("hello-world prints its outputs and one progress line per node", async () => {
    const command = await readmeCommand("hello-world.ts");
    expect(command).toEqual([
      "npx",
      "aloft",
      "run",
      "examples/hello-world.ts",
      "helloWorld",
      "--name",
      "world",
      "--n",
      "3",
    ]);
    const result = await shell(command);
    expect([result.code, result.stdout]).toEqual([0, "greeting: Hello, world!\nsq: 9\n"]);
    expect(result.stderr.replace(/ \(\d+(\.\d)?m?s\)/g, "")).toBe("✓ n0 sayHello\n✓ n1 square\n");
  });

  it("branches prints the single output's value alone, and JSON with --json", async () => {
    const command = await readmeCommand("branches.ts");
    const result = await shell(command);
    expect([result.code, result.stdout]).toEqual([0, "-4 is negative\n"]);
    expect(await shell([...command, "--json", "-q"])).toEqual({ code: 0, stdout: '"-4 is negative"\n', stderr: "" });
  });

  it("approval, with its signals", async () => {
    const result = await shell(await readmeCommand("approval.ts"));
    expect([result.code, result.stdout]).toEqual([0, "data: 4500 approved\n"]);
  });

  it("map, with its list input quoted as JSON", async () => {
    const result = await shell(await readmeCommand("map.ts"));
    expect([result.code, result.stdout]).toEqual([0, "squares: [1, 4, 9, 16]\ntotal: 300\n"]);
  });

  it("a failing run prints one aloft: line naming the node and where the task threw, and exits 1", async () => {
    const result = await shell(["npx", "aloft", "run", "examples/dynamic.ts", "fanOut", "--n", "-1", "-q"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "aloft: task examples.dynamic.fanOut failed: RangeError: n must not be negative, got -1\n" +
        `hint: thrown at ${await throwSite("dynamic.ts")} (ALOFT_DEBUG=1 prints the whole stack)\n`,
    });
  });
});

// Flyte's own JavaScript classes (protobufjs), to show the packaged files decode outside this code base.
interface Decoder {
  decode(bytes: Uint8Array): object;
  verify(message: object): string | null;
}
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as {
  flyteidl: { admin: { TaskSpec: Decoder; WorkflowSpec: Decoder; LaunchPlan: Decoder } };
};

describe("the examples, packaged", () => {
  it("aloft package writes files Flyte's classes decode, and aloft compile compiles them all", async () => {
    const output = join(dir, "examples.tgz");
    const packaged = await shell(["npx", "aloft", "package", "examples", "--output", output]);
    expect([packaged.code, packaged.stderr]).toEqual([0, ""]);
    const extracted = join(dir, "extracted");
    await import("node:fs/promises").then((fs) => fs.mkdir(extracted));
    await extractTar({ file: output, cwd: extracted });
    const files = (await readdir(extracted)).filter((f) => f.endsWith(".pb")).sort();
    const decoders = { "1": flyteidl.admin.TaskSpec, "2": flyteidl.admin.WorkflowSpec, "3": flyteidl.admin.LaunchPlan };
    const kinds = { "1": 0, "2": 0, "3": 0 };
    for (const file of files) {
      const kind = /_([123])\.pb$/.exec(file)?.[1] as keyof typeof decoders;
      const message = decoders[kind].decode(await readFile(join(extracted, file)));
      expect([file, decoders[kind].verify(message)]).toEqual([file, null]);
      kinds[kind]++;
    }
    // Every task (map tasks included), workflow and launch plan of the eight examples: each workflow has
    // its default launch plan, scheduled.ts two more.
    expect(kinds).toEqual({ "1": 25, "2": 8, "3": 10 });
    const compiled = await shell(["npx", "aloft", "compile", "--file", output]);
    expect([compiled.code, compiled.stderr, compiled.stdout.trim().split("\n").at(-1)]).toEqual([
      0,
      "",
      "compiled 43, failed 0",
    ]);
  });
});
