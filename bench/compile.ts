/**
 * How long `compileWorkflow` takes on large synthetic workflows (run after `npm run build`):
 *
 *   node --import tsx bench/compile.ts
 *
 * Each workflow is a chain of blocks: a head node, a fan-out of workers reading the head's output, and
 * a tail that gathers the workers' outputs through a list binding; every binding is typed. Prints the
 * median of several runs against the targets (1,000 nodes ≤ 100 ms, 10,000 nodes ≤ 1 s). Not a test.
 */
import { create } from "@bufbuild/protobuf";
import { compileWorkflow } from "@aloft/compiler";
import { CompiledTaskSchema, type CompiledTask } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { IdentifierSchema, ResourceType, type Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { VariableMapSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  BindingDataCollectionSchema,
  BindingDataSchema,
  BindingSchema,
  type Binding,
  type BindingData,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import {
  NodeSchema,
  TaskNodeSchema,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { median } from "./lib/stats.js";

const FAN_OUT = 8;

const int: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
const intList: LiteralType = create(LiteralTypeSchema, { type: { case: "collectionType", value: int } });

function id(name: string, resourceType: ResourceType): Identifier {
  return create(IdentifierSchema, { resourceType, project: "bench", domain: "development", name, version: "v1" });
}

function vars(types: Record<string, LiteralType>): VariableMap {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(types).map(([k, type]) => [k, { type }])),
  });
}

function task(name: string, inputs: Record<string, LiteralType>): CompiledTask {
  return create(CompiledTaskSchema, {
    template: create(TaskTemplateSchema, {
      id: id(name, ResourceType.TASK),
      type: "python-task",
      interface: { inputs: vars(inputs), outputs: vars({ y: int }) },
      target: { case: "container", value: { image: "bench:1", args: ["run"] } },
    }),
  });
}

const tasks = [task("step", { x: int }), task("gather", { xs: intList })];

function promiseData(nodeId: string): BindingData {
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: "y" } } });
}

function node(nodeId: string, taskName: string, input: Binding): Node {
  return create(NodeSchema, {
    id: nodeId,
    inputs: [input],
    target: {
      case: "taskNode",
      value: create(TaskNodeSchema, { reference: { case: "referenceId", value: id(taskName, ResourceType.TASK) } }),
    },
  });
}

/** A workflow of about `size` nodes: blocks of head → FAN_OUT workers → gathering tail, chained. */
function syntheticWorkflow(size: number): WorkflowTemplate {
  const nodes: Node[] = [];
  let previous = ""; // the start node: the workflow input `x`
  for (let block = 0; nodes.length + FAN_OUT + 2 <= size; block++) {
    const head = `b${block}-head`;
    nodes.push(
      node(
        head,
        "step",
        create(BindingSchema, { var: "x", binding: previous === "" ? promiseFromInput() : promiseData(previous) }),
      ),
    );
    const workers: string[] = [];
    for (let w = 0; w < FAN_OUT; w++) {
      const worker = `b${block}-w${w}`;
      workers.push(worker);
      nodes.push(node(worker, "step", create(BindingSchema, { var: "x", binding: promiseData(head) })));
    }
    const tail = `b${block}-tail`;
    const gathered = create(BindingDataCollectionSchema, { bindings: workers.map(promiseData) });
    nodes.push(
      node(
        tail,
        "gather",
        create(BindingSchema, { var: "xs", binding: { value: { case: "collection", value: gathered } } }),
      ),
    );
    previous = tail;
  }
  return create(WorkflowTemplateSchema, {
    id: id(`bench.wf${size}`, ResourceType.WORKFLOW),
    interface: { inputs: vars({ x: int }), outputs: vars({ y: int }) },
    nodes,
    outputs: [create(BindingSchema, { var: "y", binding: promiseData(previous) })],
  });
}

function promiseFromInput(): BindingData {
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId: "", var: "x" } } });
}

function measure(size: number, runs: number, targetMs: number): boolean {
  const primary = syntheticWorkflow(size);
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const start = performance.now();
    const result = compileWorkflow({ primary, tasks });
    const elapsed = performance.now() - start;
    if (!result.ok)
      throw new Error(`the ${size}-node benchmark workflow does not compile: ${result.errors[0]?.message}`);
    if (i > 0) times.push(elapsed); // the first run warms up the JIT
  }
  const ms = median(times);
  const ok = ms <= targetMs;
  console.log(
    `compileWorkflow ${String(primary.nodes.length).padStart(6)} nodes: median ${ms.toFixed(1).padStart(7)} ms ` +
      `of ${runs} runs (target ≤ ${targetMs} ms) ${ok ? "ok" : "SLOW"}`,
  );
  return ok;
}

const allOk = [measure(1_000, 9, 100), measure(10_000, 5, 1_000)].every(Boolean);
process.exitCode = allOk ? 0 : 1;
