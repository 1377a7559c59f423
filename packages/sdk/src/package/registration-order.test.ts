import { describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { exportFrom } from "../authoring.test-helper.js";
import { collectEntities } from "../serialize/collect-entities.js";
import { launchPlan, t, task, workflow } from "../index.js";
import { indexWidth, packageFileName, registrationOrder } from "./registration-order.js";

function fixture() {
  const a = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x);
  const b = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x);
  const inner = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => b({ x }));
  const innerLp = launchPlan(inner, { name: "order.innerLp", defaultInputs: { x: 1 } });
  const outer = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => {
    const y = a({ x });
    const z = inner({ x: y });
    return innerLp({ x: z });
  });
  const nightly = launchPlan(outer, { defaultInputs: { x: 2 } });
  exportFrom("order", { a, b, inner, outer, nightly });
  return { a, b, inner, innerLp, outer, nightly };
}

describe("registrationOrder", () => {
  it("puts everything after what it uses, in creation order, each workflow followed by its default launch plan", () => {
    const { a, b, inner, innerLp, outer, nightly } = fixture();
    // Given in an order unlike creation order: creation order wins, as in flytekit.
    const order = registrationOrder([nightly, outer, inner, b, a]);
    expect(order.map((e) => `${e.kind} ${e.name}`)).toEqual([
      "task order.a",
      "task order.b",
      "workflow order.inner",
      "launch-plan order.inner",
      "launch-plan order.innerLp",
      "workflow order.outer",
      "launch-plan order.outer",
      "launch-plan order.nightly",
    ]);
    expect(order).toContain(innerLp);
  });

  it("reaches the same entities as collectEntities", () => {
    const { outer, nightly } = fixture();
    const order = registrationOrder([nightly, outer]);
    const collected = collectEntities([nightly, outer]);
    expect(new Set(order)).toEqual(new Set([...collected.tasks, ...collected.workflows, ...collected.launchPlans]));
  });

  it("rejects something that is not an entity of the SDK", () => {
    const fake = { kind: "task", name: "fake" } as never;
    expect(() => registrationOrder([fake])).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });
});

describe("packageFileName", () => {
  it("numbers files with as many digits as pyflyte's ceil(log10(count))", () => {
    expect([1, 9, 10, 11, 100, 101, 1000, 1001].map(indexWidth)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
    expect(packageFileName({ index: 0, count: 1, kind: "task", name: "a.b" })).toBe("0_a.b_1.pb");
    expect(packageFileName({ index: 3, count: 11, kind: "workflow", name: "wf" })).toBe("03_wf_2.pb");
    expect(packageFileName({ index: 7, count: 101, kind: "launch-plan", name: "lp" })).toBe("007_lp_3.pb");
  });

  it("rejects a name holding a path separator", () => {
    expect(() => packageFileName({ index: 0, count: 1, kind: "task", name: "a/b" })).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: 'the name "a/b" cannot name a file: it holds a path separator',
      }),
    );
  });
});
