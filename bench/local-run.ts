/**
 * How long `run()` takes for a 1,000-node fan-out of no-op SDK tasks (run after `npm run build`):
 *
 *   node --import tsx bench/local-run.ts
 *
 * The main case is a workflow with 1,000 parallel calls of a no-op task, gathered into one list output;
 * its execution (the local executor running the compiled workflow, each task's code called through the
 * SDK's runner with its inputs and outputs converted) must take ≤ 200 ms (median of several runs after
 * a warm-up). Defining the workflow and compiling it are reported on separate lines, as are the same
 * fan-out as a map over 1,000 elements and as a dynamic task making 1,000 nodes. Not a test.
 */
import { dynamic, map, t, task, workflow } from "@aloft/sdk";
import { executeRun, type RunTimings } from "@aloft/sdk/internal";
import { median } from "./lib/stats.js";

const SIZE = 1_000;
const TARGET_MS = 200;
const RUNS = 9;

const noop = task({ name: "bench.noop", inputs: { x: t.int() }, output: t.int() }, ({ x }) => x);

function ms(value: number): string {
  return `${value.toFixed(1).padStart(7)} ms`;
}

const defineStart = performance.now();
const fanOut = workflow({ name: "bench.fanOut", inputs: { x: t.int() }, output: t.list(t.int()) }, ({ x }) =>
  Array.from({ length: SIZE }, () => noop({ x })),
);
const defineMs = performance.now() - defineStart;

const mapped = workflow({ name: "bench.mapped", inputs: { xs: t.list(t.int()) }, output: t.list(t.int()) }, ({ xs }) =>
  map(noop)({ x: xs }),
);
const dynamicFanOut = dynamic(
  { name: "bench.dynamicFanOut", inputs: { n: t.int() }, output: t.list(t.int()) },
  ({ n }) => Array.from({ length: n }, (_, x) => noop({ x })),
);

async function measure(entity: unknown, inputs: unknown, maxParallelism = 0): Promise<RunTimings> {
  const samples: RunTimings[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const { outputs, timings } = await executeRun(entity, inputs, { cache: "off", maxParallelism });
    if (!Array.isArray(outputs) || outputs.length !== SIZE)
      throw new Error("the benchmark run returned the wrong outputs");
    if (i > 0) samples.push(timings); // the first run warms up the JIT
  }
  return {
    prepareMs: median(samples.map((s) => s.prepareMs)),
    executeMs: median(samples.map((s) => s.executeMs)),
    outputsMs: median(samples.map((s) => s.outputsMs)),
  };
}

const main = await measure(fanOut, { x: 1 });
const ok = main.executeMs <= TARGET_MS;
const limited = await measure(fanOut, { x: 1 }, 25);
console.log(
  `run() of a workflow with ${SIZE} parallel no-op task nodes, no parallelism limit (median of ${RUNS} runs):`,
);
console.log(`  define the workflow (body, checks, once)        ${ms(defineMs)}`);
console.log(`  serialize + compile + convert inputs            ${ms(main.prepareMs)}`);
console.log(
  `  execute                                         ${ms(main.executeMs)}  (target ≤ ${TARGET_MS} ms) ${ok ? "ok" : "SLOW"}`,
);
console.log(`  execute, at most 25 nodes at once (the default) ${ms(limited.executeMs)}`);
console.log(`  convert outputs                                 ${ms(main.outputsMs)}`);
const viaMap = await measure(mapped, { xs: Array.from({ length: SIZE }, (_, i) => i) });
console.log(`map over ${SIZE} elements: prepare ${ms(viaMap.prepareMs)}, execute ${ms(viaMap.executeMs)}`);
const viaDynamic = await measure(dynamicFanOut, { n: SIZE });
console.log(
  `dynamic task making ${SIZE} nodes: prepare ${ms(viaDynamic.prepareMs)}, execute ${ms(viaDynamic.executeMs)}`,
);
process.exitCode = ok ? 0 : 1;
