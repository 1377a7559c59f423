import { AloftError, Code } from "@aloft/idl";
import { describe, expect, expectTypeOf, test } from "vitest";
import {
  launchPlan,
  map,
  referenceLaunchPlan,
  referenceTask,
  referenceWorkflow,
  RunFailure,
  t,
  task,
  workflow,
} from "../index.js";
import { createTestRunner, type TestRunner } from "./index.js";

const Model = t.record({ weights: t.list(t.float()), bias: t.float() }, { name: "Model" });
const prepare = task({ inputs: { rows: t.int() }, output: t.list(t.float()) }, ({ rows }) =>
  Array.from({ length: rows }, (_, i) => i / rows),
);
const train = task({ inputs: { data: t.list(t.float()), epochs: t.int() }, outputs: { model: Model } }, () => {
  throw new Error("training is slow: mock it in tests");
});
const evaluate = task({ inputs: { model: Model, data: t.list(t.float()) }, outputs: { accuracy: t.float() } }, () => {
  throw new Error("evaluation needs a GPU");
});
const pipeline = workflow({ inputs: { rows: t.int() }, outputs: { accuracy: t.float(), model: Model } }, ({ rows }) => {
  const data = prepare({ rows });
  const { model } = train({ data, epochs: 3 });
  return { accuracy: evaluate({ model, data }).accuracy, model };
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("createTestRunner()", () => {
  test("mocked tasks answer from their mocks, the others run, and calls() shows what each received", async () => {
    const runner = createTestRunner()
      .mock(train, async ({ data, epochs }) => ({ model: { weights: [data.length, epochs], bias: 0.5 } }))
      .mockOutputs(evaluate, { accuracy: 0.9 });
    const outputs = await runner.run(pipeline, { rows: 4 });
    expect(outputs).toEqual({ accuracy: 0.9, model: { weights: [4, 3], bias: 0.5 } });
    expect(runner.calls(train)).toEqual([{ data: [0, 0.25, 0.5, 0.75], epochs: 3 }]);
    expect(runner.calls(prepare)).toEqual([{ rows: 4 }]);
    expect(runner.calls(evaluate)).toEqual([{ model: { weights: [4, 3], bias: 0.5 }, data: [0, 0.25, 0.5, 0.75] }]);
  });

  test("calls() reports the last run only, and a later mock of the same task wins", async () => {
    const runner = createTestRunner()
      .mockOutputs(train, { model: { weights: [], bias: 0 } })
      .mockOutputs(evaluate, {
        accuracy: 0.1,
      });
    await runner.run(pipeline, { rows: 1 });
    runner.mockOutputs(evaluate, { accuracy: 0.2 });
    expect(await runner.run(pipeline, { rows: 2 })).toEqual({ accuracy: 0.2, model: { weights: [], bias: 0 } });
    expect(runner.calls(prepare)).toEqual([{ rows: 2 }]);
  });

  test("a mock's outputs are converted with the task's types, so a wrong value fails the node", async () => {
    const runner = createTestRunner()
      .mock(train, () => ({ model: { weights: "heavy", bias: 0 } }) as never)
      .mockOutputs(evaluate, { accuracy: 1 });
    const failure = await rejectionOf(runner.run(pipeline, { rows: 1 }));
    expect(failure).toBeInstanceOf(RunFailure);
    expect((failure as RunFailure).message).toBe(
      "workflow src.testing.create-test-runner.test.pipeline failed at node n1 (train): " +
        'outputs.model.weights: expected an array, got "heavy"',
    );
  });

  test("each element of a map calls the mapped task, so mocking it mocks every element", async () => {
    const double = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * 2);
    const doubles = map(double);
    const wf = workflow({ inputs: { xs: t.list(t.int()) }, output: t.list(t.int()) }, ({ xs }) => doubles({ x: xs }));
    const runner = createTestRunner().mock(double, ({ x }) => x * 100);
    expect(await runner.run(wf, { xs: [1, 2, 3] })).toEqual([100, 200, 300]);
    expect(runner.calls(double)).toHaveLength(3);
    expect(runner.calls(double)).toEqual(expect.arrayContaining([{ x: 1 }, { x: 2 }, { x: 3 }]));
  });

  test("reference tasks, reference launch plans and launch plans can be mocked", async () => {
    const score = referenceTask(
      { project: "ml", domain: "production", name: "models.score", version: "v3" },
      { inputs: { x: t.int() }, output: t.float() },
    );
    const daily = referenceLaunchPlan(
      { project: "ml", domain: "production", name: "flows.daily", version: "v1" },
      { inputs: { x: t.int() }, output: t.int() },
    );
    const inc = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x + 1);
    const child = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => inc({ x }));
    const childPlan = launchPlan(child, { name: "testing.child" });
    const wf = workflow({ inputs: { x: t.int() }, outputs: { a: t.float(), b: t.int() } }, ({ x }) => ({
      a: score({ x: daily({ x }) }),
      b: childPlan({ x }),
    }));
    const runner = createTestRunner()
      .mock(score, ({ x }) => x / 2)
      .mock(daily, ({ x }) => x * 10)
      .mockOutputs(childPlan, -1);
    expect(await runner.run(wf, { x: 3 })).toEqual({ a: 15, b: -1 });
    expect([runner.calls(daily), runner.calls(score), runner.calls(inc)]).toEqual([[{ x: 3 }], [{ x: 30 }], []]);
    expect(await runner.run(score, { x: 4 })).toBe(2);
    const remote = referenceWorkflow(
      { project: "ml", domain: "production", name: "flows.remote", version: "v1" },
      { inputs: { x: t.int() }, output: t.int() },
    );
    expect(await createTestRunner().mockOutputs(remote, 7).run(remote, { x: 1 })).toBe(7);
  });

  test("map tasks and workflows cannot be mocked: the error says what to mock instead", () => {
    const double = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * 2);
    const mapped = map(double);
    for (const [entity, message] of [
      [mapped, "is a map task; mock the task it maps instead (each element calls it)"],
      [
        pipeline,
        "is a workflow, which runs as part of the workflow calling it; mock the tasks it calls, or call it through a launch plan and mock that",
      ],
    ] as const) {
      let error: unknown;
      try {
        createTestRunner().mockOutputs(entity as never, 1 as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AloftError);
      expect((error as AloftError).code).toBe(Code.InvalidArgument);
      expect((error as AloftError).rawMessage).toContain(message);
    }
  });

  test("mocks are type-checked against the task's interface", () => {
    // Only compiled, never called: the assertions are about types.
    const typed = (runner: TestRunner) => {
      const outputs = runner.run(pipeline, { rows: 1 });
      expectTypeOf(outputs).resolves.toHaveProperty("accuracy").toEqualTypeOf<number>();
      expectTypeOf(outputs).resolves.toHaveProperty("model").toHaveProperty("weights").toEqualTypeOf<number[]>();
      expectTypeOf(runner.calls(train)).toEqualTypeOf<{ data: number[]; epochs: number }[]>();
      // @ts-expect-error: train's output is { model }, not a number
      runner.mockOutputs(train, 1);
      // @ts-expect-error: train has no input "rows"
      runner.mock(train, ({ rows }) => ({ model: { weights: [rows], bias: 0 } }));
      // @ts-expect-error: accuracy is a float
      runner.mockOutputs(evaluate, { accuracy: "high" });
    };
    expect(typeof typed).toBe("function");
  });
});
