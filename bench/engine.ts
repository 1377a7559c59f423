/**
 * The engine in embedded mode (`aloft start`'s composition: admin, catalog and engine in one process, SQLite),
 * driven through admin's gRPC API as a user would (run after `npm run build`):
 *
 *   node --import tsx bench/engine.ts [--mode echo|process|all] [--only single,chain,fanout,map,concurrent]
 *
 * Task modes: `echo` (Flyte's in-process test plugin: engine overhead only) and `process` (`/bin/true` as a raw
 * container task, one local process per task). Targets (issue 5):
 * - single-task workflow, create → SUCCEEDED: p50 ≤ 15 ms;
 * - chain of 100 nodes: ≤ 5 ms per hop;
 * - fan-out of 100: ≤ 250 ms, or ≤ 0.5 s with process tasks;
 * - map over 10,000 items: ≤ 3 s (echo);
 * - 2,000 concurrent 3-node workflows drain, engine round latency p99 ≤ 100 ms.
 * Completion is observed through admin's execution-change feed (what WatchService streams), not by polling.
 * Exits non-zero on a missed target.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { compileAdminConfig, createAdminLogger } from "@aloft/admin";
import { startPlatform, type Platform } from "@aloft/cli";
import { collectionType, integerLiteral, integerType, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { type Identifier, IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type BindingData, BindingDataSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  type Node,
  NodeSchema,
  type WorkflowTemplate,
  WorkflowTemplateSchema,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { type TaskTemplate, TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { median, percentile } from "./lib/stats.js";

type Mode = "echo" | "process";
type Scenario = "single" | "chain" | "fanout" | "map" | "concurrent";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const VERSION = "bench";

interface Result {
  name: string;
  value: number;
  unit: string;
  target: number;
  ok: boolean;
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const modes: Mode[] = (() => {
  const value = argValue("--mode") ?? "all";
  if (value === "all") return ["echo", "process"];
  if (value !== "echo" && value !== "process") throw new Error("--mode takes echo, process or all");
  return [value];
})();
const only = new Set((argValue("--only") ?? "single,chain,fanout,map,concurrent").split(",") as Scenario[]);

// --- Entities, built as flyteidl protos (what any SDK registers) ---

function id(name: string, resourceType: ResourceType): Identifier {
  return create(IdentifierSchema, { resourceType, project: PROJECT, domain: DOMAIN, name, version: VERSION });
}

function variables(types: Record<string, LiteralType>) {
  return { variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])) };
}

/** `echo` passes `x` through; `process` runs `/bin/true` and declares no outputs. */
function taskTemplate(mode: Mode): TaskTemplate {
  const io = mode === "echo" ? { x: integerType() } : {};
  return create(TaskTemplateSchema, {
    id: id(`bench.${mode}`, ResourceType.TASK),
    type: mode === "echo" ? "echo" : "raw-container",
    interface: { inputs: variables(io), outputs: variables(io) },
    metadata: { runtime: { type: 1, version: "bench" } },
    target: { case: "container", value: { image: "debian:bookworm", command: ["/bin/true"], args: [] } },
  });
}

function promise(nodeId: string, name: string): BindingData {
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: name } } });
}

function taskNode(nodeId: string, mode: Mode, input: BindingData | undefined, upstream: string[]): Node {
  return create(NodeSchema, {
    id: nodeId,
    metadata: { name: nodeId },
    upstreamNodeIds: upstream,
    inputs: mode === "echo" && input !== undefined ? [{ var: "x", binding: input }] : [],
    target: {
      case: "taskNode",
      value: { reference: { case: "referenceId", value: id(`bench.${mode}`, ResourceType.TASK) } },
    },
  });
}

