import { describe, expect, expectTypeOf, test } from "vitest";
import { t } from "../types/index.js";
import { conditional, gt } from "../workflow/conditional.js";
import { waitForInput } from "../workflow/gates.js";
import type { NodeHandle, NodeOutputs, NodeRef } from "../workflow/node-result.js";
import type { Ref } from "../workflow/ref.js";
import { launchPlan } from "./launch-plan.js";
import { map } from "./map-task.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

// These tests are checked by `tsc -b` (tsconfig.test.json): a `@ts-expect-error` line that compiles
// fails the build, so each marks a mistake the static types reject.

const sayHello = task({ inputs: { name: t.string() }, outputs: { greeting: t.string() } }, async ({ name }) => ({
  greeting: `Hello, ${name}!`,
}));
const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
const Point = t.record({ x: t.int(), y: t.float() });
const shapes = task(
  { inputs: { p: Point }, outputs: { q: Point, xs: t.list(t.int()), counts: t.map(t.string()) } },
  ({ p }) => ({ q: p, xs: [p.x], counts: {} }),
);
const greet = task(
  { inputs: { name: t.string(), title: t.optional(t.string()) }, output: t.string() },
  ({ name }) => name,
);
const log = task({ inputs: { msg: t.string() } }, () => {});

describe("static types", () => {
  test("task bodies get typed values and must return their outputs", () => {
    task({ inputs: { a: t.int(), b: t.optional(t.string()) }, output: t.float() }, ({ a, b }) => {
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(b).toEqualTypeOf<string | null | undefined>();
      return a / 2;
    });
    // @ts-expect-error a body must return the declared outputs
    task({ outputs: { a: t.int() } }, () => ({ b: 1 }));
    // @ts-expect-error a single output is returned as itself, here a number
    task({ output: t.int() }, () => "one");
  });

  test("calls in a body return refs typed by the outputs", () => {
    workflow(
      { inputs: { name: t.string(), n: t.int() }, outputs: { greeting: t.string(), sq: t.int() } },
      ({ name, n }) => {
        expectTypeOf(name).toEqualTypeOf<Ref<string>>();
        const hello = sayHello({ name });
        expectTypeOf(hello).toExtend<NodeOutputs<{ greeting: ReturnType<typeof t.string> }>>();
        expectTypeOf(hello.greeting).toEqualTypeOf<Ref<string>>();
        const sq = square({ x: n });
        expectTypeOf(sq).toEqualTypeOf<NodeRef<number>>();
        expectTypeOf(log({ msg: name })).toEqualTypeOf<NodeHandle>();
        return { greeting: hello.greeting, sq };
      },
    );
  });

  test("record fields, list elements and map values are refs", () => {
    workflow({ output: t.int() }, () => {
      const s = shapes({ p: { x: 1, y: 2 } });
      expectTypeOf(s.q.x).toEqualTypeOf<Ref<number>>();
      expectTypeOf(s.xs.at(0)).toEqualTypeOf<Ref<number>>();
      expectTypeOf(s.counts.key("k")).toEqualTypeOf<Ref<string>>();
      // @ts-expect-error records have no such field
      void s.q.z;
      const untyped = task({ output: t.json() }, () => ({ a: 1 }))();
      // @ts-expect-error untyped JSON has no schema to take a path through
      void untyped.key;
      return square({ x: s.q.x });
    });
  });

  test("inputs: refs, constants, optional ones left out, and mixed lists", () => {
    const total = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) => xs.length);
    workflow({ inputs: { name: t.string(), n: t.int() }, output: t.int() }, ({ name, n }) => {
      greet({ name });
      greet({ name, title: "Dr" });
      greet({ name: "constant", title: null });
      total({ xs: [n, 2, square({ x: n })] });
      // Each mistake is refused twice: by the compiler here, and (were it compiled) when the body runs.
      // @ts-expect-error an unbound input
      expect(() => square({})).toThrow(/input "x" \(integer\) of square is not bound/);
      // @ts-expect-error a wrongly typed ref
      expect(() => square({ x: name })).toThrow(/expects integer, got a string ref/);
      // @ts-expect-error an unknown input
      expect(() => square({ x: n, y: 1 })).toThrow(/unknown input "y" of square/);
      // @ts-expect-error a constant of the wrong type
      expect(() => square({ x: "3" })).toThrow(/expected integer, got "3"/);
      // @ts-expect-error a list holding a wrongly typed ref
      expect(() => total({ xs: [n, name] })).toThrow(/expects integer, got a string ref/);
      return square({ x: n });
    });
  });

  test("workflow outputs must be bound with the right types", () => {
    // @ts-expect-error the body returns a string ref for an integer output
    expect(() => workflow({ inputs: { s: t.string() }, output: t.int() }, ({ s }) => s)).toThrow(/expects integer/);
    // @ts-expect-error an output is missing
    expect(() => workflow({ outputs: { a: t.int(), b: t.int() } }, () => ({ a: 1 }))).toThrow(/"b" .* is not bound/);
  });

  test("workflow defaults make inputs optional for callers and launch plans", () => {
    const inner = workflow(
      { inputs: { x: t.int(), times: t.int() }, defaults: { times: 2 }, output: t.int() },
      ({ x }) => square({ x }),
    );
    workflow({ output: t.int() }, () => {
      inner({ x: 1 });
      // @ts-expect-error x has no default
      expect(() => inner({ times: 1 })).toThrow(/input "x" \(integer\) of inner is not bound/);
      return inner({ x: 1, times: 3 });
    });
    const fixed = launchPlan(inner, { fixedInputs: { x: 5 } });
    workflow({ output: t.int() }, () => fixed());
  });

  test("a map turns inputs and outputs into lists", () => {
    workflow({ inputs: { xs: t.list(t.int()) }, output: t.list(t.int()) }, ({ xs }) => {
      const squares = map(square)({ x: xs });
      expectTypeOf(squares).toEqualTypeOf<NodeRef<number[]>>();
      const tolerant = map(square, { minSuccessRatio: 0.5 })({ x: xs });
      expectTypeOf(tolerant).toEqualTypeOf<NodeRef<(number | null)[]>>();
      // @ts-expect-error mapped inputs are lists
      expect(() => map(square)({ x: 3 })).toThrow(/expected an array, got 3/);
      return squares;
    });
  });

  test("conditionals give the branches' result; gates their signal's type", () => {
    workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
      const r = conditional("sign")
        .if(gt(x, 0), () => square({ x }))
        .else(() => square({ x: 0 }));
      expectTypeOf(r).toEqualTypeOf<NodeRef<number>>();
      expectTypeOf(waitForInput("n", t.int())).toEqualTypeOf<NodeRef<number>>();
      return r;
    });
  });
});
