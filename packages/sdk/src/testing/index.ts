/**
 * `@aloft/sdk/testing`: run workflows in unit tests with some tasks mocked, type-checked against
 * their interfaces (in the spirit of flytekit-java's `SdkTestingExecutor`).
 *
 * ```ts
 * import { createTestRunner } from "@aloft/sdk/testing";
 * import { evaluate, pipeline, train } from "./pipeline.js";
 *
 * const runner = createTestRunner()
 *   .mock(train, async ({ data }) => ({ model: { weights: [0.5, 1.5], bias: 0 } }))
 *   .mockOutputs(evaluate, { accuracy: 0.9 });
 * const { accuracy } = await runner.run(pipeline, { rows: 100 });
 * console.log(accuracy, runner.calls(train).length); // 0.9 1
 * ```
 */
export { createTestRunner } from "./create-test-runner.js";
export type { Mockable, MockFunction, TestRunner, TestRunnerOptions } from "./create-test-runner.js";