function workflowTemplate(
  name: string,
  nodes: Node[],
  outputs: { name: string; binding: BindingData }[],
): WorkflowTemplate {
  const withInput = outputs.length > 0;
  return create(WorkflowTemplateSchema, {
    id: id(name, ResourceType.WORKFLOW),
    interface: {
      inputs: variables({ x: integerType() }),
      outputs: variables(withInput ? Object.fromEntries(outputs.map((o) => [o.name, integerType()])) : {}),
    },
    nodes,
    outputs: outputs.map((o) => ({ var: o.name, binding: o.binding })),
  });
}

/** A chain of `length` nodes, each consuming the previous one's output. */
function chain(mode: Mode, length: number): WorkflowTemplate {
  const nodes: Node[] = [];
  for (let i = 0; i < length; i++) {
    const upstream = i === 0 ? [] : [`n${i - 1}`];
    nodes.push(taskNode(`n${i}`, mode, i === 0 ? promise("start-node", "x") : promise(`n${i - 1}`, "x"), upstream));
  }
  const outputs = mode === "echo" ? [{ name: "x", binding: promise(`n${length - 1}`, "x") }] : [];
  return workflowTemplate(`bench.${mode}.chain${length}`, nodes, outputs);
}

/** `width` independent nodes between start and end. */
function fanOut(mode: Mode, width: number): WorkflowTemplate {
  const nodes = Array.from({ length: width }, (_, i) => taskNode(`n${i}`, mode, promise("start-node", "x"), []));
  const outputs = mode === "echo" ? nodes.map((n) => ({ name: `o${n.id.slice(1)}`, binding: promise(n.id, "x") })) : [];
  return workflowTemplate(`bench.${mode}.fanout${width}`, nodes, outputs);
}

/** The echo task as a map task registers it (flytekit's `ArrayNodeMapTask`): every variable a list. */
function mapTaskTemplate(): TaskTemplate {
  const io = { x: collectionType(integerType()) };
  return create(TaskTemplateSchema, {
    id: id("bench.echo-map", ResourceType.TASK),
    type: "echo",
    interface: { inputs: variables(io), outputs: variables(io) },
    metadata: { runtime: { type: 1, version: "bench" } },
    target: { case: "container", value: { image: "debian:bookworm", command: ["/bin/true"], args: [] } },
  });
}

/** An array node mapping the echo task over the list input `xs`. */
function mapWorkflow(): WorkflowTemplate {
  const mapped = create(NodeSchema, {
    id: "n0",
    metadata: { name: "map" },
    inputs: [{ var: "x", binding: promise("start-node", "xs") }],
    target: {
      case: "arrayNode",
      value: {
        node: create(NodeSchema, {
          id: "n0-item",
          metadata: { name: "echo" },
          inputs: [{ var: "x", binding: promise("start-node", "xs") }],
          target: {
            case: "taskNode",
            value: { reference: { case: "referenceId", value: id("bench.echo-map", ResourceType.TASK) } },
          },
        }),
        // The array node's interface is the task's, with every input and output a list (flytekit's map tasks).
        isOriginalSubNodeInterface: false,
        successCriteria: { case: "minSuccessRatio", value: 1 },
      },
    },
  });
  return create(WorkflowTemplateSchema, {
    id: id("bench.echo.map", ResourceType.WORKFLOW),
    interface: {
      inputs: variables({ xs: collectionType(integerType()) }),
      outputs: variables({ xs: collectionType(integerType()) }),
    },
    nodes: [mapped],
    outputs: [{ var: "xs", binding: promise("n0", "x") }],
  });
}

// --- The platform and the client ---

interface Bench {
  platform: Platform;
  client: Client<typeof AdminService>;
  dir: string;
  /** Creates an execution of launch plan `lp` and resolves when it is terminal, with its phase. */
  execute(lp: string, inputs: LiteralMap): Promise<WorkflowExecution_Phase>;
}

let sequence = 0;

