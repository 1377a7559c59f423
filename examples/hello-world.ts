/**
 * Hello, world: two tasks and a workflow wiring them together.
 *
 *   aloft run examples/hello-world.ts helloWorld --name world --n 3
 */
import { t, task, workflow } from "@aloft/sdk";

/** Greets someone. Named outputs: the body returns an object. */
export const sayHello = task(
  {
    description: "Greets someone by name.",
    inputs: { name: t.string().describe("who to greet") },
    outputs: { greeting: t.string() },
    retries: 2,
    cache: { version: "1" },
  },
  async ({ name }) => ({ greeting: `Hello, ${name}!` }),
);

/** One output (`output:`): the body returns the value itself. `t.int()` and `t.float()` are distinct. */
export const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);

/**
 * The body runs once, when the workflow is defined, on refs: each call adds a node (`n0`, `n1`), and
 * a mistake (an unknown input, a string passed where an int goes) is a type error in the editor.
 */
export const helloWorld = workflow(
  {
    description: "Says hello and squares a number.",
    inputs: { name: t.string().describe("who to greet"), n: t.int().describe("the number to square") },
    outputs: { greeting: t.string(), sq: t.int() },
    defaults: { n: 3 },
  },
  ({ name, n }) => {
    const hello = sayHello({ name });
    const sq = square({ x: n }).withOverrides({ retries: 5 }).after(hello);
    return { greeting: hello.greeting, sq };
  },
);
