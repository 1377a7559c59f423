import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary, toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { beforeAll, describe, expect, test } from "vitest";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { SHARED_FIXTURES_MISSING, findSharedFixtures, makeTempDir } from "@aloft/test-helpers";
import { x as extract } from "tar";
import { exportFrom } from "../authoring.test-helper.js";
import type { EntityBase } from "../entities/entity.js";
import { defaultLaunchPlan, launchPlan } from "../entities/launch-plan.js";
import { map } from "../entities/map-task.js";
import { task } from "../entities/task.js";
import { workflow } from "../entities/workflow.js";
import { t } from "../types/index.js";
import { conditional, lte } from "../workflow/conditional.js";
import { serializeLaunchPlan } from "./serialize-launch-plan.js";
import { serializeTask } from "./serialize-task.js";
import { serializeWorkflow } from "./serialize-workflow.js";
import type { SerializationSettings } from "./serialization-settings.js";

// The flytesnacks "core" package was written by flytekit 0.19 with pyflyte's placeholder ids. The same
// workflows written with this SDK, serialized with the same placeholders, image and environment, must
// give the same protos once the differences between flytekit 0.19 and today's flytekit (which this SDK
// follows) are set aside; `normalize` lists them.
const SETTINGS: SerializationSettings = {
  project: "{{ registration.project }}",
  domain: "{{ registration.domain }}",
  version: "{{ registration.version }}",
  image: "docker.io/evalsocket/flytecookbook:core-v1",
  env: {
    FLYTE_INTERNAL_CONFIGURATION_PATH: "/root/sandbox.config",
    FLYTE_INTERNAL_IMAGE: "docker.io/evalsocket/flytecookbook:core-v1",
  },
};

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Removes what legitimately differs:
 * - the task type (`python-task` vs `ts-task`) and the container args (`pyflyte-execute` vs `aloft-execute`),
 *   compared in their own tests;
 * - the runtime version and flavor (`0.19.1`/`python` vs this SDK's);
 * - `interruptible: false`, which flytekit 0.19 wrote on every task and node and today's flytekit
 *   leaves unset unless asked (except on workflow nodes, which inherit the workflow's default);
 * - task metadata fields newer than 0.19 (`generatesDeck`, `metadata`), node `overrides` (now an empty
 *   `TaskNodeOverrides` on every task node) and the deprecated launch plan `authRole` (0.19 wrote `{}`);
 * - node display names: 0.19 used `flytekit.core.python_function_task.<module>.<task>`, today the last part.
 */
function normalize(value: JsonValue, key = ""): JsonValue {
  if (Array.isArray(value)) return value.map((v) => normalize(v, key));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "interruptible" && v === false) continue;
    if (k === "generatesDeck" || k === "overrides" || k === "authRole") continue;
    if (k === "args" && key === "container") continue;
    if (k === "type" && (v === "python-task" || v === "ts-task")) continue;
    if (key === "runtime" && (k === "version" || k === "flavor")) continue;
    if (k === "metadata" && key === "template" && isObject(v)) {
      const { metadata: _k8s, ...rest } = v;
      out[k] = normalize(rest, k);
      continue;
    }
    if (k === "name" && key === "metadata" && typeof v === "string") {
      out[k] = v.slice(v.lastIndexOf(".") + 1);
      continue;
    }
    out[k] = normalize(v, k);
  }
  return out;
}

const fixtures = new Map<string, JsonValue>();

beforeAll(async () => {
  const shared = findSharedFixtures();
  if (shared === undefined) return;
  const dir = await makeTempDir("aloft-sdk-fixtures-");
  try {
    await extract({ file: join(shared, "flytekit-serialized", "flytesnacks-core.tgz"), cwd: dir.path });
    const folder = join(dir.path, "core", "_pb_output");
    for (const file of readdirSync(folder)) {
      if (!file.endsWith(".pb")) continue;
      const bytes = readFileSync(join(folder, file));
      const name = file.replace(/^\d+_/, "");
      if (file.endsWith("_1.pb")) fixtures.set(name, toJson(TaskSpecSchema, fromBinary(TaskSpecSchema, bytes)));
      else if (file.endsWith("_2.pb"))
        fixtures.set(name, toJson(WorkflowSpecSchema, fromBinary(WorkflowSpecSchema, bytes)));
      else fixtures.set(name, toJson(LaunchPlanSchema, fromBinary(LaunchPlanSchema, bytes)));
    }
  } finally {
    await dir.cleanup();
  }
});

const skip = findSharedFixtures() === undefined;

