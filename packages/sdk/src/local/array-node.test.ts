import { describe, expect, it } from "vitest";
import { collectionLiteral, collectionType, integerLiteral, integerType, literalMap, optionalType } from "@aloft/idl";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { BindingData } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { ArrayNode } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { executeWorkflow, type LocalTaskRequest } from "./index.js";
import {
  compile,
  FakeRecoverableError,
  fakeRunner,
  jsOf,
  node,
  ref,
  task,
  taskNode,
  workflow,
  type FakeTask,
} from "./local-workflows.test-helper.js";

const int = integerType();
const ints = collectionType(int);
const list = (...values: number[]) => collectionLiteral(values.map((v) => integerLiteral(v)));

type ArrayOptions = Partial<Pick<ArrayNode, "parallelismOption" | "successCriteria" | "boundInputs">>;

/** `y = map(scale)(xs, factor, …)` as flytekit's ArrayNodeMapTask serializes it. */
function mapWorkflow(options: {
  inputs: Record<string, LiteralType>;
  taskInputs: Record<string, LiteralType>;
  outputType?: LiteralType;
  retries?: number;
  array?: ArrayOptions;
}) {
  const scale = task("scale", {
    inputs: options.taskInputs,
    outputs: { o0: options.outputType ?? ints },
    retries: options.retries,
  });
  const bindings: Record<string, BindingData> = {};
  for (const name of Object.keys(options.inputs)) bindings[name] = ref("", name);
  const sub = taskNode("scale", "scale", bindings);
  return compile({
    workflow: workflow("mapper", {
      inputs: options.inputs,
      outputs: { y: options.outputType ?? ints },
      nodes: [node("n0", { case: "arrayNode", value: { node: sub, ...options.array } }, bindings)],
      outputBindings: { y: ref("n0", "o0") },
    }),
    tasks: [scale],
  });
}

const scaleBy: FakeTask = ({ x, factor }) => ({ o0: Number(x) * Number(factor) });

