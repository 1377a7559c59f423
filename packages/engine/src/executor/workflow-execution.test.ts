import { create } from "@bufbuild/protobuf";
import { AloftError, Code, integerLiteral, integerType, literalToJs } from "@aloft/idl";
import {
  BooleanExpressionSchema,
  ComparisonExpression_Operator,
  type BooleanExpression,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { flakyPlugin, gatedPlugin } from "../testing/test-plugins.test-helper.js";
import {
  branchNode,
  compile,
  ref,
  subWorkflowNode,
  task,
  taskNode,
  workflow,
} from "../testing/workflows.test-helper.js";
import { NodePhase, WorkflowPhase } from "../state/phases.js";
import { createRecordingControlPlane } from "../testing/recording-control-plane.test-helper.js";

const echoInt = task("echo_int", { inputs: { x: integerType() }, outputs: { x: integerType() } });

function greaterThan(variable: string, value: number): BooleanExpression {
  return create(BooleanExpressionSchema, {
    expr: {
      case: "comparison",
      value: {
        operator: ComparisonExpression_Operator.GT,
        leftValue: { val: { case: "var", value: variable } },
        rightValue: { val: { case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } } },
      },
    },
  });
}

function nodePhases(h: EngineHarness, nodeId: string): string[] {
  return h.controlPlane.nodeEvents.filter((e) => e.id?.nodeId === nodeId).map((e) => NodeExecution_Phase[e.phase]!);
}

function workflowError(h: EngineHarness, name: string) {
  const failed = h.controlPlane.workflowEvents.find(
    (e) => e.executionId?.name === name && e.phase === WorkflowExecution_Phase.FAILED,
  );
  return failed?.outputResult.case === "error" ? failed.outputResult.value : undefined;
}

