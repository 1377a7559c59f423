/**
 * Dynamic tasks: the body runs at execution time with real values, so the shape of the workflow it
 * builds (here: how many nodes) can depend on the inputs.
 *
 *   aloft run examples/dynamic.ts fanOut --n 5
 */
import { dynamic, t, task } from "@aloft/sdk";

export const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
export const sum = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) =>
  xs.reduce((a, b) => a + b, 0),
);

/** Squares 0 … n-1 in parallel, one node each, then adds the squares up. */
export const fanOut = dynamic({ inputs: { n: t.int() }, output: t.int() }, ({ n }) => {
  if (n < 0) throw new RangeError(`n must not be negative, got ${n}`);
  const squares = Array.from({ length: n }, (_, x) => square({ x }));
  return sum({ xs: squares });
});
