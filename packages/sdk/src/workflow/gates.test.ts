import { describe, expect, test } from "vitest";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { SETTINGS, exportFrom, json, siteOf, thrown } from "../authoring.test-helper.js";
import { task } from "../entities/task.js";
import { workflow } from "../entities/workflow.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import { t } from "../types/index.js";
import { approve, sleep, waitForInput } from "./gates.js";

const FILE = new URL(import.meta.url).pathname;

const train = task({ inputs: { rate: t.float() }, outputs: { model: t.string(), score: t.float() } }, ({ rate }) => ({
  model: `m-${rate}`,
  score: 0.9,
}));
const deploy = task({ inputs: { model: t.string() }, output: t.string() }, ({ model }) => model);
exportFrom("examples/gates", { train, deploy });

describe("gates", () => {
  test("waitForInput, approve and sleep serialize as flytekit's gate nodes", () => {
    const wf = workflow({ output: t.string() }, () => {
      const rate = waitForInput("learning-rate", t.float(), { timeoutMs: 2 * 3_600_000 });
      const trained = train({ rate });
      const approved = approve(trained.model, "deploy-model");
      sleep(30_000).after(approved);
      return deploy({ model: approved });
    });
    exportFrom("examples/gates", { wf });
    const nodes = (
      json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: Record<string, unknown>[] } }
    ).template.nodes;
    expect(nodes[0]).toEqual({
      id: "n0",
      metadata: { name: "learning-rate", timeout: "7200s", retries: {} },
      gateNode: { signal: { signalId: "learning-rate", type: { simple: "FLOAT" }, outputVariableName: "o0" } },
    });
    expect(nodes[1]).toMatchObject({
      id: "n1",
      inputs: [{ var: "rate", binding: { promise: { nodeId: "n0", var: "o0" } } }],
    });
    expect(nodes[2]).toEqual({
      id: "n2",
      metadata: { name: "deploy-model", timeout: "3600s", retries: {} },
      inputs: [{ var: "model", binding: { promise: { nodeId: "n1", var: "model" } } }],
      upstreamNodeIds: ["n1"],
      gateNode: { approve: { signalId: "deploy-model" } },
    });
    expect(nodes[3]).toEqual({
      id: "n3",
      metadata: { name: "sleep-gate", timeout: "3600s", retries: {} },
      upstreamNodeIds: ["n2"],
      gateNode: { sleep: { duration: "30s" } },
    });
    expect(nodes[4]).toMatchObject({
      id: "n4",
      inputs: [{ var: "model", binding: { promise: { nodeId: "n2", var: "model" } } }],
    });
    const compiled = compileEntities({ roots: [wf], settings: SETTINGS });
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
  });

  test("approving a workflow input is refused, as flytekit does", () => {
    const e = thrown(
      () => workflow({ inputs: { model: t.string() }, output: t.string() }, ({ model }) => approve(model, "ok")), // @approve-input
    );
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@approve-input", "approve(")}: approve(…, "ok"): workflow inputs cannot be passed to approval nodes`,
    );
  });
});
