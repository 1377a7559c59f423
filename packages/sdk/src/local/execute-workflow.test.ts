import { TaskFailure } from "@aloft/engine";
import { describe, expect, it } from "vitest";
import {
  collectionType,
  Code,
  errorType,
  integerLiteral,
  integerType,
  literalMap,
  mapType,
  noneLiteral,
  optionalType,
  stringType,
  withTag,
  AloftError,
} from "@aloft/idl";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executeWorkflow, type LocalNodeEvent } from "./index.js";
import {
  compile,
  dictOf,
  FakeRecoverableError,
  fakeRunner,
  jsOf,
  listOf,
  lit,
  ref,
  task,
  taskNode,
  workflow,
} from "./local-workflows.test-helper.js";

const int = integerType();
const double = task("double", { inputs: { x: int }, outputs: { o0: int } });

function chain() {
  return compile({
    workflow: workflow("chain", {
      inputs: { x: int },
      outputs: { y: int },
      nodes: [taskNode("n0", "double", { x: ref("", "x") }), taskNode("n1", "double", { x: ref("n0", "o0") })],
      outputBindings: { y: ref("n1", "o0") },
    }),
    tasks: [double],
  });
}

const doubler = () => fakeRunner({ double: ({ x }) => ({ o0: Number(x) * 2 }) });

