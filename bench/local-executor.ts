/**
 * How long the SDK's local executor takes to run a 1,000-node fan-out of no-op tasks (run after
 * `npm run build`):
 *
 *   node --import tsx bench/local-executor.ts
 *
 * The workflow reads one input into 1,000 independent task nodes and gathers their outputs into one
 * list output (so input resolution and the end node's 1,000-promise binding are measured too). The
 * runner returns at once. Prints the median of several runs after a warm-up, with the default
 * parallelism (25) and unlimited, against the target (≤ 200 ms). Not a test.
 */
import { create } from "@bufbuild/protobuf";
import { compileTask, compileWorkflow } from "@aloft/compiler";
import { integerLiteral, literalMap } from "@aloft/idl";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { BindingDataSchema, BindingSchema, type BindingData } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { NodeSchema, WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
// The local executor is not on a public entry point yet; read it from source (tsx compiles it).
import { executeWorkflow, type LocalTaskRunner } from "../packages/sdk/src/local/index.js";
import { median } from "./lib/stats.js";

const SIZE = 1_000;
const TARGET_MS = 200;

const int: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
const ints: LiteralType = create(LiteralTypeSchema, { type: { case: "collectionType", value: int } });

function id(name: string, resourceType: ResourceType): Identifier {
  return create(IdentifierSchema, { resourceType, project: "bench", domain: "development", name, version: "v1" });
}

function vars(types: Record<string, LiteralType>): VariableMap {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])),
  });
}

function promise(nodeId: string, output: string): BindingData {
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: output } } });
}

const noop = create(TaskTemplateSchema, {
  id: id("noop", ResourceType.TASK),
  type: "ts-task",
  interface: { inputs: vars({ x: int }), outputs: vars({ o0: int }) },
  target: { case: "container", value: { image: "bench:1", args: ["run"] } },
});

const nodes = Array.from({ length: SIZE }, (_, i) =>
  create(NodeSchema, {
    id: `n${i}`,
    inputs: [create(BindingSchema, { var: "x", binding: promise("", "x") })],
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: noop.id } } },
  }),
);
const gathered = create(BindingDataSchema, {
  value: { case: "collection", value: { bindings: nodes.map((n) => promise(n.id, "o0")) } },
});
const primary = create(WorkflowTemplateSchema, {
  id: id("bench.fanout", ResourceType.WORKFLOW),
  interface: { inputs: vars({ x: int }), outputs: vars({ ys: ints }) },
  nodes,
  outputs: [create(BindingSchema, { var: "ys", binding: gathered })],
});

const task = compileTask(noop);
if (!task.ok) throw new Error("the benchmark task does not compile");
const compiled = compileWorkflow({ primary, tasks: [task.value] });
if (!compiled.ok) throw new Error(`the benchmark workflow does not compile: ${compiled.errors[0]?.message}`);
const closure = compiled.value;

const outputs = literalMap({ o0: integerLiteral(1) });
const runner: LocalTaskRunner = { runTask: async () => ({ kind: "outputs", outputs }) };
const inputs = literalMap({ x: integerLiteral(1) });

async function measure(label: string, maxParallelism: number, runs: number): Promise<boolean> {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const start = performance.now();
    const result = await executeWorkflow({ closure, inputs, runner, maxParallelism });
    const elapsed = performance.now() - start;
    if (result.phase !== WorkflowExecution_Phase.SUCCEEDED) throw new Error(`run failed: ${result.error?.message}`);
    if (i > 0) times.push(elapsed); // the first run warms up the JIT
  }
  const ms = median(times);
  const ok = ms <= TARGET_MS;
  console.log(
    `executeWorkflow ${SIZE} no-op tasks, ${label.padEnd(22)}: median ${ms.toFixed(1).padStart(6)} ms ` +
      `of ${runs} runs (target ≤ ${TARGET_MS} ms) ${ok ? "ok" : "SLOW"}`,
  );
  return ok;
}

const results = [await measure("maxParallelism 25", 25, 9), await measure("unlimited parallelism", 0, 9)];
process.exitCode = results.every(Boolean) ? 0 : 1;
