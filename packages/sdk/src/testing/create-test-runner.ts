import { AloftError } from "@aloft/idl";
import { DECL, isDeclared } from "../entities/decl.js";
import { entityDescription } from "../entities/entity-label.js";
import type { EntityBase } from "../entities/entity.js";
import type { LaunchPlan, OutputValue, Task, Workflow } from "../entities/entity-types.js";
import type { TaskContext } from "../entities/task-context.js";
import type { TaskMock } from "../run/create-sdk-task-runner.js";
import { executeRun } from "../run/execute-run.js";
import type { RunArgs } from "../run/run.js";
import type { RunOptions } from "../run/run-options.js";
import type { Shape, ValuesOf } from "../types/type.js";

type Simplify<T> = { [K in keyof T]: T[K] };

/** A mock's body: the entity's input values in, its outputs out (the value itself for a single output). */
export type MockFunction<I extends Shape, O extends Shape, S extends boolean> = (
  inputs: ValuesOf<I>,
  ctx: TaskContext,
) => OutputValue<O, S> | Promise<OutputValue<O, S>>;

/** What can be mocked: tasks (reference tasks included), launch plans, reference workflows. */
export type Mockable<I extends Shape, O extends Shape, S extends boolean, D extends PropertyKey> =
  Task<I, O, S> | LaunchPlan<I, O, S, D> | Workflow<I, O, S, D>;

/** Options of {@link createTestRunner}: `run()`'s options, used by every run of the runner. */
export type TestRunnerOptions = RunOptions;

/**
 * Runs workflows locally in tests with some tasks replaced by mocks, in the spirit of flytekit-java's
 * `SdkTestingExecutor`. Every run goes through the same compiled workflow and local executor as
 * `run()`; mocked entities answer from their mocks, everything else runs for real.
 */
export interface TestRunner {
  /**
   * Replaces an entity with a function of its input values, type-checked against its interface. Tasks,
   * reference tasks and launch plans (launch-plan nodes then run the mock instead of the workflow),
   * and reference workflows run on their own can be mocked. A later mock of the same entity wins.
   *
   * @throws AloftError `InvalidArgument` for map tasks (mock the mapped task) and workflows made with
   * `workflow()` (they are part of the calling workflow: mock their tasks, or call a launch plan).
   */
  mock<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Mockable<I, O, true, D>,
    fn: MockFunction<I, O, true>,
  ): TestRunner;
  mock<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Mockable<I, O, false, D>,
    fn: MockFunction<I, O, false>,
  ): TestRunner;
  /** Replaces an entity with fixed outputs (the value itself for a single output). */
  mockOutputs<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Mockable<I, O, true, D>,
    outputs: OutputValue<O, true>,
  ): TestRunner;
  mockOutputs<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Mockable<I, O, false, D>,
    outputs: OutputValue<O, false>,
  ): TestRunner;
  /** Runs a workflow or launch plan as `run()` does, with the mocks; options override the runner's. */
  run<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Workflow<I, O, true, D> | LaunchPlan<I, O, true, D>,
    ...args: RunArgs<I, D>
  ): Promise<OutputValue<O, true>>;
  run<I extends Shape, O extends Shape, D extends PropertyKey>(
    entity: Workflow<I, O, false, D> | LaunchPlan<I, O, false, D>,
    ...args: RunArgs<I, D>
  ): Promise<OutputValue<O, false>>;
  /** Runs a task on its own as `run()` does, with the mocks. */
  run<I extends Shape, O extends Shape>(entity: Task<I, O, true>, ...args: RunArgs<I>): Promise<OutputValue<O, true>>;
  run<I extends Shape, O extends Shape>(entity: Task<I, O, false>, ...args: RunArgs<I>): Promise<OutputValue<O, false>>;
  /**
   * The input values of each call of `entity` in the last run, in the order the calls started (mocked
   * or not; each element of a map is a call of the mapped task).
   */
  calls<I extends Shape, O extends Shape, S extends boolean, D extends PropertyKey>(
    entity: Mockable<I, O, S, D>,
  ): Simplify<ValuesOf<I>>[];
}

function checkMockable(entity: unknown): EntityBase {
  if (!isDeclared(entity)) {
    throw AloftError.invalidArgument("mock(): expected a task, launch plan or reference workflow of this SDK");
  }
  const decl = entity[DECL];
  if (decl.kind === "map") {
    throw AloftError.invalidArgument(
      `mock(): ${entityDescription(entity)} is a map task; mock the task it maps instead (each element calls it)`,
    );
  }
  if (decl.kind === "workflow") {
    throw AloftError.invalidArgument(
      `mock(): ${entityDescription(entity)} is a workflow, which runs as part of the workflow calling it; mock the ` +
        "tasks it calls, or call it through a launch plan and mock that",
    );
  }
  return entity;
}

/**
 * A {@link TestRunner}. Unless given, runs do not use the local cache (`cache: "off"`), so tests do not
 * depend on what earlier runs stored.
 *
 * ```ts
 * import { createTestRunner } from "@aloft/sdk/testing";
 *
 * const runner = createTestRunner()
 *   .mock(train, async ({ data }) => ({ model: { weights: [1, 2] } }))
 *   .mockOutputs(evaluate, { accuracy: 0.9 });
 * expect(await runner.run(pipeline, { rows: 100 })).toEqual({ accuracy: 0.9 });
 * expect(runner.calls(train)).toHaveLength(1);
 * ```
 */
export function createTestRunner(options: TestRunnerOptions = {}): TestRunner {
  const mocks = new Map<EntityBase, TaskMock>();
  let calls = new Map<EntityBase, Record<string, unknown>[]>();
  const runner = {
    mock(entity: unknown, fn: unknown): TestRunner {
      if (typeof fn !== "function") throw AloftError.invalidArgument("mock(): the second argument must be a function");
      mocks.set(checkMockable(entity), fn as TaskMock);
      return runner as TestRunner;
    },
    mockOutputs(entity: unknown, outputs: unknown): TestRunner {
      mocks.set(checkMockable(entity), () => outputs);
      return runner as TestRunner;
    },
    async run(entity: unknown, inputs?: unknown, runOptions?: RunOptions): Promise<unknown> {
      calls = new Map();
      const outcome = await executeRun(
        entity,
        inputs,
        { cache: "off", ...options, ...runOptions },
        {
          mockOf: (e) => mocks.get(e),
          onTaskCall: (e, values) => {
            let list = calls.get(e);
            if (list === undefined) calls.set(e, (list = []));
            list.push(values);
          },
        },
      );
      return outcome.outputs;
    },
    calls(entity: unknown): unknown[] {
      return [...(calls.get(entity as EntityBase) ?? [])];
    },
  };
  return runner as unknown as TestRunner;
}
