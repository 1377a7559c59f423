/*
 * Every SDK example end to end on a live platform, as a user gets it: `aloft package examples` and `aloft register
 * files` through the real CLI, executions created over gRPC, run by the engine (TypeScript tasks in warm workers,
 * the shell task as a local process), with the outputs, node executions and task executions admin records checked.
 * Needs the build (`npm run build`): the examples import `@aloft/sdk`, the workers run its dist.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { literalMapFromJs, literalMapToJs } from "@aloft/idl";
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { LiteralMapSchema, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { decode as decodeMsgpack } from "@msgpack/msgpack";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { repoRoot } from "@aloft/test-helpers";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAloft } from "../run-aloft.test-helper.js";
import { type LivePlatform, startLivePlatform } from "./live-platform.test-helper.js";

const PROJECT = "flytesnacks";
const DOMAIN = "development";

let live: LivePlatform;
const launchPlans = new Map<string, Identifier>();

beforeAll(async () => {
  live = await startLivePlatform();
  const pkg = join(live.dir, "examples.tgz");
  const packaged = await runAloft(["package", "examples", "-o", pkg], { cwd: repoRoot });
  expect([packaged.exitCode, packaged.stderr]).toEqual([0, ""]);
  const registered = await runAloft(
    ["register", "files", "--archive", pkg, "-p", PROJECT, "-d", DOMAIN, "--admin", live.url],
    { cwd: repoRoot },
  );
  expect([registered.exitCode, registered.stderr]).toEqual([0, ""]);
  const list = await live.admin.listLaunchPlans({ id: { project: PROJECT, domain: DOMAIN }, limit: 100 });
  for (const lp of list.launchPlans) launchPlans.set(lp.id!.name, lp.id!);
}, 120_000);

afterAll(async () => {
  await live?.dispose();
});

/** Launches the launch plan `name` with `inputs` (JS values typed by its expected inputs). */
async function launch(name: string, inputs: Record<string, unknown> = {}): Promise<string> {
  const id = launchPlans.get(name);
  if (id === undefined) throw new Error(`no launch plan ${name}; registered: ${[...launchPlans.keys()].join(", ")}`);
  const lp = await live.admin.getLaunchPlan({ id: { ...id, resourceType: ResourceType.LAUNCH_PLAN } });
  const types = Object.fromEntries(
    Object.entries(lp.closure?.expectedInputs?.parameters ?? {}).map(([k, p]) => [k, p.var!.type!]),
  );
  const created = await live.admin.createExecution({
    project: PROJECT,
    domain: DOMAIN,
    spec: { launchPlan: id },
    inputs: literalMapFromJs(inputs, types),
  });
  return created.id!.name;
}

/** The execution's outputs as JS values, typed by its workflow's interface (records decode from msgpack). */
/** Launches the task `name` on its own (a single-task execution), as `pyflyte run --remote` does for a task. */
async function launchTask(name: string, inputs: Record<string, unknown> = {}): Promise<string> {
  const tasks = await live.admin.listTasks({ id: { project: PROJECT, domain: DOMAIN, name }, limit: 1 });
  const task = tasks.tasks[0];
  if (task === undefined) throw new Error(`no task ${name}`);
  const variables = task.closure?.compiledTask?.template?.interface?.inputs?.variables ?? {};
  const types = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.type!]));
  const created = await live.admin.createExecution({
    project: PROJECT,
    domain: DOMAIN,
    spec: { launchPlan: task.id },
    inputs: literalMapFromJs(inputs, types),
  });
  return created.id!.name;
}

async function outputsOf(execution: Execution): Promise<Record<string, unknown>> {
  const data = await live.admin.getExecutionData({ id: execution.id });
  return literalMapToJs(data.fullOutputs!);
}

async function run(name: string, inputs: Record<string, unknown> = {}): Promise<Execution> {
  return live.waitForExecution(await launch(name, inputs));
}

async function nodePhases(execution: Execution): Promise<Record<string, NodeExecution_Phase>> {
  const nodes = await live.admin.listNodeExecutions({ workflowExecutionId: execution.id, limit: 100 });
  return Object.fromEntries(nodes.nodeExecutions.map((n) => [n.id!.nodeId, n.closure!.phase]));
}

