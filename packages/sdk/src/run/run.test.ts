import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import { makeTempDir } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import {
  approve,
  conditional,
  containerTask,
  dynamic,
  FlyteFile,
  gt,
  launchPlan,
  map,
  RecoverableError,
  referenceLaunchPlan,
  referenceTask,
  run,
  RunFailure,
  sleep,
  t,
  task,
  waitForInput,
  workflow,
  type RunEvent,
} from "../index.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-run-test-"));
});
afterAll(async () => {
  await cleanup();
});

const off = { cache: "off" } as const;

const sayHello = task(
  { inputs: { name: t.string() }, outputs: { greeting: t.string() }, retries: 2 },
  async ({ name }) => ({ greeting: `Hello, ${name}!` }),
);
const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
const helloWorld = workflow(
  { inputs: { name: t.string(), n: t.int() }, outputs: { greeting: t.string(), sq: t.int() }, defaults: { n: 3 } },
  ({ name, n }) => {
    const hello = sayHello({ name });
    const sq = square({ x: n }).after(hello);
    return { greeting: hello.greeting, sq };
  },
);
const addAll = task({ inputs: { xs: t.list(t.int()), extra: t.optional(t.int()) }, output: t.int() }, ({ xs, extra }) =>
  xs.reduce((a, b) => a + b, extra ?? 0),
);

async function failureOf(promise: Promise<unknown>): Promise<RunFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RunFailure)) throw new Error(`expected a RunFailure, got ${String(error)}`);
  return error;
}

async function aloftErrorOf(promise: Promise<unknown>): Promise<AloftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AloftError)) throw new Error(`expected an AloftError, got ${String(error)}`);
  return error;
}