async function startBench(): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), "aloft-bench-engine-"));
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const config = compileAdminConfig(
    {
      server: { host: "127.0.0.1", port: 0 },
      database: { url: `sqlite://${join(dir, "aloft.db")}` },
      storage: { root: join(dir, "blobs"), signingSecret: "an engine benchmark signing secret" },
      logger: { level: "error" },
      seedProjects: [PROJECT],
    },
    { homeDir: dir },
  );
  const platform = await startPlatform({
    config,
    logger: createAdminLogger({ level: "error", destination: quiet }),
    secretsDir: join(dir, "secrets"),
    workDir: join(dir, "work"),
  });
  const client = createClient(AdminService, createGrpcTransport({ baseUrl: platform.address.url }));
  const { executions } = platform.admin.managers;
  const context = { requestId: "bench", identity: undefined, signal: new AbortController().signal };
  return {
    platform,
    client,
    dir,
    async execute(lp, inputs) {
      const name = `b${(sequence++).toString(36)}`;
      const executionId = { project: PROJECT, domain: DOMAIN, name };
      const done = new Promise<WorkflowExecution_Phase>((resolve) => {
        const check = () => {
          void executions.getExecution({ id: executionId } as never, context).then((execution) => {
            const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
            if (TERMINAL_WORKFLOW_PHASES.has(phase)) {
              unsubscribe();
              resolve(phase);
            }
          });
        };
        const unsubscribe = platform.admin.executionChanges.subscribe(executionId, (notice) => {
          if (notice.kind === "execution" || notice.kind === "resync") check();
        });
      });
      await client.createExecution({
        project: PROJECT,
        domain: DOMAIN,
        name,
        spec: { launchPlan: id(lp, ResourceType.LAUNCH_PLAN), maxParallelism: 0 },
        inputs,
      });
      return done;
    },
  };
}

async function register(
  bench: Bench,
  workflow: WorkflowTemplate,
  tasks: TaskTemplate[],
  maxParallelism = 0,
): Promise<string> {
  for (const task of tasks) {
    await bench.client.createTask({ id: task.id, spec: { template: task } }).catch(ignoreAlreadyExists);
  }
  await bench.client.createWorkflow({ id: workflow.id, spec: { template: workflow } });
  const lpId = id(workflow.id!.name, ResourceType.LAUNCH_PLAN);
  await bench.client.createLaunchPlan({
    id: lpId,
    spec: { workflowId: workflow.id, maxParallelism },
  });
  return lpId.name;
}

function ignoreAlreadyExists(error: unknown): void {
  if (!String(error).includes("already exists")) throw error;
}

function inputsX(value: number): LiteralMap {
  return { $typeName: "flyteidl.core.LiteralMap", literals: { x: integerLiteral(value) } } as LiteralMap;
}

async function timedRun(bench: Bench, lp: string, inputs: LiteralMap): Promise<number> {
  const start = performance.now();
  const phase = await bench.execute(lp, inputs);
  if (phase !== WorkflowExecution_Phase.SUCCEEDED) throw new Error(`${lp} ended ${WorkflowExecution_Phase[phase]}`);
  return performance.now() - start;
}

function result(name: string, value: number, unit: string, target: number): Result {
  return { name, value, unit, target, ok: value <= target };
}