describeEachDialect("workflow execution", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("runs a chain of echo tasks and passes outputs from node to node", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("chain", {
        inputs: { x: integerType() },
        outputs: { y: integerType() },
        nodes: [
          taskNode("n0", "echo_int", { x: ref("", "x") }),
          taskNode("n1", "echo_int", { x: ref("n0", "x") }),
          taskNode("n2", "echo_int", { x: ref("n1", "x") }),
        ],
        outputBindings: { y: ref("n2", "x") },
      }),
      tasks: [echoInt],
    });
    await h.submit("chain1", closure, { x: integerLiteral(42) });
    expect(await h.controlPlane.waitForTerminal("chain1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("chain1")).literals.y!)).toBe(42);
    expect(h.controlPlane.workflowEvents.map((e) => WorkflowExecution_Phase[e.phase])).toEqual([
      "RUNNING",
      "SUCCEEDING",
      "SUCCEEDED",
    ]);
    // A task that succeeds in its first round goes from QUEUED straight to SUCCEEDED, as in propeller.
    expect(nodePhases(h, "n2")).toEqual(["QUEUED", "SUCCEEDED"]);
    const status = await h.storedStatus("chain1", (s) => s.phase === WorkflowPhase.Success);
    // Terminal nodes keep only what is needed later.
    expect(Object.keys(status.nodes.n1!).sort()).toEqual(["phase", "stoppedAt"]);
  });

  it("runs a one-task workflow in three rounds with propeller's events in propeller's order", async () => {
    const recording = createRecordingControlPlane();
    const order: string[] = [];
    const admin: typeof recording.admin = {
      ...recording.admin,
      async createWorkflowEvent(request) {
        const response = await recording.admin.createWorkflowEvent(request);
        order.push(`workflow ${WorkflowExecution_Phase[request.event!.phase]}`);
        return response;
      },
      async createNodeEvent(request) {
        const response = await recording.admin.createNodeEvent(request);
        order.push(`${request.event!.id!.nodeId} ${NodeExecution_Phase[request.event!.phase]}`);
        return response;
      },
      async createTaskEvent(request) {
        const response = await recording.admin.createTaskEvent(request);
        order.push(`task ${TaskExecution_Phase[request.event!.phase]}`);
        return response;
      },
    };
    h = await startEngineHarness(db(), { controlPlane: { ...recording, admin } });
    const closure = compile({
      workflow: workflow("single", {
        inputs: { x: integerType() },
        outputs: { y: integerType() },
        nodes: [taskNode("n0", "echo_int", { x: ref("", "x") })],
        outputBindings: { y: ref("n0", "x") },
      }),
      tasks: [echoInt],
    });
    await h.submit("single1", closure, { x: integerLiteral(7) });
    expect(await recording.waitForTerminal("single1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const status = await h.storedStatus("single1", (s) => s.phase === WorkflowPhase.Success);
    // Started with the start node; the task queued, run and finalized; the end node, Succeeding, Succeeded.
    expect(h.engine.stats().rounds).toBe(3);
    expect(order).toEqual([
      "workflow RUNNING",
      "start-node SUCCEEDED",
      "n0 QUEUED",
      "task SUCCEEDED",
      "n0 SUCCEEDED",
      "end-node QUEUED",
      "end-node SUCCEEDED",
      "workflow SUCCEEDING",
      "workflow SUCCEEDED",
    ]);
    expect(status.nodes.n0!.phase).toBe(NodePhase.Succeeded);
    expect(status.outputRef).toMatch(/end-node\/data\/0\/outputs\.pb$/);
  });

  it("takes the branch case whose condition holds and skips the others", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("branchy", {
        inputs: { x: integerType() },
        outputs: { y: integerType() },
        nodes: [
          branchNode(
            "b",
            { x: ref("", "x") },
            [[greaterThan("x", 5), taskNode("big", "echo_int", { x: ref("", "x") })]],
            taskNode("small", "echo_int", { x: ref("", "x") }),
          ),
        ],
        outputBindings: { y: ref("b", "x") },
      }),
      tasks: [echoInt],
    });
    await h.submit("br1", closure, { x: integerLiteral(7) });
    expect(await h.controlPlane.waitForTerminal("br1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("br1")).literals.y!)).toBe(7);
    // The compiler names case nodes after their branch.
    const big = h.controlPlane.nodeEvents.filter((e) => e.specNodeId === "b-big");
    expect(big.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "SUCCEEDED"]);
    expect(big[0]?.parentNodeMetadata?.nodeId).toBe("b");
    expect(big[0]?.id?.nodeId).toBe("b-0-b-big");
    // Cases not taken are skipped without events.
    expect(h.controlPlane.nodeEvents.some((e) => e.specNodeId === "b-small")).toBe(false);
    const status = await h.storedStatus("br1", (s) => s.phase === WorkflowPhase.Success);
    expect(status.nodes["b-small"]?.phase).toBe(7);
  });

  it("fails the workflow with the branch's error when no case holds and the else fails", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("branch_fail", {
        inputs: { x: integerType() },
        nodes: [
          branchNode(
            "b",
            { x: ref("", "x") },
            [[greaterThan("x", 5), taskNode("big", "echo_int", { x: ref("", "x") })]],
            "x is too small",
          ),
        ],
      }),
      tasks: [echoInt],
    });
    await h.submit("br2", closure, { x: integerLiteral(1) });
    expect(await h.controlPlane.waitForTerminal("br2")).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "br2")).toMatchObject({
      code: "UserProvidedError",
      message: "[UserProvidedError] x is too small",
      kind: ExecutionError_ErrorKind.USER,
    });
  });

  it("runs a sub-workflow inside its node and returns its outputs", async () => {
    h = await startEngineHarness(db());
    const sub = workflow("sub", {
      inputs: { x: integerType() },
      outputs: { x: integerType() },
      nodes: [taskNode("s0", "echo_int", { x: ref("", "x") }), taskNode("s1", "echo_int", { x: ref("s0", "x") })],
      outputBindings: { x: ref("s1", "x") },
    });
    const closure = compile({
      workflow: workflow("parent", {
        inputs: { x: integerType() },
        outputs: { y: integerType() },
        nodes: [subWorkflowNode("w", "sub", { x: ref("", "x") })],
        outputBindings: { y: ref("w", "x") },
      }),
      tasks: [echoInt],
      subWorkflows: [sub],
    });
    await h.submit("sw1", closure, { x: integerLiteral(3) });
    expect(await h.controlPlane.waitForTerminal("sw1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("sw1")).literals.y!)).toBe(3);
    const w = h.controlPlane.nodeEvents.find((e) => e.id?.nodeId === "w");
    expect(w?.isParent).toBe(true);
    const s1 = h.controlPlane.nodeEvents.filter((e) => e.specNodeId === "s1");
    expect(s1.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "SUCCEEDED"]);
    expect(s1[0]?.parentNodeMetadata?.nodeId).toBe("w");
    expect(s1[0]?.id?.nodeId).toBe("w-0-s1");
  });

  it("with FAIL_IMMEDIATELY aborts running nodes at the first failure", async () => {
    const gated = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [flakyPlugin({ failures: 9, kind: "USER" }), gated] });
    const closure = compile({
      workflow: workflow("failfast", {
        nodes: [taskNode("bad", "bad"), taskNode("slow", "slow")],
      }),
      tasks: [task("bad", { type: "flaky" }), task("slow", { type: "gated" })],
    });
    await h.submit("ff1", closure);
    expect(await h.controlPlane.waitForTerminal("ff1")).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "ff1")?.code).toBe("RetriesExhausted|Flaky");
    expect(gated.successes).toEqual([]);
    if (gated.started.size > 0) expect(nodePhases(h, "slow")).toContain("ABORTED");
  });

  it("with FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets independent nodes finish before failing", async () => {
    const gated = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [flakyPlugin({ failures: 9, kind: "USER" }), gated] });
    const closure = compile({
      workflow: workflow("failafter", {
        nodes: [taskNode("bad", "bad"), taskNode("slow", "slow")],
        failAfterExecutableNodesComplete: true,
      }),
      tasks: [task("bad", { type: "flaky" }), task("slow", { type: "gated" })],
    });
    await h.submit("fa1", closure);
    await h.controlPlane.waitForEvent(() => nodePhases(h!, "bad").includes("FAILED"));
    await h.controlPlane.waitForEvent(() => nodePhases(h!, "slow").includes("RUNNING"));
    expect(h.controlPlane.phaseOf("fa1")).toBe(WorkflowExecution_Phase.RUNNING);
    gated.releaseAll();
    expect(await h.controlPlane.waitForTerminal("fa1")).toBe(WorkflowExecution_Phase.FAILED);
    expect(nodePhases(h, "slow")).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(workflowError(h, "fa1")?.code).toBe("RetriesExhausted|Flaky");
  });

  it("finalizes a later success in the round that saw it when the plugin's finalize keeps the outcome", async () => {
    const roundsAfterRelease = async (keepsOutcome: boolean, name: string): Promise<number> => {
      const gated = gatedPlugin();
      const finalized: string[] = [];
      const plugin = {
        ...gated,
        finalize: (ctx: { generatedName: string }) => {
          finalized.push(ctx.generatedName);
          return Promise.resolve();
        },
        ...(keepsOutcome ? { properties: { finalizeKeepsOutcome: true } } : {}),
      };
      const harness = await startEngineHarness(db(), { plugins: [plugin] });
      h = harness;
      const closure = compile({
        workflow: workflow(name, {
          inputs: { x: integerType() },
          outputs: { x: integerType() },
          nodes: [taskNode("n0", "slow", { x: ref("", "x") })],
          outputBindings: { x: ref("n0", "x") },
        }),
        tasks: [task("slow", { type: "gated", inputs: { x: integerType() }, outputs: { x: integerType() } })],
      });
      await harness.submit(name, closure, { x: integerLiteral(5) });
      await harness.controlPlane.waitForEvent(() => nodePhases(harness, "n0").includes("RUNNING"));
      await harness.storedStatus(name, (s) => s.nodes.n0?.phase === NodePhase.Running);
      const before = harness.engine.stats().rounds;
      gated.releaseAll();
      expect(await harness.controlPlane.waitForTerminal(name)).toBe(WorkflowExecution_Phase.SUCCEEDED);
      const rounds = harness.engine.stats().rounds - before;
      expect(nodePhases(harness, "n0")).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
      expect(literalToJs((await harness.outputs(name)).literals.x!)).toBe(5);
      expect(finalized).toHaveLength(1);
      await harness.close();
      h = undefined;
      return rounds;
    };
    const propellers = await roundsAfterRelease(false, "succeeding1");
    const folded = await roundsAfterRelease(true, "succeeding2");
    expect(folded).toBe(propellers - 1);
  });

  it("runs the failure node after a failure and still fails with the original error", async () => {
    h = await startEngineHarness(db(), { plugins: [flakyPlugin({ failures: 9, kind: "USER" })] });
    const cleanup = task("cleanup");
    const closure = compile({
      workflow: workflow("withfailure", {
        nodes: [taskNode("bad", "bad")],
        failureNode: taskNode("fn", "cleanup"),
      }),
      tasks: [task("bad", { type: "flaky" }), cleanup],
    });
    await h.submit("fn1", closure);
    expect(await h.controlPlane.waitForTerminal("fn1")).toBe(WorkflowExecution_Phase.FAILED);
    expect(nodePhases(h, "fn")).toEqual(["QUEUED", "SUCCEEDED"]);
    expect(h.controlPlane.workflowEvents.map((e) => WorkflowExecution_Phase[e.phase])).toEqual([
      "RUNNING",
      "FAILING",
      "FAILED",
    ]);
    expect(workflowError(h, "fn1")?.code).toBe("RetriesExhausted|Flaky");
  });

  it("retries user failures within the task's retries", async () => {
    const flaky = flakyPlugin({ failures: 2, kind: "USER" });
    h = await startEngineHarness(db(), { plugins: [flaky] });
    const closure = compile({
      workflow: workflow("retry_user", {
        inputs: { x: integerType() },
        outputs: { x: integerType() },
        nodes: [taskNode("n0", "f", { x: ref("", "x") })],
        outputBindings: { x: ref("n0", "x") },
      }),
      tasks: [task("f", { type: "flaky", retries: 2, inputs: { x: integerType() }, outputs: { x: integerType() } })],
    });
    await h.submit("ru1", closure, { x: integerLiteral(1) });
    expect(await h.controlPlane.waitForTerminal("ru1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect([...new Set(flaky.attempts)]).toEqual([0, 1, 2]);
    // Retries are not node events: admin sees the node queued, then succeeded.
    expect(nodePhases(h, "n0")).toEqual(["QUEUED", "SUCCEEDED"]);
    const failedTasks = h.controlPlane.taskEvents.filter((e) => e.phase === TaskExecution_Phase.FAILED);
    expect(failedTasks.map((e) => e.retryAttempt)).toEqual([0, 1]);
  });

  it("fails once the user retry budget is spent", async () => {
    h = await startEngineHarness(db(), { plugins: [flakyPlugin({ failures: 5, kind: "USER" })] });
    const closure = compile({
      workflow: workflow("retry_user_out", { nodes: [taskNode("n0", "f")] }),
      tasks: [task("f", { type: "flaky", retries: 1 })],
    });
    await h.submit("ru2", closure);
    expect(await h.controlPlane.waitForTerminal("ru2")).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "ru2")).toMatchObject({
      code: "RetriesExhausted|Flaky",
      message: "[2/2] currentAttempt done. Last Error: USER::attempt 1 failed",
    });
  });

  it("retries system failures on their own budget of three", async () => {
    const ok = flakyPlugin({ failures: 3, kind: "SYSTEM" });
    h = await startEngineHarness(db(), {
      plugins: [ok, flakyPlugin({ failures: 9, kind: "SYSTEM", taskType: "broken" })],
    });
    const closure = compile({
      workflow: workflow("retry_system", { nodes: [taskNode("n0", "f")] }),
      tasks: [task("f", { type: "flaky" })],
    });
    await h.submit("rs1", closure);
    expect(await h.controlPlane.waitForTerminal("rs1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect([...new Set(ok.attempts)]).toEqual([0, 1, 2, 3]);

    const broken = compile({
      workflow: workflow("retry_system_out", { nodes: [taskNode("n0", "g")] }),
      tasks: [task("g", { type: "broken" })],
    });
    await h.submit("rs2", broken);
    expect(await h.controlPlane.waitForTerminal("rs2")).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "rs2")).toMatchObject({
      code: "RetriesExhausted|Flaky",
      message: "[3/3] currentAttempt done. Last Error: SYSTEM::attempt 3 failed",
    });
  });

  it("retries an attempt past its execution deadline, then fails", async () => {
    h = await startEngineHarness(db(), { plugins: [gatedPlugin()] });
    const closure = compile({
      workflow: workflow("deadline", { nodes: [taskNode("n0", "slow", {}, { timeoutMs: 300, retries: 1 })] }),
      tasks: [task("slow", { type: "gated" })],
    });
    await h.submit("dl1", closure);
    expect(await h.controlPlane.waitForTerminal("dl1")).toBe(WorkflowExecution_Phase.FAILED);
    const error = workflowError(h, "dl1");
    // Either the attempts ran out, or the active deadline (2 x timeout, from queuing) struck first.
    expect(["RetriesExhausted|TimeoutExpired", "Timeout"]).toContain(error?.code);
  });

  it("times a node out at its active deadline, which is not retried", async () => {
    h = await startEngineHarness(db(), { plugins: [gatedPlugin()] });
    const closure = compile({
      workflow: workflow("active", { nodes: [taskNode("n0", "slow", {}, { timeoutMs: 200, retries: 50 })] }),
      tasks: [task("slow", { type: "gated" })],
    });
    await h.submit("ad1", closure);
    expect(await h.controlPlane.waitForTerminal("ad1")).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "ad1")).toMatchObject({ code: "Timeout", kind: ExecutionError_ErrorKind.USER });
    expect(nodePhases(h, "n0")).toContain("TIMED_OUT");
  });

  it("never runs more task nodes at once than max parallelism", async () => {
    const gated = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [gated] });
    const closure = compile({
      workflow: workflow("wide", {
        nodes: ["a", "b", "c", "d"].map((id) => taskNode(id, "slow")),
      }),
      tasks: [task("slow", { type: "gated" })],
    });
    await h.submit("mp1", closure, {}, { executionConfig: { maxParallelism: 2 } });
    await h.controlPlane.waitForEvent(() => gated.started.size >= 2);
    for (let i = 0; i < 3; i++) {
      const before = h.engine.stats().rounds;
      h.engine.wake({ project: "p", domain: "d", name: "mp1" });
      while (h.engine.stats().rounds === before) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(gated.started.size).toBe(2);
    gated.releaseAll();
    expect(await h.controlPlane.waitForTerminal("mp1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(gated.started.size).toBe(4);
  });

  it("aborts a running workflow: ABORTED node, task and workflow events", async () => {
    const gated = gatedPlugin();
    h = await startEngineHarness(db(), { plugins: [gated] });
    const closure = compile({
      workflow: workflow("abortable", { nodes: [taskNode("n0", "slow")] }),
      tasks: [task("slow", { type: "gated" })],
    });
    await h.submit("ab1", closure);
    await h.controlPlane.waitForEvent(() => nodePhases(h!, "n0").includes("RUNNING"));
    await h.abort("ab1", "user asked");
    expect(await h.controlPlane.waitForTerminal("ab1")).toBe(WorkflowExecution_Phase.ABORTED);
    const aborted = h.controlPlane.nodeEvents.find((e) => e.phase === NodeExecution_Phase.ABORTED);
    expect(aborted?.outputResult).toMatchObject({
      case: "error",
      value: { code: "NodeAborted", message: "Workflow aborted." },
    });
    const abortedTask = h.controlPlane.taskEvents.find((e) => e.phase === TaskExecution_Phase.ABORTED);
    expect(abortedTask?.outputResult).toMatchObject({ case: "error", value: { code: "Task Aborted" } });
    expect(gated.aborts).toEqual(["ab1-n0-0"]);
    expect(gated.successes).toEqual([]);
  });

  it("fails the workflow once rounds keep failing past the budget of ten", async () => {
    h = await startEngineHarness(db());
    h.controlPlane.failNext("node", new AloftError(Code.Unavailable, "admin is down"), { count: 1000 });
    const closure = compile({
      workflow: workflow("flappy", {
        nodes: [taskNode("n0", "echo_int", { x: ref("", "x") })],
        inputs: { x: integerType() },
      }),
      tasks: [echoInt],
    });
    await h.submit("rb1", closure, { x: integerLiteral(1) });
    expect(await h.controlPlane.waitForTerminal("rb1", 30_000)).toBe(WorkflowExecution_Phase.FAILED);
    expect(workflowError(h, "rb1")).toMatchObject({
      code: "Workflow abort failed",
      kind: ExecutionError_ErrorKind.SYSTEM,
    });
    expect(workflowError(h, "rb1")?.message).toContain("max number of system retry attempts [11/10] exhausted");
    expect(h.engine.stats().roundErrors).toBeGreaterThanOrEqual(11);
  });
});