function expectSame(file: string, entity: EntityBase): void {
  const expected = fixtures.get(file);
  if (expected === undefined) throw new Error(`fixture ${file} missing`);
  const actual =
    entity.kind === "task"
      ? toJson(TaskSpecSchema, serializeTask(entity, SETTINGS))
      : entity.kind === "workflow"
        ? toJson(WorkflowSpecSchema, serializeWorkflow(entity, SETTINGS))
        : toJson(LaunchPlanSchema, serializeLaunchPlan(entity, SETTINGS));
  expect(normalize(actual)).toEqual(normalize(expected));
}

describe.skipIf(skip)("serialization matches flytekit's packages (flytesnacks core)", () => {
  if (skip) test.skip(SHARED_FIXTURES_MISSING, () => {});

  test("hello_world: a task without inputs, its workflow and the default launch plan", () => {
    const say_hello = task({ output: t.string() }, () => "hello world");
    const my_wf = workflow({ output: t.string() }, () => say_hello());
    exportFrom("core/flyte_basics/hello_world", { say_hello, my_wf });
    expectSame("core.flyte_basics.hello_world.say_hello_1.pb", say_hello);
    expectSame("core.flyte_basics.hello_world.my_wf_2.pb", my_wf);
    expectSame("core.flyte_basics.hello_world.my_wf_3.pb", defaultLaunchPlan(my_wf));
  });

  test("basic_workflow: named outputs wired between two tasks, constant workflow outputs", () => {
    const t1 = task({ inputs: { a: t.int() }, outputs: { t1_int_output: t.int(), c: t.string() } }, ({ a }) => ({
      t1_int_output: a + 2,
      c: "world",
    }));
    const t2 = task({ inputs: { a: t.string(), b: t.string() }, output: t.string() }, ({ a, b }) => b + a);
    const my_wf = workflow(
      { inputs: { a: t.int(), b: t.string() }, outputs: { o0: t.int(), o1: t.string() } },
      ({ a, b }) => {
        const x = t1({ a });
        t2({ a: x.c, b });
        // The example returns constants: they become scalar output bindings.
        return { o0: 2000, o1: "Dharamshala" };
      },
    );
    exportFrom("core/flyte_basics/basic_workflow", { t1, t2, my_wf });
    expectSame("core.flyte_basics.basic_workflow.t1_1.pb", t1);
    expectSame("core.flyte_basics.basic_workflow.t2_1.pb", t2);
    expectSame("core.flyte_basics.basic_workflow.my_wf_2.pb", my_wf);
    expectSame("core.flyte_basics.basic_workflow.my_wf_3.pb", defaultLaunchPlan(my_wf));
  });

  test("run_merge_sort: a conditional whose inputs are named after the refs, and a default input", () => {
    const sort_locally = task({ inputs: { numbers: t.list(t.int()) }, output: t.list(t.int()) }, ({ numbers }) =>
      [...numbers].sort((a, b) => a - b),
    );
    const merge_sort_remotely = task(
      { inputs: { numbers: t.list(t.int()), run_local_at_count: t.int() }, output: t.list(t.int()) },
      ({ numbers }) => numbers,
    );
    const merge_sort = workflow(
      {
        inputs: { numbers: t.list(t.int()), numbers_count: t.int(), run_local_at_count: t.int() },
        defaults: { run_local_at_count: 10 },
        output: t.list(t.int()),
      },
      ({ numbers, numbers_count, run_local_at_count }) =>
        conditional("terminal_case")
          .if(lte(numbers_count, run_local_at_count), () => sort_locally({ numbers }))
          .else(() => merge_sort_remotely({ numbers, run_local_at_count })),
    );
    exportFrom("core/control_flow/run_merge_sort", { sort_locally, merge_sort_remotely, merge_sort });
    expectSame("core.control_flow.run_merge_sort.sort_locally_1.pb", sort_locally);
    expectSame("core.control_flow.run_merge_sort.merge_sort_2.pb", merge_sort);
    expectSame("core.control_flow.run_merge_sort.merge_sort_3.pb", defaultLaunchPlan(merge_sort));
  });

  test("subworkflows: embedded templates, sorted and once each, and a renamed node", () => {
    const t1 = task({ inputs: { a: t.int() }, outputs: { t1_int_output: t.int(), c: t.string() } }, ({ a }) => ({
      t1_int_output: a + 2,
      c: "world",
    }));
    const my_subwf = workflow({ inputs: { a: t.int() }, outputs: { o0: t.string(), o1: t.string() } }, ({ a }) => {
      const x = t1({ a });
      const y = t1({ a: x.t1_int_output });
      return { o0: x.c, o1: y.c };
    });
    const parent_wf = workflow(
      { inputs: { a: t.int() }, outputs: { o0: t.int(), o1: t.string(), o2: t.string() } },
      ({ a }) => {
        const x = t1({ a }).withOverrides({ nodeName: "node-t1-parent" });
        const sub = my_subwf({ a: x.t1_int_output });
        return { o0: x.t1_int_output, o1: sub.o0, o2: sub.o1 };
      },
    );
    const nested_parent_wf = workflow(
      { inputs: { a: t.int() }, outputs: { o0: t.int(), o1: t.string(), o2: t.string(), o3: t.string() } },
      ({ a }) => {
        const xy = my_subwf({ a });
        const mno = parent_wf({ a });
        return { o0: mno.o0, o1: mno.o1, o2: mno.o2, o3: xy.o1 };
      },
    );
    exportFrom("core/control_flow/subworkflows", { t1, my_subwf, parent_wf, nested_parent_wf });
    expectSame("core.control_flow.subworkflows.t1_1.pb", t1);
    expectSame("core.control_flow.subworkflows.my_subwf_2.pb", my_subwf);
    expectSame("core.control_flow.subworkflows.parent_wf_2.pb", parent_wf);
    expectSame("core.control_flow.subworkflows.nested_parent_wf_2.pb", nested_parent_wf);
    expectSame("core.control_flow.subworkflows.nested_parent_wf_3.pb", defaultLaunchPlan(nested_parent_wf));
  });

  test("map_task: the mapped task's list interface and task_type_version (0.19 ran it as a container_array)", () => {
    const a_mappable_task = task({ inputs: { a: t.int() }, output: t.string() }, ({ a }) => String(a + 2));
    exportFrom("core/control_flow/map_task", { a_mappable_task });
    expectSame("core.control_flow.map_task.a_mappable_task_1.pb", a_mappable_task);
    const legacy = fixtures.get("core.control_flow.map_task.mapper_a_mappable_task_0_1.pb") as {
      template: Record<string, unknown>;
    };
    const mapped = toJson(TaskSpecSchema, serializeTask(map(a_mappable_task), SETTINGS)) as {
      template: Record<string, unknown>;
    };
    expect(mapped.template["interface"]).toEqual(legacy.template["interface"]);
    expect(mapped.template["taskTypeVersion"]).toEqual(legacy.template["taskTypeVersion"]);
  });

  test("lp: named launch plans with default and fixed inputs, and workflow defaults", () => {
    const square = task({ inputs: { val: t.int() }, output: t.int() }, ({ val }) => val * val);
    const my_wf = workflow({ inputs: { val: t.int() }, output: t.int() }, ({ val }) => square({ val }));
    const greet = task(
      { inputs: { day_of_week: t.string(), number: t.int(), am: t.boolean() }, output: t.string() },
      ({ day_of_week }) => day_of_week,
    );
    const go_greet = workflow(
      {
        inputs: { day_of_week: t.string(), number: t.int(), am: t.boolean() },
        defaults: { am: false },
        output: t.string(),
      },
      ({ day_of_week, number, am }) => greet({ day_of_week, number, am }),
    );
    const default_4 = launchPlan(my_wf, { name: "default_4_lp", defaultInputs: { val: 4 } });
    // (The example's "always_2_lp" fixes 4.)
    const always_2 = launchPlan(my_wf, { name: "always_2_lp", fixedInputs: { val: 4 } });
    const morning = launchPlan(go_greet, {
      name: "morning_greeting",
      fixedInputs: { am: true },
      defaultInputs: { number: 1 },
    });
    exportFrom("core/flyte_basics/lp", { square, my_wf, greet, go_greet });
    expectSame("core.flyte_basics.lp.square_1.pb", square);
    expectSame("core.flyte_basics.lp.my_wf_2.pb", my_wf);
    expectSame("core.flyte_basics.lp.my_wf_3.pb", defaultLaunchPlan(my_wf));
    expectSame("default_4_lp_3.pb", default_4);
    expectSame("always_2_lp_3.pb", always_2);
    expectSame("core.flyte_basics.lp.greet_1.pb", greet);
    expectSame("core.flyte_basics.lp.go_greet_2.pb", go_greet);
    expectSame("core.flyte_basics.lp.go_greet_3.pb", defaultLaunchPlan(go_greet));
    expectSame("morning_greeting_3.pb", morning);
  });
});