describe("array nodes", () => {
  it("maps list elements in index order and passes scalar inputs whole", async () => {
    const runner = fakeRunner({ scale: scaleBy });
    const closure = mapWorkflow({ inputs: { x: ints, factor: int }, taskInputs: { x: ints, factor: int } });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3), factor: integerLiteral(10) }),
      runner,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: [10, 20, 30] });
    const calls = [...runner.calls].sort((a, b) => (a.arrayIndex ?? 0) - (b.arrayIndex ?? 0));
    expect(calls.map((c) => [c.nodeId, c.arrayIndex, jsOf(c.inputs)])).toEqual([
      ["n0", 0, { x: 1, factor: 10 }],
      ["n1", 1, { x: 2, factor: 10 }],
      ["n2", 2, { x: 3, factor: 10 }],
    ]);
    // Each element sees the list output as its element type.
    expect(calls[0]?.template.interface?.outputs?.variables.o0?.type?.type.case).toBe("simple");
    expect(result.nodes.get("n0/n1")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
  });

  it("passes bound list inputs whole to every element", async () => {
    const runner = fakeRunner({ scale: ({ x, ys }) => ({ o0: Number(x) * (ys as number[]).length }) });
    const closure = mapWorkflow({
      inputs: { x: ints, ys: ints },
      taskInputs: { x: ints, ys: ints },
      array: { boundInputs: ["ys"] },
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: list(1, 2), ys: list(7, 7, 7) }), runner });
    expect(jsOf(result.outputs)).toEqual({ y: [3, 6] });
  });

  it("runs one element when every input is bound", async () => {
    const runner = fakeRunner({ scale: scaleBy });
    const closure = mapWorkflow({
      inputs: { x: int, factor: int },
      taskInputs: { x: int, factor: int },
      array: { boundInputs: ["x", "factor"] },
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: integerLiteral(2), factor: integerLiteral(3) }),
      runner,
    });
    expect(jsOf(result.outputs)).toEqual({ y: [6] });
  });

  it("succeeds with empty lists for an empty input list", async () => {
    const runner = fakeRunner({ scale: scaleBy });
    const closure = mapWorkflow({ inputs: { x: ints, factor: int }, taskInputs: { x: ints, factor: int } });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(), factor: integerLiteral(2) }),
      runner,
    });
    expect(jsOf(result.outputs)).toEqual({ y: [] });
    expect(runner.calls).toHaveLength(0);
  });

  it("fails when the mapped lists differ in length", async () => {
    const closure = mapWorkflow({ inputs: { x: ints, factor: ints }, taskInputs: { x: ints, factor: ints } });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3), factor: list(1, 2) }),
      runner: fakeRunner({ scale: scaleBy }),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("InvalidArrayLength");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe("input arrays have different lengths: expecting '3' found '2'");
  });

  it("succeeds with none for failed elements when the success ratio allows it", async () => {
    const runner = fakeRunner({
      scale: ({ x, factor }) => {
        if (x === 2) throw new Error("two is bad");
        return { o0: Number(x) * Number(factor) };
      },
    });
    const closure = mapWorkflow({
      inputs: { x: ints, factor: int },
      taskInputs: { x: ints, factor: int },
      outputType: collectionType(optionalType(int)),
      array: { successCriteria: { case: "minSuccessRatio", value: 0.5 } },
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3, 4), factor: integerLiteral(10) }),
      runner,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: [10, null, 30, 40] });
    expect(result.nodes.get("n0/n1")?.phase).toBe(NodeExecution_Phase.FAILED);
  });

  it("fails as soon as the minimum successes cannot be reached, aborting the rest", async () => {
    const runner = fakeRunner({
      scale: ({ x }, request: LocalTaskRequest) => {
        if (Number(x) < 3) throw new Error("boom");
        return new Promise(() => request.signal.addEventListener("abort", () => undefined));
      },
    });
    const closure = mapWorkflow({
      inputs: { x: ints, factor: int },
      taskInputs: { x: ints, factor: int },
      array: { successCriteria: { case: "minSuccesses", value: 3 } },
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3, 4), factor: integerLiteral(1) }),
      runner,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.UNKNOWN);
    expect(result.error?.message).toBe("[0-1]: boom\n");
    expect(result.nodes.get("n0/n2")?.phase).toBe(NodeExecution_Phase.ABORTED);
    expect(result.nodes.get("n0/n3")?.phase).toBe(NodeExecution_Phase.ABORTED);
  });

  it("reads the success ratio as the float32 the proto holds, as Go does (0.3 of 10 needs 4)", async () => {
    const runner = fakeRunner({
      scale: ({ x }) => {
        if (Number(x) < 7) throw new Error("boom");
        return { o0: 1 };
      },
    });
    const closure = mapWorkflow({
      inputs: { x: ints, factor: int },
      taskInputs: { x: ints, factor: int },
      outputType: collectionType(optionalType(int)),
      array: { successCriteria: { case: "minSuccessRatio", value: 0.3 } },
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), factor: integerLiteral(1) }),
      runner,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe("[0-6]: boom\n");
  });

  it("runs at most `parallelism` elements at once", async () => {
    let running = 0;
    let most = 0;
    const runner = fakeRunner({
      scale: async ({ x }) => {
        running++;
        most = Math.max(most, running);
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { o0: Number(x) };
      },
    });
    const closure = mapWorkflow({
      inputs: { x: ints, factor: int },
      taskInputs: { x: ints, factor: int },
      array: { parallelismOption: { case: "parallelism", value: 2 } },
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3, 4, 5, 6), factor: integerLiteral(1) }),
      runner,
    });
    expect(jsOf(result.outputs)).toEqual({ y: [1, 2, 3, 4, 5, 6] });
    expect(most).toBe(2);
  });

  it("retries an element within the sub-node's retry budget", async () => {
    const runner = fakeRunner({
      scale: ({ x }, request) => {
        if (x === 2 && request.attempt === 0) throw new FakeRecoverableError("flaky");
        return { o0: Number(x) };
      },
    });
    const closure = mapWorkflow({ inputs: { x: ints, factor: int }, taskInputs: { x: ints, factor: int }, retries: 1 });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: list(1, 2, 3), factor: integerLiteral(1) }),
      runner,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(result.nodes.get("n0/n1")?.attempts).toBe(2);
    expect(result.nodes.get("n0/n0")?.attempts).toBe(1);
  });
});
