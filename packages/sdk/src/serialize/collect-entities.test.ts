import { describe, expect, test } from "vitest";
import { SETTINGS, exportFrom, thrown } from "../authoring.test-helper.js";
import { defaultLaunchPlan, launchPlan } from "../entities/launch-plan.js";
import { map } from "../entities/map-task.js";
import { task } from "../entities/task.js";
import { workflow } from "../entities/workflow.js";
import { t } from "../types/index.js";
import { conditional, gt } from "../workflow/conditional.js";
import { collectEntities } from "./collect-entities.js";
import { compileEntities } from "./compile-entities.js";

const square = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => x * x);
const negate = task({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => -x);
const notify = task({ inputs: { x: t.int() } }, () => {});
const inner = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) =>
  conditional("sign")
    .if(gt(x, 0), () => square({ x }))
    .else(() => negate({ x })),
);
const child = workflow({ inputs: { xs: t.list(t.int()) }, output: t.list(t.int()) }, ({ xs }) =>
  map(square)({ x: xs }),
);
const childLp = launchPlan(child, { name: "child_lp" });
const outer = workflow({ inputs: { x: t.int() }, output: t.list(t.int()), onFailure: notify }, ({ x }) => {
  const y = inner({ x });
  return childLp({ xs: [y, 2] });
});
exportFrom("examples/collect", { square, negate, notify, inner, child, outer });

describe("collectEntities", () => {
  test("gathers everything reachable, in registration order, with a default launch plan per workflow", () => {
    const c = collectEntities([outer]);
    expect(c.tasks.map((e) => e.name)).toEqual([
      "examples.collect.square",
      "examples.collect.negate",
      expect.stringMatching(/^examples\.collect\.map_square_[0-9a-f]{32}-arraynode$/),
      "examples.collect.notify",
    ]);
    expect(c.workflows.map((e) => e.name)).toEqual([
      "examples.collect.inner",
      "examples.collect.child",
      "examples.collect.outer",
    ]);
    expect(c.launchPlans.map((e) => e.name)).toEqual([
      "examples.collect.inner",
      "examples.collect.child",
      "child_lp",
      "examples.collect.outer",
    ]);
    expect(c.launchPlans[0]).toBe(defaultLaunchPlan(inner));
    expect(c.references).toEqual([]);
  });

  test("can leave default launch plans out", () => {
    expect(collectEntities([outer], { defaultLaunchPlans: false }).launchPlans.map((e) => e.name)).toEqual([
      "child_lp",
    ]);
  });
});

describe("compileEntities", () => {
  test("compiles every task, workflow and launch plan reached with @aloft/compiler", () => {
    const result = compileEntities({ roots: [outer], settings: SETTINGS });
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.value.tasks).toHaveLength(4);
    const closure = result.value.workflows.find((w) => w.entity === outer)?.closure;
    expect(closure?.primary?.template?.nodes.map((n) => n.id)).toEqual(["start-node", "end-node", "n0", "n1"]);
    expect(closure?.subWorkflows.map((s) => s.template?.id?.name)).toEqual(["examples.collect.inner"]);
    expect(closure?.primary?.template?.failureNode?.id).toBe("fn0");
    expect(result.value.launchPlans.map((l) => l.entity.name)).toEqual([
      "examples.collect.inner",
      "examples.collect.child",
      "child_lp",
      "examples.collect.outer",
    ]);
  });

  test("reports problems with where the entity was declared", () => {
    const broken = task({ name: "broken.cpu", requests: { cpu: "lots" } }, () => {});
    exportFrom("examples/broken", { broken });
    const result = compileEntities({ roots: [broken], settings: SETTINGS });
    expect(result.ok ? [] : result.errors).toEqual([
      expect.stringMatching(
        /^packages\/sdk\/src\/serialize\/collect-entities\.test\.ts:\d+:\d+: task broken\.cpu: UnrecognizedValue at node resources\.CPU: Unrecognized value \[lots\]: resource CPU must be a Kubernetes quantity such as 500m or 1Gi\.$/,
      ),
    ]);
  });

  test("refuses what is not an SDK entity", () => {
    expect(thrown(() => collectEntities([{ kind: "task", name: "fake" } as never])).rawMessage).toBe(
      "collectEntities: fake is not an entity of this SDK",
    );
  });
});