describe("the SDK examples on a live platform", { timeout: 120_000 }, () => {
  it("hello-world: outputs, a node execution per node and a task execution per task", async () => {
    const execution = await run("examples.hello-world.helloWorld", { name: "world", n: 4 });
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(await outputsOf(execution)).toEqual({ greeting: "Hello, world!", sq: 16 });
    expect(await nodePhases(execution)).toEqual({
      "start-node": NodeExecution_Phase.SUCCEEDED,
      n0: NodeExecution_Phase.SUCCEEDED,
      n1: NodeExecution_Phase.SUCCEEDED,
      "end-node": NodeExecution_Phase.SUCCEEDED,
    });
    const tasks = await live.admin.listTaskExecutions({
      nodeExecutionId: { executionId: execution.id, nodeId: "n0" },
      limit: 10,
    });
    expect(tasks.taskExecutions.map((t) => [t.id?.taskId?.name, t.id?.retryAttempt, t.closure?.phase])).toEqual([
      ["examples.hello-world.sayHello", 0, 3 /* SUCCEEDED */],
    ]);
  });

  it("branches: the branch the condition picks, and a failure through .fail", async () => {
    expect(await outputsOf(await run("examples.branches.classify", { x: -4 }))).toEqual({ o0: "-4 is negative" });
    const failed = await run("examples.branches.halve", { n: 3 });
    expect(failed.closure?.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(failed.closure?.outputResult.case === "error" && failed.closure.outputResult.value.message).toContain(
      "halve only takes even numbers",
    );
  });

  it("ml-pipeline: records and a CSV file flow between tasks", async () => {
    const execution = await run("examples.ml-pipeline.pipeline", { rows: 400 });
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const data = await live.admin.getExecutionData({ id: execution.id });
    const { model, accuracy, dataset } = data.fullOutputs!.literals;
    // A record travels as msgpack bytes, as flytekit encodes dataclasses.
    const scalar = model?.value.case === "scalar" ? model.value.value.value : undefined;
    expect(scalar?.case === "binary" && decodeMsgpack(scalar.value.value)).toEqual({ threshold: 0.6, trainedOn: 300 });
    expect(literalMapToJs(create(LiteralMapSchema, { literals: { accuracy: accuracy! } })).accuracy).toBeGreaterThan(
      0.9,
    );
    const file =
      dataset?.value.case === "scalar" && dataset.value.value.value.case === "blob"
        ? dataset.value.value.value.value
        : undefined;
    const csv = await readFile(fileURLToPath(file!.uri), "utf8");
    expect(csv.trim().split("\n").length).toBe(401);
  });

  it("shell-task: a raw container task runs as a local process", async () => {
    const execution = await run("examples.shell-task.countWords", { text: "One fish. Two fish. Red fish, blue fish." });
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(await outputsOf(execution)).toEqual({ o0: "8 words on 3 lines" });
  });

  it("map: a map task over a list, with a bound input", async () => {
    const execution = await run("examples.map.sumOfSquares", { xs: [1, 2, 3, 4], factor: 10 });
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(await outputsOf(execution)).toEqual({ squares: [1, 4, 9, 16], total: 300 });
  });

  it("dynamic: the futures a task returns run as a sub-workflow", async () => {
    const execution = await live.waitForExecution(await launchTask("examples.dynamic.fanOut", { n: 5 }));
    expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(await outputsOf(execution)).toEqual({ o0: 30 });
  });

  it("approval: gate nodes wait for signals set through SignalService", async () => {
    const name = await launch("examples.approval.budgetReview", { team: "data" });
    const signals = createClient(SignalService, createGrpcTransport({ baseUrl: live.url }));
    const executionId = { project: PROJECT, domain: DOMAIN, name };
    const setWhenAsked = async (signalId: string, value: ReturnType<typeof create<typeof LiteralSchema>>) => {
      for (;;) {
        const listed = await signals.listSignals({ workflowExecutionId: executionId, limit: 10 });
        if (listed.signals.some((s) => s.id?.signalId === signalId)) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await signals.setSignal({ id: { executionId, signalId }, value });
    };
    await setWhenAsked(
      "budget-ok",
      create(LiteralSchema, {
        value: {
          case: "scalar",
          value: { value: { case: "primitive", value: { value: { case: "boolean", value: true } } } },
        },
      }),
    );
    await setWhenAsked(
      "bonus",
      create(LiteralSchema, {
        value: {
          case: "scalar",
          value: { value: { case: "primitive", value: { value: { case: "integer", value: 500n } } } },
        },
      }),
    );
    const execution = await live.waitForExecution(name);
    expect(await outputsOf(execution)).toEqual({ o0: "data: 4500 approved" });
  });

  it("scheduled: a launch plan's fixed and default inputs", async () => {
    const kickoff = new Date("2024-05-01T12:00:00Z");
    const execution = await run("examples.scheduled.regionalReport", { kickoff });
    expect(await outputsOf(execution)).toEqual({
      o0: "us: events from 2024-05-01T11:50:00.000Z to 2024-05-01T12:00:00.000Z",
    });
  });

  it("hello-world again: the cached task is a cache hit and runs no task", async () => {
    const first = await run("examples.hello-world.helloWorld", { name: "cache", n: 2 });
    expect(first.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    const second = await run("examples.hello-world.helloWorld", { name: "cache", n: 2 });
    const node = await live.admin.getNodeExecution({ id: { executionId: second.id, nodeId: "n0" } });
    expect(
      node.closure?.targetMetadata.case === "taskNodeMetadata" && node.closure.targetMetadata.value.cacheStatus,
    ).toBe(CatalogCacheStatus.CACHE_HIT);
    const tasks = await live.admin.listTaskExecutions({
      nodeExecutionId: { executionId: second.id, nodeId: "n0" },
      limit: 10,
    });
    expect(tasks.taskExecutions).toEqual([]);
  });
});