async function benchMode(mode: Mode): Promise<Result[]> {
  const bench = await startBench();
  const results: Result[] = [];
  try {
    const task = taskTemplate(mode);
    if (only.has("single")) {
      const lp = await register(bench, chain(mode, 1), [task]);
      for (let i = 0; i < 20; i++) await timedRun(bench, lp, inputsX(i));
      const samples: number[] = [];
      const before = bench.platform.engine.stats();
      for (let i = 0; i < 200; i++) samples.push(await timedRun(bench, lp, inputsX(i)));
      const after = bench.platform.engine.stats();
      console.log(
        `  (${mode}: per single-task workflow ${((after.rounds - before.rounds) / 200).toFixed(1)} rounds, ` +
          `${((after.savedRounds - before.savedRounds) / 200).toFixed(1)} saved, ` +
          `${((after.saveTransactions - before.saveTransactions) / 200).toFixed(1)} save transactions)`,
      );
      results.push(result(`single-task workflow, create → SUCCEEDED p50 [${mode}]`, median(samples), "ms", 15));
    }
    if (only.has("chain")) {
      const lp = await register(bench, chain(mode, 100), [task]);
      const runs: number[] = [];
      const before = bench.platform.engine.stats();
      for (let i = 0; i < 3; i++) runs.push(await timedRun(bench, lp, inputsX(i)));
      const after = bench.platform.engine.stats();
      console.log(
        `  (${mode}: per hop of the chain ${((after.rounds - before.rounds) / 300).toFixed(1)} rounds, ` +
          `${((after.savedRounds - before.savedRounds) / 300).toFixed(1)} saved)`,
      );
      results.push(result(`chain of 100 nodes, per hop [${mode}]`, median(runs) / 100, "ms", 5));
    }
    if (only.has("fanout")) {
      const lp = await register(bench, fanOut(mode, 100), [task], 0);
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) runs.push(await timedRun(bench, lp, inputsX(i)));
      results.push(result(`fan-out of 100 [${mode}]`, median(runs), "ms", mode === "echo" ? 250 : 500));
    }
    if (only.has("map") && mode === "echo") {
      const lp = await register(bench, mapWorkflow(), [mapTaskTemplate()]);
      const xs = create(await import("@aloft/idl/gen/flyteidl/core/literals_pb").then((m) => m.LiteralSchema), {
        value: {
          case: "collection",
          value: { literals: Array.from({ length: 10_000 }, (_, i) => integerLiteral(i)) },
        },
      });
      const inputs = { $typeName: "flyteidl.core.LiteralMap", literals: { xs } } as LiteralMap;
      const runs: number[] = [];
      for (let i = 0; i < 2; i++) runs.push(await timedRun(bench, lp, inputs));
      results.push(result("map over 10,000 items [echo]", median(runs), "ms", 3000));
    }
    if (only.has("concurrent")) {
      const lp = await register(bench, chain(mode, 3), [task]);
      const before = bench.platform.engine.stats().roundLatencyMs.length;
      const start = performance.now();
      const phases = await Promise.all(Array.from({ length: 2000 }, (_, i) => bench.execute(lp, inputsX(i))));
      const drained = performance.now() - start;
      const failed = phases.filter((p) => p !== WorkflowExecution_Phase.SUCCEEDED).length;
      if (failed > 0) throw new Error(`${failed} of 2,000 concurrent workflows did not succeed`);
      const rounds = bench.platform.engine.stats().roundLatencyMs.slice(before > 0 ? -Math.min(10_000, 2000 * 8) : 0);
      console.log(
        `  (${mode}: 2,000 concurrent 3-node workflows drained in ${(drained / 1000).toFixed(1)} s, ` +
          `${(2000 / (drained / 1000)).toFixed(0)} workflows/s, ${rounds.length} round samples)`,
      );
      results.push(
        result(`2,000 concurrent workflows, round latency p99 [${mode}]`, percentile(rounds, 99), "ms", 100),
      );
    }
  } finally {
    await bench.platform.close();
    finishedDirs.push(bench.dir);
  }
  return results;
}

// Removed only after every mode ran: on a file system that keeps freed inodes out of use for a while (ext4
// without a journal, as on the reference machine), thousands of deletes slow down the next mode's file creation.
const finishedDirs: string[] = [];
const results: Result[] = [];
try {
  for (const mode of modes) results.push(...(await benchMode(mode)));
} finally {
  for (const dir of finishedDirs) await rm(dir, { recursive: true, force: true });
}
for (const r of results) {
  const value = r.unit === "ms" ? `${r.value.toFixed(2)} ms` : `${r.value.toFixed(0)} ${r.unit}`;
  console.log(
    `${r.name.padEnd(68)} ${value.padStart(12)}  (target ≤ ${r.target} ${r.unit})  ${r.ok ? "ok" : "MISSED"}`,
  );
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
