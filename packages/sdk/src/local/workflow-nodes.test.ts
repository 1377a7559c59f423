import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { validateLaunchPlanInputs } from "@aloft/compiler";
import { booleanLiteral, fixedLengthUniqueIdForParts, integerLiteral, integerType, literalMap } from "@aloft/idl";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { BindingSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { executeWorkflow, type LocalSignalRequest } from "./index.js";
import {
  compile,
  entityId,
  fakeRunner,
  jsOf,
  lit,
  node,
  ref,
  task,
  taskNode,
  workflow,
} from "./local-workflows.test-helper.js";

const int = integerType();
const double = task("double", { inputs: { x: int }, outputs: { o0: int } });
const doubleBody = { double: ({ x }: Record<string, unknown>) => ({ o0: Number(x) * 2 }) };

describe("dynamic tasks", () => {
  const fanout = task("fanout", { inputs: { n: int }, outputs: { total: int } });
  const closure = compile({
    workflow: workflow("dyn", {
      inputs: { n: int },
      outputs: { total: int },
      nodes: [taskNode("n0", "fanout", { n: ref("", "n") })],
      outputBindings: { total: ref("n0", "total") },
    }),
    tasks: [fanout],
  });

  function spec(n: number, tasks = [double]) {
    return create(DynamicJobSpecSchema, {
      nodes: [
        taskNode("n0", "double", { x: lit(integerLiteral(n)) }),
        taskNode("n1", "double", { x: ref("n0", "o0") }),
      ],
      outputs: [create(BindingSchema, { var: "total", binding: ref("n1", "o0") })],
      tasks,
    });
  }

  it("compiles what the task built and runs it as a child graph whose outputs become the node's", async () => {
    const runner = fakeRunner({ ...doubleBody, fanout: ({ n }) => ({ kind: "dynamic", spec: spec(Number(n)) }) });
    const result = await executeWorkflow({ closure, inputs: literalMap({ n: integerLiteral(3) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ total: 12 });
    const parent = result.nodes.get("n0");
    expect(parent?.dynamicWorkflow?.primary?.template?.id?.name).toBe("dynamic_n0");
    expect(parent?.dynamicWorkflow?.primary?.template?.id?.project).toBe("p");
    expect(result.nodes.get("n0/n1")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
    expect(runner.calls.map((c) => c.uniqueNodeId)).toEqual(["n0", "n0-0-n0", "n0-0-n1"]);
  });

  it("lets its children run when the run allows a single task at a time", async () => {
    const runner = fakeRunner({ ...doubleBody, fanout: ({ n }) => ({ kind: "dynamic", spec: spec(Number(n)) }) });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ n: integerLiteral(1) }),
      runner,
      maxParallelism: 1,
    });
    expect(jsOf(result.outputs)).toEqual({ total: 4 });
  });

  it("fails the node with a child's error", async () => {
    const runner = fakeRunner({
      double: () => {
        throw new Error("child broke");
      },
      fanout: () => ({ kind: "dynamic", spec: spec(1) }),
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ n: integerLiteral(3) }), runner });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe("child broke");
    expect(result.nodes.get("n0")?.phase).toBe(NodeExecution_Phase.FAILED);
  });

  it("fails with DynamicWorkflowBuildFailed when what the task built does not compile", async () => {
    const runner = fakeRunner({ fanout: () => ({ kind: "dynamic", spec: spec(1, []) }) });
    const result = await executeWorkflow({ closure, inputs: literalMap({ n: integerLiteral(3) }), runner });
    expect(result.error?.code).toBe("DynamicWorkflowBuildFailed");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toMatch(
      /^\[UserError\] malformed dynamic workflow, caused by: TaskReferenceNotFound/,
    );
  });
});

