/*
 * Every package Flyte's Python SDK wrote (../shared/fixtures/flytekit-serialized) on a live platform: registered
 * through the real CLI (`aloft register files`), then every launch plan launched with inputs that satisfy it. The
 * fixtures hold flytekit tasks only (python-task, flytekit's `sqlite` and `container_array` types, an object-store
 * sensor); none is a raw container. Their containers run `pyflyte-*`, which this machine does not have: each
 * execution must reach FAILED on its own with an error naming the missing program, with node and task execution
 * records for the node that failed.
 */
import { join } from "node:path";
import { literalMapFromJs, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { NodeExecution } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType, type WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { findSharedFixtures, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAloft } from "../run-aloft.test-helper.js";
import { type LivePlatform, startLivePlatform } from "./live-platform.test-helper.js";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const fixtures = findSharedFixtures();
const packagesDir = fixtures === undefined ? "" : join(fixtures, "flytekit-serialized");

/** One launch plan of a fixture package, the inputs it gets, and how its execution must fail. */
interface FixtureLaunch {
  fixture: string;
  launchPlan: string;
  inputs: Record<string, unknown>;
  /** The unique id of the task node that fails (nested nodes: `<parent>-<attempt>-<child>`, as admin names them). */
  failingNode: string;
  /** The error code of its task execution, and what the message must say. */
  code: string;
  message: string;
}

const CORE = "flytesnacks-core.tgz";
const FAST = "program [pyflyte-fast-execute] not found";
const EXECUTE = "program [pyflyte-execute] not found";
const MAP_EXECUTE = "program [pyflyte-map-execute] not found";

const programNotFound = (
  fixture: string,
  launchPlan: string,
  inputs: Record<string, unknown>,
  failingNode: string,
  message: string,
): FixtureLaunch => ({
  fixture,
  launchPlan,
  inputs,
  failingNode,
  code: "ProgramNotFound",
  message,
});

const LAUNCHES: FixtureLaunch[] = [
  programNotFound(CORE, "core.control_flow.dynamics.wf", { s1: "Pear", s2: "Earth" }, "n0", FAST),
  programNotFound(CORE, "core.control_flow.map_task.my_map_workflow", { a: [1, 2, 3] }, "n0", MAP_EXECUTE),
  programNotFound(
    CORE,
    "core.control_flow.run_merge_sort.merge_sort",
    { numbers: [5, 3, 9, 1], numbers_count: 4 },
    "n0-0-n0-n0",
    FAST,
  ),
  programNotFound(CORE, "core.control_flow.subworkflows.my_subwf", {}, "n0", FAST),
  programNotFound(CORE, "core.control_flow.subworkflows.parent_wf", { a: 3 }, "node-t1-parent", FAST),
  programNotFound(CORE, "core.control_flow.subworkflows.nested_parent_wf", { a: 3 }, "n0-0-n0", FAST),
  {
    fixture: CORE,
    launchPlan: "core.extend_flyte.custom_task_plugin.my_workflow",
    inputs: { path: "s3://my-s3-bucket/file.txt" },
    failingNode: "n0",
    // An object-store sensor has no container: Flyte runs it in an agent, which Aloft does not have.
    code: "BadTaskSpecification",
    message: "runs container tasks",
  },
  programNotFound(CORE, "core.extend_flyte.run_custom_types.wf", {}, "n0", FAST),
  programNotFound(CORE, "core.extend_flyte.sql.wf", {}, "n0", EXECUTE),
  programNotFound(CORE, "core.extend_flyte.sql.query_wf", {}, "n0", EXECUTE),
  programNotFound(CORE, "core.flyte_basics.basic_workflow.my_wf", { a: 3, b: "hello" }, "n0", FAST),
  programNotFound(
    CORE,
    "core.flyte_basics.files.rotate_one_workflow",
    { in_image: "https://upload.wikimedia.org/x.jpg" },
    "n0",
    FAST,
  ),
  programNotFound(CORE, "core.flyte_basics.folders.download_and_rotate", {}, "n0", FAST),
  programNotFound(CORE, "core.flyte_basics.hello_world.my_wf", {}, "n0", FAST),
  programNotFound(CORE, "my.imperative.workflow.example", { in1: "hello", in2: "world" }, "n0", FAST),
  programNotFound(CORE, "core.flyte_basics.lp.my_wf", { val: 3 }, "n0", FAST),
  programNotFound(CORE, "default_4_lp", {}, "n0", FAST),
  programNotFound(CORE, "always_2_lp", {}, "n0", FAST),
  programNotFound(CORE, "core.flyte_basics.lp.go_greet", { day_of_week: "Sunday", number: 5 }, "n0", FAST),
  programNotFound(CORE, "morning_greeting", { day_of_week: "Sunday" }, "n0", FAST),
  programNotFound(CORE, "core.flyte_basics.named_outputs.my_wf", {}, "n0", FAST),
  programNotFound(CORE, "core.type_system.custom_objects.wf", { x: 1, y: 2 }, "n0", FAST),
  programNotFound(CORE, "core.type_system.schema.df_wf", { a: 7 }, "n0", FAST),
  programNotFound(CORE, "core.type_system.typed_schema.wf", {}, "n0", FAST),
  programNotFound("valid-package.tgz", "example.example.wf", {}, "n0", EXECUTE),
  programNotFound("valid-register.tgz", "recipes.core.basic.basic_workflow.my_wf", { a: 3, b: "hello" }, "n0", EXECUTE),
];

let live: LivePlatform;
const executions = new Map<string, Promise<Execution>>();

beforeAll(async () => {
  if (fixtures === undefined) return;
  live = await startLivePlatform();
  for (const fixture of new Set(LAUNCHES.map((l) => l.fixture))) {
    const registered = await runAloft([
      "register",
      "files",
      "--archive",
      join(packagesDir, fixture),
      "-p",
      PROJECT,
      "-d",
      DOMAIN,
      "--version",
      "v1",
      "--admin",
      live.url,
    ]);
    expect([fixture, registered.exitCode, registered.stderr]).toEqual([fixture, 0, ""]);
  }
  // Launched all at once, so the table's rows wait on executions that run side by side.
  for (const launch of LAUNCHES) executions.set(launch.launchPlan, start(launch));
}, 120_000);

afterAll(async () => {
  await live?.dispose();
});

async function start(launch: FixtureLaunch): Promise<Execution> {
  const id = { project: PROJECT, domain: DOMAIN, name: launch.launchPlan, version: "v1" };
  const lp = await live.admin.getLaunchPlan({ id: { ...id, resourceType: ResourceType.LAUNCH_PLAN } });
  const types = Object.fromEntries(
    Object.entries(lp.closure?.expectedInputs?.parameters ?? {}).map(([k, p]) => [k, p.var!.type!]),
  );
  const created = await live.admin.createExecution({
    project: PROJECT,
    domain: DOMAIN,
    spec: { launchPlan: lp.id },
    inputs: literalMapFromJs(launch.inputs, types),
  });
  return waitForTerminal(created.id!);
}

/** Polls admin until the execution is terminal; throws (with its node phases) instead of hanging past 60 s. */
async function waitForTerminal(id: WorkflowExecutionIdentifier): Promise<Execution> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const execution = await live.admin.getExecution({ id });
    if (TERMINAL_WORKFLOW_PHASES.has(execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED)) return execution;
    if (Date.now() > giveUpAt) {
      const nodes = await allNodeExecutions(id);
      const phases = nodes.map((n) => `${n.id?.nodeId}: ${NodeExecution_Phase[n.closure?.phase ?? 0]}`);
      throw new Error(
        `${id.name} is still ${WorkflowExecution_Phase[execution.closure?.phase ?? 0]}: ${phases.join(", ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every node execution of the execution, nested ones (branches, sub-workflows) included. */
async function allNodeExecutions(id: WorkflowExecutionIdentifier, parent?: string): Promise<NodeExecution[]> {
  const listed = await live.admin.listNodeExecutions({
    workflowExecutionId: id,
    limit: 100,
    ...(parent === undefined ? {} : { uniqueParentId: parent }),
  });
  const found: NodeExecution[] = [];
  for (const node of listed.nodeExecutions) {
    found.push(node);
    if (node.metadata?.isParentNode === true) found.push(...(await allNodeExecutions(id, node.id!.nodeId)));
  }
  return found;
}

describe.skipIf(fixtures === undefined)(
  `Flyte's serialized packages on a live platform${fixtures === undefined ? ` (${SHARED_FIXTURES_MISSING})` : ""}`,
  () => {
    it("the table launches every launch plan the packages hold", async () => {
      const listed = await live.admin.listLaunchPlans({ id: { project: PROJECT, domain: DOMAIN }, limit: 200 });
      const registered = listed.launchPlans.map((lp) => lp.id!.name).sort();
      expect(registered).toEqual(LAUNCHES.map((l) => l.launchPlan).sort());
    });

    it.each(LAUNCHES)("$fixture $launchPlan fails at $failingNode: $message", async (launch) => {
      const execution = await executions.get(launch.launchPlan)!;
      expect(WorkflowExecution_Phase[execution.closure!.phase]).toBe("FAILED");
      const error = execution.closure?.outputResult.case === "error" ? execution.closure.outputResult.value : undefined;
      expect(error?.code).toBe(launch.code);
      expect(error?.message).toContain(launch.message);

      const nodes = await allNodeExecutions(execution.id!);
      expect(nodes.find((n) => n.id?.nodeId === "start-node")?.closure?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
      const failed = nodes.find((n) => n.id?.nodeId === launch.failingNode);
      expect(failed, `node ${launch.failingNode} of ${nodes.map((n) => n.id?.nodeId).join(", ")}`).toBeDefined();
      expect(NodeExecution_Phase[failed!.closure!.phase]).toBe("FAILED");

      const tasks = await live.admin.listTaskExecutions({ nodeExecutionId: failed!.id, limit: 10 });
      expect(tasks.taskExecutions.length).toBeGreaterThan(0);
      for (const task of tasks.taskExecutions) {
        expect(TaskExecution_Phase[task.closure!.phase]).toBe("FAILED");
        const taskError = task.closure?.outputResult.case === "error" ? task.closure.outputResult.value : undefined;
        expect([taskError?.code, taskError?.message]).toEqual([launch.code, expect.stringContaining(launch.message)]);
      }
    });
  },
);
