import { create } from "@bufbuild/protobuf";
import { collectionType, integerLiteral, integerType, literalToJs } from "@aloft/idl";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { BindingDataSchema, BindingSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  dynamicCompiledPath,
  futuresCompiledPath,
  metadataRoot,
  nodeDataDir,
  nodeOutputDir,
  readProto,
  workflowDataDir,
} from "@aloft/storage";
import { describeEachDialect } from "@aloft/test-helpers";
import { afterEach, expect, it } from "vitest";
import {
  openEngineTestDatabase,
  startEngineHarness,
  type EngineHarness,
} from "../testing/engine-harness.test-helper.js";
import { compile, lit, ref, task, taskNode, workflow } from "../testing/workflows.test-helper.js";
import { futuresPlugin, intInput, oddFailsPlugin } from "./engine-nodes-fixtures.test-helper.js";

const child = task("child", { inputs: { x: integerType() }, outputs: { x: integerType() } });

/** n children `c<i>` echoing `i * 10`, the outputs gathered into `ys`. */
function fanOut(inputs: LiteralMap, childTask = child) {
  const n = intInput(inputs, "n");
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  return create(DynamicJobSpecSchema, {
    nodes: ids.map((id, i) => taskNode(id, childTask.id!.name, { x: lit(integerLiteral(i * 10)) })),
    outputs: [
      create(BindingSchema, {
        var: "ys",
        binding: create(BindingDataSchema, {
          value: { case: "collection", value: { bindings: ids.map((id) => ref(id, "x")) } },
        }),
      }),
    ],
    tasks: [childTask],
  });
}

function dynamicWorkflow(name: string) {
  return compile({
    workflow: workflow(name, {
      inputs: { n: integerType() },
      outputs: { ys: collectionType(integerType()) },
      nodes: [taskNode("dyn", "fan_out", { n: ref("", "n") })],
      outputBindings: { ys: ref("dyn", "ys") },
    }),
    tasks: [
      task("fan_out", {
        inputs: { n: integerType() },
        outputs: { ys: collectionType(integerType()) },
        type: "dynamic",
      }),
    ],
  });
}

function events(h: EngineHarness, execution: string, nodeId: string) {
  return h.controlPlane.nodeEvents.filter((e) => e.id?.executionId?.name === execution && e.id.nodeId === nodeId);
}

function dynNodeDataDir(h: EngineHarness, execution: string): string {
  return nodeDataDir({
    workflowDataDir: workflowDataDir({
      metadataRoot: metadataRoot({ baseUri: h.blobs.baseUri }),
      executionId: { project: "p", domain: "d", name: execution },
    }),
    nodeId: "dyn",
  });
}