describe("gate nodes", () => {
  function gated(gate: Parameters<typeof node>[1], inputs = {}, timeoutMs?: number) {
    return compile({
      workflow: workflow("gated", {
        inputs: { x: int },
        outputs: { y: int },
        nodes: [node("n0", gate, inputs, { timeoutMs })],
        outputBindings: { y: ref("n0", "o0") },
      }),
      tasks: [],
    });
  }
  const waitFor = gated({
    case: "gateNode",
    value: { condition: { case: "signal", value: { signalId: "count", type: int, outputVariableName: "o0" } } },
  });
  const approval = gated(
    { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "ok?" } } } },
    { o0: ref("", "x") },
  );
  const inputs = literalMap({ x: integerLiteral(5) });

  it("outputs the signal's value", async () => {
    const requests: LocalSignalRequest[] = [];
    const result = await executeWorkflow({
      closure: waitFor,
      inputs,
      runner: fakeRunner({}),
      signals: async (request) => {
        requests.push(request);
        return integerLiteral(42);
      },
    });
    expect(jsOf(result.outputs)).toEqual({ y: 42 });
    expect(requests.map((r) => [r.kind, r.signalId, r.type.type.case, r.path])).toEqual([
      ["signal", "count", "simple", "n0"],
    ]);
  });

  it("passes the inputs on when approved", async () => {
    const result = await executeWorkflow({
      closure: approval,
      inputs,
      runner: fakeRunner({}),
      signals: async () => booleanLiteral(true),
    });
    expect(jsOf(result.outputs)).toEqual({ y: 5 });
  });

  it("fails with ReceivedRejectSignal when rejected", async () => {
    const result = await executeWorkflow({
      closure: approval,
      inputs,
      runner: fakeRunner({}),
      signals: async () => booleanLiteral(false),
    });
    expect(result.error?.code).toBe("ReceivedRejectSignal");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe("received a reject signal to disapprove the node input values");
  });

  it("fails when no signal provider is given", async () => {
    const result = await executeWorkflow({ closure: waitFor, inputs, runner: fakeRunner({}) });
    expect(result.error?.code).toBe("SignalUnavailable");
    expect(result.error?.message).toBe(
      "gate node [n0] waits for signal [count], but no signal provider was given to the local executor",
    );
  });

  it("times a signal wait out with the node's timeout", async () => {
    const closure = gated(
      {
        case: "gateNode",
        value: { condition: { case: "signal", value: { signalId: "count", type: int, outputVariableName: "o0" } } },
      },
      {},
      20,
    );
    const result = await executeWorkflow({
      closure,
      inputs,
      runner: fakeRunner({}),
      signals: () => new Promise(() => undefined),
    });
    expect(result.error?.code).toBe("RetriesExhausted|TimeoutExpired");
  });

  it("sleeps, then succeeds", async () => {
    const closure = compile({
      workflow: workflow("sleepy", {
        nodes: [
          node("n0", {
            case: "gateNode",
            value: { condition: { case: "sleep", value: { duration: create(DurationSchema, { nanos: 5_000_000 }) } } },
          }),
        ],
      }),
      tasks: [],
    });
    const result = await executeWorkflow({ closure, runner: fakeRunner({}) });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(result.nodes.get("n0")?.kind).toBe("gate");
  });
});

