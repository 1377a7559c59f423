import { describe, expect, test } from "vitest";
import { INVALID, siteOf, thrown } from "../authoring.test-helper.js";
import { t } from "../types/index.js";
import { conditional, gt } from "../workflow/conditional.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

// Every problem found while a workflow is defined throws InvalidArgument, its message starting with
// the file, line and column of the user's call that caused it.
const FILE = new URL(import.meta.url).pathname;
const at = (marker: string, token: string) => siteOf(FILE, marker, token);

const sayHello = task({ inputs: { name: t.string() }, outputs: { greeting: t.string() } }, ({ name }) => ({
  greeting: name,
}));
const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
const half = task({ inputs: { x: t.float() }, output: t.float() }, ({ x }) => x / 2);
const cpuHog = task({ name: "cpu.hog", requests: { cpu: "lots" }, output: t.int() }, () => 1); // @cpu-hog

describe("definition-time errors name the user's file and line", () => {
  test("a wrongly typed wire", () => {
    const e = thrown(() =>
      workflow({ inputs: { name: t.string() }, output: t.int() }, ({ name }) => {
        const hello = sayHello({ name });
        return square({ x: hello.greeting } as never); // @bad-wire
      }),
    );
    expect(e.code).toBe(INVALID);
    expect(e.rawMessage).toBe(
      `${at("@bad-wire", "square(")}: input "x" of square expects integer, got a string ref from n0.greeting`,
    );
  });

  test("an int output wired to a float input (castability follows Flyte's rules)", () => {
    const e = thrown(
      () => workflow({ inputs: { n: t.int() }, output: t.float() }, ({ n }) => half({ x: square({ x: n }) } as never)), // @int-float
    );
    expect(e.rawMessage).toBe(
      `${at("@int-float", "half(")}: input "x" of half expects float, got a integer ref from n0.o0`,
    );
  });

  test("an unbound input", () => {
    const e = thrown(() => workflow({ output: t.int() }, () => square({} as never))); // @unbound
    expect(e.rawMessage).toBe(`${at("@unbound", "square(")}: input "x" (integer) of square is not bound`);
  });

  test("an unknown input", () => {
    const e = thrown(() => workflow({ output: t.int() }, () => square({ x: 1, y: 2 } as never))); // @unknown
    expect(e.rawMessage).toBe(`${at("@unknown", "square(")}: unknown input "y" of square (it takes x)`);
  });

  test("a constant of the wrong type", () => {
    const e = thrown(() => workflow({ output: t.int() }, () => square({ x: "3" } as never))); // @constant
    expect(e.rawMessage).toBe(`${at("@constant", "square(")}: input "x" of square: expected integer, got "3"`);
  });

  test("a constant of the wrong type inside a list mixing refs", () => {
    const total = task({ inputs: { xs: t.list(t.int()) }, output: t.int() }, ({ xs }) => xs.length);
    const e = thrown(
      () => workflow({ inputs: { a: t.int() }, output: t.int() }, ({ a }) => total({ xs: [a, 1.5] })), // @list
    );
    expect(e.rawMessage).toBe(`${at("@list", "total(")}: input "xs" of total[1]: expected integer, got 1.5`);
  });

  test("a cycle made with after()", () => {
    const e = thrown(() =>
      workflow({ output: t.int() }, () => {
        const a = square({ x: 1 });
        const b = square({ x: a });
        a.after(b); // @cycle
        return b;
      }),
    );
    expect(e.rawMessage).toBe(
      `${at("@cycle", "after(")}: after(): making node n0 (square) run after node n1 (square) creates a cycle: n0 -> n1 -> n0`,
    );
  });

  test("a task called outside a workflow body", () => {
    const e = thrown(() => square({ x: 1 })); // @outside
    expect(e.rawMessage).toBe(
      `${at("@outside", "square(")}: square was called outside a workflow body. Calls only make nodes while a ` +
        "workflow (or dynamic task) is being defined; to run it, use `await run(square, inputs)`",
    );
  });

  test("branches with different outputs", () => {
    const e = thrown(() =>
      workflow(
        { inputs: { x: t.int() }, output: t.int() },
        ({ x }) =>
          conditional("sign")
            .if(gt(x, 0), () => square({ x }))
            .else(() => sayHello({ name: "zero" }) as never), // @branch-outputs
      ),
    );
    expect(e.rawMessage).toBe(
      `${at("@branch-outputs", "sayHello(")}: conditional "sign": every branch must produce the same outputs; ` +
        "square gives o0: integer but sayHello gives greeting: string",
    );
  });

  test("a ref from another workflow's body", () => {
    let stolen: unknown;
    workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
      stolen = x;
      return square({ x });
    });
    const e = thrown(() => workflow({ output: t.int() }, () => square({ x: stolen as never }))); // @stolen
    expect(e.rawMessage).toBe(
      `${at("@stolen", "square(")}: input "x" of square: workflow input x belongs to another workflow body; refs can only be used in the body that made them`,
    );
  });

  test("a ref used as a string", () => {
    const e = thrown(
      () =>
        workflow(
          { inputs: { name: t.string() }, output: t.string() },
          ({ name }) => `Hello ${name as unknown as string}`,
        ), // @template
    );
    expect(e.rawMessage).toBe(
      `${at("@template", "name as unknown")}: workflow input name is a placeholder for a value the workflow produces ` +
        "when it runs; it cannot be used as a string or number while the workflow is defined. Pass it to a task " +
        "instead, or compare it with eq/gt/… in a conditional",
    );
  });

  test("an async body", () => {
    const e = thrown(() => workflow({ output: t.int() }, (async () => square({ x: 1 })) as never)); // @async
    expect(e.rawMessage).toBe(
      `${at("@async", "workflow(")}: the body of workflow declared at ${at("@async", "workflow(")} returned a promise: ` +
        "workflow bodies run once, when the workflow is defined, and only wire calls together, so they must not be async " +
        "(use dynamic() for code that runs at execution time)",
    );
  });

  test("a missing output", () => {
    const e = thrown(
      () => workflow({ outputs: { a: t.int(), b: t.int() } }, () => ({ a: square({ x: 1 }) }) as never), // @missing-output
    );
    expect(e.rawMessage).toBe(
      `${at("@missing-output", "workflow(")}: output "b" of workflow declared at ${at("@missing-output", "workflow(")} is not bound: the body returned nothing for it`,
    );
  });

  test("an unknown output", () => {
    const e = thrown(() =>
      workflow({ name: "wf.unknown.out", outputs: { a: t.int() } }, () => ({ a: 1, z: 2 }) as never),
    ); // @unknown-output
    expect(e.rawMessage).toBe(
      `${at("@unknown-output", "workflow(")}: wf.unknown.out has no output "z" (its outputs are a)`,
    );
  });

  test("a conditional never finished", () => {
    const e = thrown(() =>
      workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
        conditional("open").if(gt(x, 0), () => square({ x })); // @open
        return square({ x });
      }),
    );
    expect(e.rawMessage).toBe(
      `${at("@open", "conditional(")}: conditional "open" is never finished: end it with .else(...) or .fail(...)`,
    );
  });

  test("a node id taken twice", () => {
    const e = thrown(() =>
      workflow({ output: t.int() }, () => {
        square({ x: 1 }).withOverrides({ nodeName: "n1" });
        return square({ x: 2 }); // @dup
      }),
    );
    expect(e.rawMessage).toBe(`${at("@dup", "square(")}: node id "n1" of square is already used by square`);
  });

  test("whatever only the compiler finds is reported after the body, at the declaration it concerns", () => {
    const e = thrown(() => workflow({ output: t.int() }, () => cpuHog())); // @compile
    expect(e.rawMessage).toBe(
      `${at("@compile", "workflow(")}: workflow declared at ${at("@compile", "workflow(")} does not compile:\n` +
        `  ${at("@cpu-hog", "task(")}: task cpu.hog: UnrecognizedValue at node resources.CPU: Unrecognized value [lots]: ` +
        "resource CPU must be a Kubernetes quantity such as 500m or 1Gi.",
    );
  });

  test("compile errors about nodes point at the calls that made them", () => {
    const e = thrown(
      () =>
        workflow({ name: "wf.sentinel", output: t.int() }, () =>
          square({ x: 1 }).withOverrides({ nodeName: "end-node" }),
        ), // @sentinel
    );
    expect(e.rawMessage.split("\n")[0]).toBe(`${at("@sentinel", "workflow(")}: workflow wf.sentinel does not compile:`);
    expect(e.rawMessage).toContain(
      `  ${at("@sentinel", "square(")}: DuplicateId at node end-node: Node id [end-node] is reserved for the compiler's sentinel node. (square)`,
    );
  });

  test("a failure handler that does not take the workflow's inputs", () => {
    const handler = task({ name: "handler", inputs: { y: t.int() } }, () => {});
    const e = thrown(() => workflow({ inputs: { x: t.int() }, onFailure: handler }, () => {})); // @handler
    expect(e.rawMessage).toBe(
      `${at("@handler", "workflow(")}: workflow declared at ${at("@handler", "workflow(")}: the onFailure handler ` +
        'handler must take every input of the workflow, and lacks "x"',
    );
  });
});