describe("run()", () => {
  test("runs a workflow and resolves to its typed outputs, defaulting inputs it may leave out", async () => {
    const outputs = await run(helloWorld, { name: "world" }, off);
    expectTypeOf(outputs).toEqualTypeOf<{ greeting: string; sq: number }>();
    expect(outputs).toEqual({ greeting: "Hello, world!", sq: 9 });
    expect(await run(helloWorld, { name: "you", n: 4 }, off)).toEqual({ greeting: "Hello, you!", sq: 16 });
  });

  test("runs a task on its own: a single output is returned as the value itself", async () => {
    const nine = await run(square, { x: 3 }, off);
    expectTypeOf(nine).toEqualTypeOf<number>();
    expect(nine).toBe(9);
    expect(await run(sayHello, { name: "task" }, off)).toEqual({ greeting: "Hello, task!" });
  });

  test("optional inputs may be left out and are then null", async () => {
    expect(await run(addAll, { xs: [1, 2, 3] }, off)).toBe(6);
    expect(await run(addAll, { xs: [1, 2, 3], extra: 10 }, off)).toBe(16);
  });

  test("a launch plan runs its workflow with its default inputs, and its fixed inputs always", async () => {
    const report = workflow(
      { inputs: { region: t.string(), days: t.int(), verbose: t.boolean() }, output: t.string() },
      ({ region, days, verbose }) => describeReport({ region, days, verbose }),
    );
    const weekly = launchPlan(report, { defaultInputs: { days: 7 }, fixedInputs: { verbose: false } });
    const text = await run(weekly, { region: "eu" }, off);
    expectTypeOf(text).toEqualTypeOf<string>();
    expect(text).toBe("eu/7/false");
    expect(await run(weekly, { region: "us", days: 1 }, off)).toBe("us/1/false");
    const fixed = await aloftErrorOf(run(weekly, { region: "us", verbose: true } as never, off));
    expect([fixed.code, fixed.rawMessage]).toEqual([
      Code.InvalidArgument,
      'launch plan src.run.run.test.weekly: input "verbose" is fixed by the launch plan and cannot be given',
    ]);
  });

  test("unknown, missing and wrongly typed inputs are rejected before anything runs", async () => {
    const wrong = await aloftErrorOf(run(helloWorld, { name: "x", nme: "y" } as never, off));
    expect([wrong.code, wrong.rawMessage]).toEqual([
      Code.InvalidArgument,
      'workflow src.run.run.test.helloWorld: unknown input "nme" (it takes name, n)',
    ]);
    const missing = await aloftErrorOf(run(helloWorld, {} as never, off));
    expect(missing.rawMessage).toBe('workflow src.run.run.test.helloWorld: missing input "name"');
    const typed = await aloftErrorOf(run(square, { x: 1.5 }, off));
    expect([typed.code, typed.rawMessage]).toEqual([Code.InvalidArgument, "inputs.x: expected integer, got 1.5"]);
    const notAnEntity = await aloftErrorOf(run((() => 1) as never, {}));
    expect(notAnEntity.rawMessage).toBe("run() takes a task, workflow or launch plan made with this SDK, got function");
  });

  test("a failing task rejects with a RunFailure naming the node, with the task's error as cause and its stack", async () => {
    const check = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
      if (x > 5) throw new RangeError(`x is too big: ${x}`); // the failing line
      return x;
    });
    const checked = workflow({ inputs: { n: t.int() }, output: t.int() }, ({ n }) => check({ x: square({ x: n }) }));
    const failure = await failureOf(run(checked, { n: 3 }, off));
    expect(failure.message).toBe(
      "workflow src.run.run.test.checked failed at node n1 (check): RangeError: x is too big: 9",
    );
    expect([failure.node, failure.nodeName, failure.code, failure.kind, failure.phase]).toEqual([
      "n1",
      "check",
      "USER:RuntimeError",
      "USER",
      "failed",
    ]);
    expect((failure.cause as Error).message).toBe("x is too big: 9");
    const firstFrame = failure.stack?.split("\n")[1] ?? "";
    const line =
      (await readFile(new URL(import.meta.url), "utf8"))
        .split("\n")
        .findIndex((l) => l.includes("// the failing line")) + 1;
    expect(firstFrame).toContain(`${relative(process.cwd(), new URL(import.meta.url).pathname)}:${line}:`);
    const alone = await failureOf(run(check, { x: 6 }, off));
    expect([alone.message, alone.node]).toEqual([
      "task src.run.run.test.check failed: RangeError: x is too big: 6",
      undefined,
    ]);
  });

  test("a RecoverableError is retried within the task's retries; other errors fail at once", async () => {
    let attempts = 0;
    const flaky = task({ output: t.string(), retries: 2 }, () => {
      attempts++;
      if (attempts < 3) throw new RecoverableError(`attempt ${attempts} failed`);
      return `ok after ${attempts}`;
    });
    expect(await run(flaky, {}, off)).toBe("ok after 3");
    let calls = 0;
    const broken = task({ output: t.string(), retries: 2 }, () => {
      calls++;
      throw new Error("broken");
    });
    const failure = await failureOf(run(broken, {}, off));
    expect([failure.message, calls]).toEqual(["task src.run.run.test.broken failed: broken", 1]);
  });

  test("cached tasks are memoised in the local cache: on reuses, overwrite recomputes, off ignores it", async () => {
    const cacheDir = join(dir, "cache");
    let runs = 0;
    const counted = task({ inputs: { x: t.int() }, output: t.int(), cache: { version: "1" } }, ({ x }) => {
      runs++;
      return x + runs * 0;
    });
    const once = async (cache: "on" | "off" | "overwrite") => run(counted, { x: 1 }, { cache, cacheDir });
    await once("on");
    await once("on");
    expect(runs).toBe(1);
    await once("overwrite");
    expect(runs).toBe(2);
    await once("off");
    expect(runs).toBe(3);
    await run(counted, { x: 2 }, { env: { ALOFT_LOCAL_CACHE_DIR: join(dir, "env-cache") } });
    expect(await readdir(join(dir, "env-cache"))).toHaveLength(1);
  });

  test("runs dynamic tasks, maps, conditionals, sub-workflows and launch-plan nodes", async () => {
    const sum = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
    const fanOut = dynamic({ inputs: { n: t.int() }, output: t.int() }, ({ n }) =>
      sum({ xs: Array.from({ length: n }, (_, x) => square({ x })) }),
    );
    expect(await run(fanOut, { n: 4 }, off)).toBe(14);
    const squares = map(square, { concurrency: 2 });
    expect(await run(squares, { x: [1, 2, 3] }, off)).toEqual([1, 4, 9]);

    const signed = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) =>
      conditional("sign")
        .if(gt(x, 0), () => square({ x }))
        .else(() => sum({ xs: [x, x] })),
    );
    const inner = launchPlan(signed, { name: "run.test.sign" });
    const outer = workflow(
      { inputs: { x: t.int() }, outputs: { a: t.int(), b: t.int(), c: t.list(t.int()) } },
      ({ x }) => ({
        a: signed({ x }),
        b: inner({ x: -5 }),
        c: squares({ x: [x, x] }),
      }),
    );
    expect(await run(outer, { x: 3 }, off)).toEqual({ a: 9, b: -10, c: [9, 9] });
  });

  test("gates take their values from signals; a missing one fails the node saying how to give it", async () => {
    const gated = workflow({ inputs: { x: t.int() }, outputs: { total: t.int(), approved: t.int() } }, ({ x }) => {
      const more = waitForInput("more", t.int(), { timeoutMs: 60_000 });
      const total = addAll({ xs: [x, more] });
      return { total, approved: approve(total, "ok", { timeoutMs: 60_000 }) };
    });
    expect(await run(gated, { x: 1 }, { ...off, signals: { more: 41, ok: true } })).toEqual({
      total: 42,
      approved: 42,
    });
    const asked: string[] = [];
    await run(
      gated,
      { x: 1 },
      {
        ...off,
        signals: ({ name, kind, type }) => {
          asked.push(`${kind} ${name} ${type.name}`);
          return kind === "approve" ? true : type.parseText("2");
        },
      },
    );
    expect(asked).toEqual(["signal more int", "approve ok bool"]);
    const rejected = await failureOf(run(gated, { x: 1 }, { ...off, signals: { more: 1, ok: false } }));
    expect(rejected.message).toBe(
      "workflow src.run.run.test.gated failed at node n2 (ok): received a reject signal to disapprove the node input values",
    );
    const missing = await failureOf(run(gated, { x: 1 }, off));
    expect(missing.message).toBe(
      'workflow src.run.run.test.gated failed at node n0 (more): no value was given for signal "more" (int): pass it to run() as signals: { more: … }',
    );
  });

  test("files written by tasks are uploaded to the data folder and read back by the next task and the caller", async () => {
    const dataDir = join(dir, "data");
    const write = task({ inputs: { text: t.string() }, output: t.file({ format: "txt" }) }, async ({ text }) => {
      const path = join(dir, "written.txt");
      await writeFile(path, text);
      return FlyteFile.fromPath(path);
    });
    const shout = task({ inputs: { file: t.file({ format: "txt" }) }, output: t.string() }, async ({ file }) =>
      (await file.readText()).toUpperCase(),
    );
    const wf = workflow(
      { inputs: { text: t.string() }, outputs: { file: t.file({ format: "txt" }), loud: t.string() } },
      ({ text }) => {
        const file = write({ text });
        return { file, loud: shout({ file }) };
      },
    );
    const { file, loud } = await run(wf, { text: "hi there" }, { ...off, dataDir });
    expect(loud).toBe("HI THERE");
    expect(file.uri?.startsWith(`file://${dataDir}/raw/`)).toBe(true);
    expect(await file.readText()).toBe("hi there");
    await writeFile(join(dir, "input.txt"), "from a path");
    expect(await run(shout, { file: FlyteFile.fromPath(join(dir, "input.txt")) }, { ...off, dataDir })).toBe(
      "FROM A PATH",
    );
  });

  test("raw container tasks run their command as a local process, with inputs and outputs through files", async () => {
    const count = containerTask({
      image: "alpine:3.20",
      command: ["sh", "-c", "echo $(( $(cat /var/inputs/a) + $(cat /var/inputs/b) )) > /var/outputs/sum"],
      inputs: { a: t.int(), b: t.int() },
      outputs: { sum: t.int() },
    });
    expect(await run(count, { a: 2, b: 40 }, off)).toEqual({ sum: 42 });
  });

  test("reference entities cannot run locally: the node fails saying to mock them", async () => {
    const remote = referenceTask(
      { project: "ml", domain: "production", name: "models.score", version: "v3" },
      { inputs: { x: t.int() }, output: t.float() },
    );
    const remoteLp = referenceLaunchPlan(
      { project: "ml", domain: "production", name: "flows.daily", version: "v1" },
      { inputs: { x: t.int() }, output: t.int() },
    );
    const usesRemote = workflow({ inputs: { x: t.int() }, output: t.float() }, ({ x }) =>
      remote({ x: remoteLp({ x }) }),
    );
    const failure = await failureOf(run(usesRemote, { x: 1 }, off));
    expect(failure.message).toBe(
      "workflow src.run.run.test.usesRemote failed at node n0 (daily): launch plan flows.daily has no code in this process (it is " +
        "registered elsewhere), so it cannot run locally: mock it with createTestRunner().mock(…) from @aloft/sdk/testing",
    );
  });

  test("reports each node's progress with what it runs, and how long it took once done", async () => {
    const events: RunEvent[] = [];
    await run(helloWorld, { name: "events" }, { ...off, onEvent: (e) => events.push(e) });
    expect(events.map((e) => [e.kind, e.path, e.name, e.durationMs === undefined])).toEqual([
      ["started", "n0", "sayHello", true],
      ["succeeded", "n0", "sayHello", false],
      ["started", "n1", "square", true],
      ["succeeded", "n1", "square", false],
    ]);
  });

  test("an aborted run rejects with a RunFailure whose phase is aborted", async () => {
    const waits = workflow({}, () => {
      sleep(60_000);
    });
    const controller = new AbortController();
    const running = run(waits, {}, { ...off, abortSignal: controller.signal, onEvent: () => controller.abort() });
    const failure = await failureOf(running);
    expect([failure.phase, failure.message]).toEqual(["aborted", "workflow src.run.run.test.waits was aborted"]);
  });

  test("entities the module loader has not named get the names it would give them, from their variables", async () => {
    const makeTask = () => task({ output: t.int() }, () => 1); // a factory: no variable names the tasks
    const first = makeTask();
    const second = makeTask();
    await run(first, {}, off);
    expect(square.name).toBe("src.run.run.test.square");
    expect(square.location).toEqual({ module: "src/run/run.test", exportName: "square" });
    expect(first.name).toMatch(/^src\.run\.run\.test\.task_\d+$/);
    expect(second.name).toBe(`${first.name}_2`);
  });

  test("is typed by the entity's interface", () => {
    // Only compiled, never called: the assertions are about types.
    const typed = () => {
      expectTypeOf(run(helloWorld, { name: "x" })).resolves.toEqualTypeOf<{ greeting: string; sq: number }>();
      expectTypeOf(run(addAll, { xs: [1] })).resolves.toEqualTypeOf<number>();
      // @ts-expect-error: name is required
      void run(helloWorld, { n: 1 });
      // @ts-expect-error: x is an int
      void run(square, { x: "1" });
      // @ts-expect-error: y is not an input
      void run(square, { x: 1, y: 2 });
    };
    expect(typeof typed).toBe("function");
  });
});

const describeReport = task(
  { inputs: { region: t.string(), days: t.int(), verbose: t.boolean() }, output: t.string() },
  ({ region, days, verbose }) => `${region}/${days}/${verbose}`,
);