describeEachDialect("dynamic node", openEngineTestDatabase, (db) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("runs the workflow a dynamic task returned and passes its outputs on", async () => {
    const plugin = futuresPlugin((inputs) => fanOut(inputs));
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("dyn1", dynamicWorkflow("dyn1"), { n: integerLiteral(3) });
    expect(await h.controlPlane.waitForTerminal("dyn1")).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const ys = (await h.outputs("dyn1")).literals.ys!;
    expect(ys.value.case === "collection" ? ys.value.value.literals.map((l) => Number(literalToJs(l))) : []).toEqual([
      0, 10, 20,
    ]);
    expect(plugin.attempts).toEqual([0]);

    const dyn = events(h, "dyn1", "dyn");
    expect(dyn.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "RUNNING", "DYNAMIC_RUNNING", "SUCCEEDED"]);
    const dynamicRunning = dyn[2]!;
    expect(dynamicRunning.isDynamic).toBe(true);
    expect(dynamicRunning.isParent).toBe(true);
    const outputDir = nodeOutputDir({ nodeDataDir: dynNodeDataDir(h, "dyn1"), attempt: 0 });
    expect(dynamicRunning.targetMetadata).toMatchObject({
      case: "taskNodeMetadata",
      value: {
        dynamicWorkflow: {
          id: { name: "dynamic_dyn", project: "p", domain: "d" },
          dynamicJobSpecUri: `${outputDir}/futures.pb`,
        },
      },
    });
    const metadata =
      dynamicRunning.targetMetadata.case === "taskNodeMetadata" ? dynamicRunning.targetMetadata.value : undefined;
    expect(metadata?.dynamicWorkflow?.id?.version).toMatch(/^[a-z0-9]{10}$/);
    expect(metadata?.dynamicWorkflow?.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(["c0", "c1", "c2"]),
    );
    expect(dyn[3]!.outputResult).toMatchObject({ case: "outputUri", value: `${outputDir}/outputs.pb` });

    // The compiled workflow is cached next to the futures file.
    const cached = await readProto(h.blobs, dynamicCompiledPath(outputDir), CompiledWorkflowClosureSchema);
    expect(cached.primary?.template?.id?.name).toBe("dynamic_dyn");
    expect(await h.blobs.exists(futuresCompiledPath(outputDir))).toBe(true);

    // Children: unique ids below the dynamic node, data under its output dir, in a dynamic chain.
    const c1 = h.controlPlane.nodeEvents.filter((e) => e.id?.executionId?.name === "dyn1" && e.specNodeId === "c1");
    expect(c1.map((e) => NodeExecution_Phase[e.phase])).toEqual(["QUEUED", "SUCCEEDED"]);
    expect(c1[0]).toMatchObject({
      id: { nodeId: "dyn-0-c1" },
      parentNodeMetadata: { nodeId: "dyn" },
      retryGroup: "0",
      isInDynamicChain: true,
      inputValue: { case: "inputUri", value: `${outputDir}/c1/inputs.pb` },
    });
  });

  it("fails with DynamicWorkflowBuildFailed when the returned workflow does not compile", async () => {
    const plugin = futuresPlugin((inputs) => {
      const spec = fanOut(inputs);
      // A node running a task the spec does not carry.
      spec.tasks = [];
      return spec;
    });
    h = await startEngineHarness(db(), { plugins: [plugin] });
    await h.submit("dyn2", dynamicWorkflow("dyn2"), { n: integerLiteral(2) });
    expect(await h.controlPlane.waitForTerminal("dyn2")).toBe(WorkflowExecution_Phase.FAILED);
    const failed = events(h, "dyn2", "dyn").find((e) => e.phase === NodeExecution_Phase.FAILED);
    expect(failed?.outputResult).toMatchObject({
      case: "error",
      value: { code: "DynamicWorkflowBuildFailed", kind: 1 },
    });
    const message = failed?.outputResult.case === "error" ? failed.outputResult.value.message : "";
    expect(message).toContain("[UserError] malformed dynamic workflow");
    expect(plugin.attempts).toEqual([0]);
  });

  it("fails the dynamic node permanently when a child fails", async () => {
    const odd = task("odd_child", { inputs: { x: integerType() }, outputs: { x: integerType() }, type: "odd-fails" });
    const plugin = futuresPlugin((inputs) => {
      const spec = fanOut(inputs, odd);
      spec.nodes[1] = taskNode("c1", "odd_child", { x: lit(integerLiteral(7)) });
      return spec;
    });
    h = await startEngineHarness(db(), { plugins: [plugin, oddFailsPlugin()] });
    const closure = compile({
      workflow: workflow("dyn3", {
        inputs: { n: integerType() },
        outputs: { ys: collectionType(integerType()) },
        nodes: [taskNode("dyn", "fan_out", { n: ref("", "n") }, { retries: 2 })],
        outputBindings: { ys: ref("dyn", "ys") },
      }),
      tasks: [
        task("fan_out", {
          inputs: { n: integerType() },
          outputs: { ys: collectionType(integerType()) },
          type: "dynamic",
        }),
      ],
    });
    await h.submit("dyn3", closure, { n: integerLiteral(2) });
    expect(await h.controlPlane.waitForTerminal("dyn3")).toBe(WorkflowExecution_Phase.FAILED);
    // The child's failure is permanent: the dynamic node does not retry its parent task.
    expect(plugin.attempts).toEqual([0]);
    const failed = events(h, "dyn3", "dyn").find((e) => e.phase === NodeExecution_Phase.FAILED);
    expect(failed?.outputResult).toMatchObject({ case: "error", value: { code: "Odd", message: "odd input 7" } });
  });
});
