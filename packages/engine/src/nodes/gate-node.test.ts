import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { booleanLiteral, booleanType, integerLiteral, integerType, literalToJs } from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { compile, node, ref, workflow } from "../testing/workflows.test-helper.js";

describeEachDialect("gate nodes", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("sleeps for the gate's duration, woken by a timer", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("sleepy", {
        nodes: [
          node("g", {
            case: "gateNode",
            value: {
              condition: { case: "sleep", value: { duration: create(DurationSchema, { nanos: 200_000_000 }) } },
            },
          }),
        ],
      }),
      tasks: [],
    });
    const started = Date.now();
    await h.submit("gs1", closure);
    expect(await h.controlPlane.waitForTerminal("gs1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("waits for a signal and outputs its value", async () => {
    h = await startEngineHarness(db());
    const closure = compile({
      workflow: workflow("signalled", {
        outputs: { v: integerType() },
        nodes: [
          node("g", {
            case: "gateNode",
            value: {
              condition: {
                case: "signal",
                value: { signalId: "count", type: integerType(), outputVariableName: "o0" },
              },
            },
          }),
        ],
        outputBindings: { v: ref("g", "o0") },
      }),
      tasks: [],
    });
    await h.submit("sg1", closure);
    await h.controlPlane.waitForEvent(() =>
      h!.controlPlane.nodeEvents.some((e) => e.id?.nodeId === "g" && e.phase === 2),
    );
    expect(h.controlPlane.phaseOf("sg1")).toBe(WorkflowExecution_Phase.RUNNING);
    h.controlPlane.setSignal("sg1", "count", integerLiteral(9));
    expect(await h.controlPlane.waitForTerminal("sg1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("sg1")).literals.v!)).toBe(9);
  });

  const approval = () =>
    compile({
      workflow: workflow("approval", {
        inputs: { x: integerType() },
        outputs: { x: integerType() },
        nodes: [
          node(
            "g",
            { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "ok" } } } },
            { x: ref("", "x") },
          ),
        ],
        outputBindings: { x: ref("g", "x") },
      }),
      tasks: [],
    });

  it("passes its inputs on when approved", async () => {
    h = await startEngineHarness(db());
    await h.submit("ap1", approval(), { x: integerLiteral(5) });
    await h.controlPlane.waitForEvent(() =>
      h!.controlPlane.nodeEvents.some((e) => e.id?.nodeId === "g" && e.phase === 2),
    );
    h.controlPlane.setSignal("ap1", "ok", booleanLiteral(true));
    expect(await h.controlPlane.waitForTerminal("ap1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(literalToJs((await h.outputs("ap1")).literals.x!)).toBe(5);
  });

  it("fails with ReceivedRejectSignal when rejected", async () => {
    h = await startEngineHarness(db());
    void booleanType;
    await h.submit("ap2", approval(), { x: integerLiteral(5) });
    await h.controlPlane.waitForEvent(() =>
      h!.controlPlane.nodeEvents.some((e) => e.id?.nodeId === "g" && e.phase === 2),
    );
    h.controlPlane.setSignal("ap2", "ok", booleanLiteral(false));
    expect(await h.controlPlane.waitForTerminal("ap2")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = h.controlPlane.workflowEvents.find((e) => e.phase === WorkflowExecution_Phase.FAILED);
    expect(failed?.outputResult).toMatchObject({
      case: "error",
      value: { code: "ReceivedRejectSignal", message: "received a reject signal to disapprove the node input values" },
    });
  });
});