describe("sub-workflows and launch plans", () => {
  const inner = workflow("inner", {
    inputs: { x: int },
    outputs: { y: int },
    nodes: [taskNode("n0", "double", { x: ref("", "x") })],
    outputBindings: { y: ref("n0", "o0") },
  });

  it("runs a sub-workflow with the node's inputs and returns its outputs", async () => {
    const closure = compile({
      workflow: workflow("outer", {
        inputs: { x: int },
        outputs: { z: int },
        nodes: [
          node(
            "n0",
            {
              case: "workflowNode",
              value: { reference: { case: "subWorkflowRef", value: entityId("inner", ResourceType.WORKFLOW) } },
            },
            { x: ref("", "x") },
          ),
        ],
        outputBindings: { z: ref("n0", "y") },
      }),
      subWorkflows: [inner],
      tasks: [double],
    });
    const runner = fakeRunner(doubleBody);
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(4) }), runner });
    expect(jsOf(result.outputs)).toEqual({ z: 8 });
    expect(result.nodes.get("n0")?.kind).toBe("subworkflow");
    expect(result.nodes.get("n0/n0")?.uniqueNodeId).toBe("n0-0-n0");
    expect(runner.calls[0]?.uniqueNodeId).toBe("n0-0-n0");
  });

  it("runs a sub-workflow's failure node and fails the node with the sub-workflow's error", async () => {
    const cleanup = task("cleanup", { inputs: { x: int } });
    const failing = workflow("failing", {
      inputs: { x: int },
      nodes: [taskNode("n0", "double", { x: ref("", "x") })],
      failureNode: taskNode("efn", "cleanup", { x: ref("", "x") }),
    });
    const closure = compile({
      workflow: workflow("outer", {
        inputs: { x: int },
        nodes: [
          node(
            "n0",
            {
              case: "workflowNode",
              value: { reference: { case: "subWorkflowRef", value: entityId("failing", ResourceType.WORKFLOW) } },
            },
            { x: ref("", "x") },
          ),
        ],
      }),
      subWorkflows: [failing],
      tasks: [double, cleanup],
    });
    const cleaned: unknown[] = [];
    const runner = fakeRunner({
      double: () => {
        throw new Error("inner broke");
      },
      cleanup: ({ x }) => {
        cleaned.push(x);
        return {};
      },
    });
    const result = await executeWorkflow({ closure, inputs: literalMap({ x: integerLiteral(4) }), runner });
    expect(result.error?.message).toBe("inner broke");
    expect(cleaned).toEqual([4]);
    expect(result.nodes.get("n0/efn")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
  });

  const scaled = workflow("scaled", {
    inputs: { x: int, factor: int },
    outputs: { y: int },
    nodes: [taskNode("n0", "mul", { x: ref("", "x"), factor: ref("", "factor") })],
    outputBindings: { y: ref("n0", "o0") },
  });
  const mul = task("mul", { inputs: { x: int, factor: int }, outputs: { o0: int } });
  const scaledClosure = compile({ workflow: scaled, tasks: [mul] });
  const lpId = entityId("scaled-lp", ResourceType.LAUNCH_PLAN);
  const defaults = create(ParameterMapSchema, {
    parameters: { factor: { var: { type: int }, behavior: { case: "default", value: integerLiteral(3) } } },
  });
  const expectations = validateLaunchPlanInputs({ workflowInterface: scaled.interface!, defaultInputs: defaults });
  if (!expectations.ok) throw new Error("bad launch plan");
  const callsLaunchPlan = compile({
    workflow: workflow("caller", {
      inputs: { x: int },
      outputs: { z: int },
      nodes: [
        node(
          "n0",
          { case: "workflowNode", value: { reference: { case: "launchplanRef", value: lpId } } },
          { x: ref("", "x") },
        ),
      ],
      outputBindings: { z: ref("n0", "y") },
    }),
    tasks: [],
    launchPlans: [{ id: lpId, ...expectations.value }],
  });

  it("runs a launch plan as a child execution with its default inputs merged in", async () => {
    const runner = fakeRunner({ mul: ({ x, factor }) => ({ o0: Number(x) * Number(factor) }) });
    const result = await executeWorkflow({
      closure: callsLaunchPlan,
      inputs: literalMap({ x: integerLiteral(5) }),
      runner,
      launchPlans: (id) => (id.name === "scaled-lp" ? { closure: scaledClosure, defaultInputs: defaults } : undefined),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ z: 15 });
    expect(result.nodes.get("n0")?.kind).toBe("launch-plan");
    expect(jsOf(result.nodes.get("n0/n0")?.inputs)).toEqual({ x: 5, factor: 3 });
    // The child runs as its own execution, named after the parent execution, node and attempt.
    expect(runner.calls[0]?.executionId.name).toBe(
      fixedLengthUniqueIdForParts(20, [result.executionId.name, "n0", "0"], { algorithm: "fnv64a" }),
    );
    expect(runner.calls[0]?.uniqueNodeId).toBe("n0");
  });

  it("fails a launch-plan node when no launch plans are given", async () => {
    const result = await executeWorkflow({
      closure: callsLaunchPlan,
      inputs: literalMap({ x: integerLiteral(5) }),
      runner: fakeRunner({}),
    });
    expect(result.error?.code).toBe("RuntimeExecutionError");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe(
      "launch plan p/d/scaled-lp@v1 cannot be launched: no launch plans were given to the local executor",
    );
  });
});
