import { describe, expect, test } from "vitest";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { SETTINGS, exportFrom, json, siteOf, thrown } from "../authoring.test-helper.js";
import { collectEntities } from "../serialize/collect-entities.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeTask } from "../serialize/serialize-task.js";
import { serializeWorkflow } from "../serialize/serialize-workflow.js";
import { t } from "../types/index.js";
import { referenceLaunchPlan, referenceTask, referenceWorkflow } from "./reference.js";
import { workflow } from "./workflow.js";

const FILE = new URL(import.meta.url).pathname;
const REMOTE = { project: "ml", domain: "production", version: "v3" };

const score = referenceTask({ ...REMOTE, name: "models.score" }, { inputs: { x: t.float() }, output: t.float() });
const retrain = referenceLaunchPlan(
  { ...REMOTE, name: "models.retrain_lp" },
  { inputs: { since: t.datetime() }, outputs: { model: t.string() } },
);
const pipeline = referenceWorkflow(
  { ...REMOTE, name: "models.pipeline" },
  { inputs: { x: t.float() }, output: t.float() },
);

describe("references", () => {
  test("reference tasks and launch plans are called by their own ids, with name-only node metadata", () => {
    const wf = workflow(
      { inputs: { x: t.float(), since: t.datetime() }, outputs: { s: t.float(), m: t.string() } },
      ({ x, since }) => ({
        s: score({ x }),
        m: retrain({ since }).model,
      }),
    );
    exportFrom("examples/refs", { wf });
    const nodes = (json(WorkflowSpecSchema, serializeWorkflow(wf, SETTINGS)) as { template: { nodes: unknown[] } })
      .template.nodes;
    expect(nodes).toEqual([
      {
        id: "n0",
        metadata: { name: "score", retries: {} },
        inputs: [{ var: "x", binding: { promise: { var: "x" } } }],
        taskNode: { referenceId: { resourceType: "TASK", ...REMOTE, name: "models.score" } },
      },
      {
        id: "n1",
        metadata: { name: "retrain_lp", retries: {} },
        inputs: [{ var: "since", binding: { promise: { var: "since" } } }],
        workflowNode: { launchplanRef: { resourceType: "LAUNCH_PLAN", ...REMOTE, name: "models.retrain_lp" } },
      },
    ]);
    // They are registered elsewhere: collected as references, compiled from their declared interfaces.
    const collected = collectEntities([wf]);
    expect(collected.references).toEqual([score, retrain]);
    expect(collected.tasks).toEqual([]);
    const compiled = compileEntities({ roots: [wf], settings: SETTINGS });
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
  });

  test("references are not serialized", () => {
    expect(thrown(() => serializeTask(score, SETTINGS)).rawMessage).toBe(
      "task models.score is a reference to a registered task; it is not serialized",
    );
  });

  test("a reference workflow cannot be a sub-workflow, as in flytekit", () => {
    const e = thrown(() => workflow({ inputs: { x: t.float() }, output: t.float() }, ({ x }) => pipeline({ x }))); // @ref-wf
    expect(e.rawMessage).toBe(
      `${siteOf(FILE, "@ref-wf", "pipeline(")}: reference workflow models.pipeline cannot be called as a sub-workflow ` +
        '(flytekit: "Reference sub-workflows are currently unsupported. Use reference launch plans instead."); call referenceLaunchPlan(...) of it',
    );
  });
});
