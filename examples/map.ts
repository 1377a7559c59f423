/**
 * Map tasks: run a task once per element of a list (Flyte's ArrayNode), at most `concurrency` at a
 * time. Inputs named in `bound` are passed whole to every element.
 *
 *   aloft run examples/map.ts sumOfSquares --xs '[1, 2, 3, 4]'
 */
import { map, t, task, workflow } from "@aloft/sdk";

export const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
export const scale = task({ inputs: { x: t.int(), factor: t.int() }, output: t.int() }, ({ x, factor }) => x * factor);
export const sum = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) =>
  xs.reduce((a, b) => a + b, 0),
);

/** Squares every number (two at a time), scales the squares by `factor`, and adds them up. */
export const sumOfSquares = workflow(
  {
    inputs: { xs: t.list(t.int()), factor: t.int() },
    outputs: { squares: t.list(t.int()), total: t.int() },
    defaults: { factor: 1 },
  },
  ({ xs, factor }) => {
    const squares = map(square, { concurrency: 2 })({ x: xs });
    const scaled = map(scale, { bound: ["factor"] })({ x: squares, factor });
    return { squares, total: sum({ xs: scaled }) };
  },
);
