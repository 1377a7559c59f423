/**
 * Conditionals: which branch runs is decided at run time, from values, with `conditional(...)`
 * (JavaScript has no operator overloading, so comparisons are `gt`, `lt`, `eq`, `isTrue`…).
 *
 *   aloft run examples/branches.ts classify --x -4
 */
import { conditional, gt, isTrue, lt, t, task, workflow } from "@aloft/sdk";

export const positive = task({ inputs: { x: t.float() }, output: t.string() }, ({ x }) => `${x} is positive`);
export const negative = task({ inputs: { x: t.float() }, output: t.string() }, ({ x }) => `${x} is negative`);
export const zero = task({ output: t.string() }, () => "zero");

/** Describes the sign of a number. */
export const classify = workflow({ inputs: { x: t.float() }, output: t.string() }, ({ x }) =>
  conditional("sign")
    .if(gt(x, 0), () => positive({ x }))
    .elif(lt(x, 0), () => negative({ x }))
    .else(() => zero()),
);

export const isEven = task({ inputs: { n: t.int() }, output: t.boolean() }, ({ n }) => n % 2 === 0);
export const half = task({ inputs: { n: t.int() }, output: t.int() }, ({ n }) => n / 2);

/** Halves even numbers; `.fail` fails the workflow for odd ones. A condition may read a task's output. */
export const halve = workflow({ inputs: { n: t.int() }, output: t.int() }, ({ n }) =>
  conditional("even")
    .if(isTrue(isEven({ n })), () => half({ n }))
    .fail("halve only takes even numbers"),
);