describe("executeWorkflow", () => {
  it("runs a chain of tasks and returns the workflow's outputs", async () => {
    const result = await executeWorkflow({
      closure: chain(),
      inputs: literalMap({ x: integerLiteral(3) }),
      runner: doubler(),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: 12 });
    expect(result.error).toBeUndefined();
    const n1 = result.nodes.get("n1");
    expect(n1?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
    expect(jsOf(n1?.inputs)).toEqual({ x: 6 });
    expect(n1?.attempts).toBe(1);
    expect(n1?.cacheStatus).toBe(CatalogCacheStatus.CACHE_DISABLED);
    expect([...result.nodes.keys()]).toEqual(["start-node", "n0", "n1", "end-node"]);
  });

  it("passes each attempt's identity to the runner", async () => {
    const runner = doubler();
    const result = await executeWorkflow({ closure: chain(), inputs: literalMap({ x: integerLiteral(1) }), runner });
    const [first] = runner.calls;
    expect(first?.nodeId).toBe("n0");
    expect(first?.uniqueNodeId).toBe("n0");
    expect(first?.attempt).toBe(0);
    expect(first?.arrayIndex).toBeUndefined();
    expect(first?.executionId.name).toBe(result.executionId.name);
    expect(first?.generatedName).toBe(`${result.executionId.name}-n0-0`);
    expect(result.executionId.project).toBe("p");
  });

  it("reports node events in the order they happen", async () => {
    const events: LocalNodeEvent[] = [];
    await executeWorkflow({
      closure: chain(),
      inputs: literalMap({ x: integerLiteral(1) }),
      runner: doubler(),
      onEvent: (e) => events.push(e),
    });
    expect(events.map((e) => `${e.kind} ${e.path}`)).toEqual([
      "started n0",
      "succeeded n0",
      "started n1",
      "succeeded n1",
    ]);
    expect(events[0]?.nodeKind).toBe("task");
  });

  it("starts independent nodes concurrently", async () => {
    let running = 0;
    let most = 0;
    const runner = fakeRunner({
      double: async ({ x }) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { o0: Number(x) * 2 };
      },
    });
    const closure = compile({
      workflow: workflow("fan", {
        inputs: { x: int },
        nodes: [taskNode("n0", "double", { x: ref("", "x") }), taskNode("n1", "double", { x: ref("", "x") })],
      }),
      tasks: [double],
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(1) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(most).toBe(2);
  });

  it("runs no more task nodes at once than maxParallelism", async () => {
    let running = 0;
    let most = 0;
    const runner = fakeRunner({
      double: async ({ x }) => {
        running++;
        most = Math.max(most, running);
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { o0: Number(x) * 2 };
      },
    });
    const nodes = Array.from({ length: 10 }, (_, i) => taskNode(`n${i}`, "double", { x: ref("", "x") }));
    const closure = compile({ workflow: workflow("wide", { inputs: { x: int }, nodes }), tasks: [double] });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: integerLiteral(1) }),
      runner,
      maxParallelism: 3,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(runner.calls).toHaveLength(10);
    expect(most).toBe(3);
  });

  it("runs a 1,000-node fan-out and gathers every output", async () => {
    const gather = task("gather", { inputs: { xs: collectionType(int) }, outputs: { o0: int } });
    const nodes = Array.from({ length: 1000 }, (_, i) => taskNode(`n${i}`, "double", { x: lit(integerLiteral(i)) }));
    const closure = compile({
      workflow: workflow("wide", {
        outputs: { total: int },
        nodes: [...nodes, taskNode("sum", "gather", { xs: listOf(...nodes.map((n) => ref(n.id, "o0"))) })],
        outputBindings: { total: ref("sum", "o0") },
      }),
      tasks: [double, gather],
    });
    const runner = fakeRunner({
      double: ({ x }) => ({ o0: Number(x) * 2 }),
      gather: ({ xs }) => ({ o0: (xs as number[]).reduce((a, b) => a + b, 0) }),
    });
    const result = await executeWorkflow({ closure, runner });
    expect(jsOf(result.outputs)).toEqual({ total: 999 * 1000 });
    expect(runner.calls).toHaveLength(1001);
  });

  it("resolves list and map bindings that mix promises and constants", async () => {
    const gather = task("gather", {
      inputs: { xs: collectionType(int), m: mapType(int) },
      outputs: { o0: stringType() },
    });
    const runner = fakeRunner({
      double: ({ x }) => ({ o0: Number(x) * 2 }),
      gather: ({ xs, m }) => ({ o0: JSON.stringify({ xs, m }) }),
    });
    const closure = compile({
      workflow: workflow("mix", {
        inputs: { x: int },
        outputs: { s: stringType() },
        nodes: [
          taskNode("n0", "double", { x: ref("", "x") }),
          taskNode("n1", "gather", {
            xs: listOf(ref("n0", "o0"), lit(integerLiteral(5)), ref("", "x")),
            m: dictOf({ a: ref("n0", "o0"), b: lit(integerLiteral(7)) }),
          }),
        ],
        outputBindings: { s: ref("n1", "o0") },
      }),
      tasks: [double, gather],
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(2) }), runner });
    expect(JSON.parse(String(jsOf(result.outputs).s))).toEqual({ xs: [4, 5, 2], m: { a: 4, b: 7 } });
  });

  it("reads producers' outputs through output aliases and [index] variables", async () => {
    const split = task("split", { inputs: { x: int }, outputs: { parts: collectionType(int) } });
    const runner = fakeRunner({
      split: ({ x }) => ({ parts: [Number(x), Number(x) + 1, Number(x) + 2] }),
      double: ({ x }) => ({ o0: Number(x) * 2 }),
    });
    const closure = compile({
      workflow: workflow("aliases", {
        inputs: { x: int },
        outputs: { a: int, b: collectionType(int) },
        nodes: [
          taskNode("n0", "split", { x: ref("", "x") }, { aliases: { parts: "pieces" } }),
          taskNode("n1", "double", { x: ref("n0", "[1].pieces") }),
        ],
        outputBindings: { a: ref("n1", "o0"), b: ref("n0", "pieces") },
      }),
      tasks: [split, double],
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(10) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ a: 22, b: [10, 11, 12] });
  });

  it("rejects inputs that do not match the workflow's interface", async () => {
    const run = executeWorkflow({
      closure: chain(),
      inputs: literalMap({ x: noneLiteral(), extra: integerLiteral(1) }),
      runner: doubler(),
    });
    await expect(run).rejects.toThrow(AloftError);
    await run.catch((e: AloftError) => {
      expect(e.code).toBe(Code.InvalidArgument);
      expect(e.rawMessage).toBe(
        "invalid inputs for workflow p/d/chain@v1: input [x] expects integer, but was given a value of type none; " +
          "input [extra] is not an input of the workflow",
      );
    });
  });

  it("reports a missing workflow input", async () => {
    await expect(executeWorkflow({ closure: chain(), runner: doubler() })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "invalid inputs for workflow p/d/chain@v1: input [x] is not given",
    });
  });

  it("fails a node whose promise names an output its producer did not write", async () => {
    const runner = fakeRunner({ double: () => ({ kind: "outputs", outputs: literalMap({}) }) });
    const result = await executeWorkflow({ closure: chain(), inputs: literalMap({ x: integerLiteral(1) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("BindingResolutionFailure");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.SYSTEM);
    expect(result.error?.message).toBe(
      "failed at Node[n1]. BindingResolutionError: Error binding Var [wf].[x], caused by: " +
        "failed at Node[n0]. OutputsNotFoundError: Failed to find [n0].[o0]",
    );
    expect(result.nodes.get("n1")?.phase).toBe(NodeExecution_Phase.FAILED);
    expect(result.nodes.get("n1")?.attempts).toBe(0);
  });

  it("aborts running nodes and reports ABORTED when the abort signal fires", async () => {
    const controller = new AbortController();
    const runner = fakeRunner({
      double: (_inputs, request) =>
        new Promise(() => {
          request.signal.addEventListener("abort", () => undefined);
          controller.abort("user cancelled");
        }),
    });
    const result = await executeWorkflow({
      closure: chain(),
      inputs: literalMap({ x: integerLiteral(1) }),
      runner,
      abortSignal: controller.signal,
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.ABORTED);
    expect(result.nodes.get("n0")?.phase).toBe(NodeExecution_Phase.ABORTED);
    expect(result.nodes.get("n0")?.error?.message).toBe("user cancelled");
    expect(result.nodes.has("n1")).toBe(false);
    expect(runner.calls[0]?.signal.aborted).toBe(true);
  });
});

describe("failure policies", () => {
  const fail = task("fail", { inputs: { x: int }, outputs: { o0: int } });
  const wait = task("wait", { inputs: { x: int }, outputs: { o0: int } });

  function graph(failAfterExecutableNodesComplete: boolean) {
    return compile({
      workflow: workflow("policy", {
        inputs: { x: int },
        nodes: [
          taskNode("n0", "fail", { x: ref("", "x") }),
          taskNode("n1", "wait", { x: ref("", "x") }),
          taskNode("n2", "double", { x: ref("n0", "o0") }),
          taskNode("n3", "double", { x: ref("n1", "o0") }),
        ],
        failAfterExecutableNodesComplete,
      }),
      tasks: [fail, wait, double],
    });
  }

  it("fails at the first failure and aborts running nodes under FAIL_IMMEDIATELY", async () => {
    let releaseWait = (): void => undefined;
    const runner = fakeRunner({
      fail: async () => {
        throw new Error("boom");
      },
      wait: (_inputs, request) =>
        new Promise((resolve) => {
          releaseWait = () => resolve({ o0: 1 });
          request.signal.addEventListener("abort", () => undefined);
        }),
      double: ({ x }) => ({ o0: Number(x) * 2 }),
    });
    const result = await executeWorkflow({
      closure: graph(false),
      inputs: literalMap({ x: integerLiteral(1) }),
      runner,
    });
    releaseWait();
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("USER:RuntimeError");
    expect(result.error?.message).toBe("boom");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.nodes.get("n1")?.phase).toBe(NodeExecution_Phase.ABORTED);
    expect(result.nodes.get("n1")?.error?.code).toBe("NodeAborted");
    expect(result.nodes.get("n1")?.error?.message).toBe("Some node execution failed, auto-abort.");
    expect(result.nodes.has("n2")).toBe(false);
    expect(result.nodes.has("n3")).toBe(false);
  });

  it("lets independent nodes finish and skips dependents under FAIL_AFTER_EXECUTABLE_NODES_COMPLETE", async () => {
    const events: string[] = [];
    const runner = fakeRunner({
      fail: async () => {
        throw new Error("boom");
      },
      wait: async ({ x }) => ({ o0: Number(x) }),
      double: ({ x }) => ({ o0: Number(x) * 2 }),
    });
    const result = await executeWorkflow({
      closure: graph(true),
      inputs: literalMap({ x: integerLiteral(1) }),
      runner,
      onEvent: (e) => events.push(`${e.kind} ${e.path}`),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe("boom");
    expect(result.nodes.get("n2")?.phase).toBe(NodeExecution_Phase.SKIPPED);
    expect(result.nodes.get("n3")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
    expect(result.nodes.get("end-node")?.phase).toBe(NodeExecution_Phase.SKIPPED);
    expect(events).toContain("skipped n2");
  });

  it("runs the failure node with the workflow's error in its err input", async () => {
    const flyteError = withTag(errorType(), "FlyteError");
    const cleanup = task("cleanup", {
      inputs: { x: int, err: optionalType(flyteError) },
      outputs: {},
    });
    let seen: unknown;
    const runner = fakeRunner({
      fail: async () => {
        throw new Error("boom");
      },
      cleanup: ({ x, err }) => {
        seen = { x, err };
        return {};
      },
    });
    const closure = compile({
      workflow: workflow("with-handler", {
        inputs: { x: int },
        nodes: [taskNode("n0", "fail", { x: ref("", "x") })],
        failureNode: taskNode("efn", "cleanup", { x: ref("", "x"), err: lit(noneLiteral()) }),
      }),
      tasks: [fail, cleanup],
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(4) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe("boom");
    // propeller fills failed_node_id with the failure node's own id.
    expect(seen).toEqual({ x: 4, err: { message: "boom", failedNodeId: "efn" } });
    expect(result.nodes.get("efn")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
  });

  it("reports the failure node's own error when it fails too", async () => {
    const cleanup = task("cleanup", { inputs: { x: int }, outputs: {} });
    const runner = fakeRunner({
      fail: async () => {
        throw new Error("boom");
      },
      cleanup: async () => {
        throw new Error("cleanup broke");
      },
    });
    const closure = compile({
      workflow: workflow("with-handler", {
        inputs: { x: int },
        nodes: [taskNode("n0", "fail", { x: ref("", "x") })],
        failureNode: taskNode("efn", "cleanup", { x: ref("", "x") }),
      }),
      tasks: [fail, cleanup],
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(4) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe("cleanup broke");
  });
});

describe("retries and timeouts", () => {
  function single(retries: number, options: { timeoutMs?: number } = {}) {
    const flaky = task("flaky", { inputs: { x: int }, outputs: { o0: int }, retries });
    return compile({
      workflow: workflow("single", {
        inputs: { x: int },
        outputs: { y: int },
        nodes: [taskNode("n0", "flaky", { x: ref("", "x") }, { timeoutMs: options.timeoutMs })],
        outputBindings: { y: ref("n0", "o0") },
      }),
      tasks: [flaky],
    });
  }
  const inputs = literalMap({ x: integerLiteral(1) });

  it("retries a recoverable failure within the task's retry budget", async () => {
    const events: string[] = [];
    const runner = fakeRunner({
      flaky: (_inputs, request) => {
        if (request.attempt < 2) throw new FakeRecoverableError(`flaky ${request.attempt}`);
        return { o0: 42 };
      },
    });
    const result = await executeWorkflow({
      closure: single(2),
      inputs,
      runner,
      onEvent: (e) => events.push(`${e.kind} ${e.attempt}${e.error ? ` ${e.error.message}` : ""}`),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: 42 });
    expect(result.nodes.get("n0")?.attempts).toBe(3);
    expect(runner.calls.map((c) => c.generatedName.endsWith(`-n0-${c.attempt}`))).toEqual([true, true, true]);
    expect(events).toEqual(["started 0", "retrying 1 flaky 0", "retrying 2 flaky 1", "succeeded 2"]);
  });

  it("does not retry an ordinary error", async () => {
    const runner = fakeRunner({
      flaky: () => {
        throw new Error("bad input");
      },
    });
    const result = await executeWorkflow({ closure: single(3), inputs, runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.nodes.get("n0")?.attempts).toBe(1);
    expect(result.error?.code).toBe("USER:RuntimeError");
    expect(result.error?.message).toBe("bad input");
  });

  it("fails with RetriesExhausted after the last recoverable failure", async () => {
    const runner = fakeRunner({
      flaky: () => {
        throw new FakeRecoverableError("still flaky");
      },
    });
    const result = await executeWorkflow({ closure: single(1), inputs, runner });
    expect(result.nodes.get("n0")?.attempts).toBe(2);
    expect(result.error?.code).toBe("RetriesExhausted|RecoverableFlyteException");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe("[2/2] currentAttempt done. Last Error: USER::still flaky");
  });

  it("gives system failures a budget of three retries of their own", async () => {
    const runner = fakeRunner({
      flaky: () => {
        throw new TaskFailure({ code: "Interrupted", message: "node lost", recoverable: true, origin: "SYSTEM" });
      },
    });
    const result = await executeWorkflow({ closure: single(0), inputs, runner });
    expect(result.nodes.get("n0")?.attempts).toBe(4);
    expect(result.error?.code).toBe("RetriesExhausted|Interrupted");
    expect(result.error?.message).toBe("[3/3] currentAttempt done. Last Error: SYSTEM::node lost");
  });

  it("fails an attempt that outlives the node's timeout with TimeoutExpired", async () => {
    const runner = fakeRunner({
      flaky: (_inputs, request) =>
        new Promise((_resolve, reject) => request.signal.addEventListener("abort", () => reject(new Error("stopped")))),
    });
    const result = await executeWorkflow({ closure: single(0, { timeoutMs: 20 }), inputs, runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("RetriesExhausted|TimeoutExpired");
    expect(result.error?.message).toBe(
      "[1/1] currentAttempt done. Last Error: USER::task execution timeout [20ms] expired",
    );
    expect(runner.calls[0]?.signal.aborted).toBe(true);
  });

  it("retries a timed-out attempt when the node has retries left", async () => {
    const runner = fakeRunner({
      flaky: (_inputs, request) => (request.attempt === 0 ? new Promise(() => undefined) : { o0: 7 }),
    });
    const result = await executeWorkflow({ closure: single(1, { timeoutMs: 50 }), inputs, runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(result.nodes.get("n0")?.attempts).toBe(2);
  });

  it("times the node out at twice its timeout, whatever retries remain", async () => {
    const runner = fakeRunner({ flaky: () => new Promise(() => undefined) });
    const result = await executeWorkflow({ closure: single(5, { timeoutMs: 20 }), inputs, runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("Timeout");
    expect(result.error?.message).toBe("Timeout in node");
    const n0 = result.nodes.get("n0");
    expect(n0?.phase).toBe(NodeExecution_Phase.TIMED_OUT);
    expect(n0?.error?.message).toBe("task active timeout [40ms] expired");
  });
});
