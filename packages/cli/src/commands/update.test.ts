/*
 * `aloft update …` against a live admin holding the demo package (see crud-fixture.test-helper.ts): the diff
 * shown, --dryRun and --force, and admin's state afterwards.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NamedEntityState } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ExecutionState } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { LaunchPlanState } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { MatchableResource } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { Project_ProjectState } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOMAIN,
  entityId,
  launchDemo,
  PROJECT,
  startCrudFixture,
  TARGET,
  WORKFLOW,
  type CrudFixture,
} from "../resources/crud-fixture.test-helper.js";

let f: CrudFixture;
beforeAll(async () => {
  f = await startCrudFixture();
  await f.clients.admin.registerProject({ project: { id: "proj", name: "proj", description: "before" } });
});
afterAll(async () => {
  await f?.stop();
});

async function project(id: string) {
  const { projects } = await f.clients.admin.listProjects({ filters: `eq(identifier,${id})` });
  return projects[0]!;
}

describe("aloft update project", () => {
  it("shows the change as a diff, and changes nothing with --dryRun", async () => {
    const run = await f.aloft(["update", "project", "-p", "proj", "--description", "after", "--dryRun"]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(
      [
        "The following changes are to be applied.",
        "--- before",
        "+++ after",
        "@@ -1,4 +1,4 @@",
        "-description: before",
        "+description: after",
        " id: proj",
        " labels: {}",
        " name: proj",
        "skipping UpdateProject request (dryRun)",
        "",
      ].join("\n"),
    );
    expect((await project("proj")).description).toBe("before");
  });

  it("applies the change with --force", async () => {
    const run = await f.aloft([
      "update",
      "project",
      "-p",
      "proj",
      "--description",
      "after",
      "--labels",
      "team=ml",
      "--force",
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stdoutLines.at(-1)).toBe("project proj updated");
    const updated = await project("proj");
    expect([updated.description, updated.name, updated.labels?.values]).toEqual(["after", "proj", { team: "ml" }]);
    const again = await f.aloft(["update", "project", "-p", "proj", "--description", "after", "--force"]);
    expect([again.exitCode, again.stdout]).toEqual([0, "No changes detected. Skipping the update.\n"]);
  });

  it("archives and activates, from flags or from a file with --archive", async () => {
    const archived = await f.aloft(["update", "project", "--id", "proj", "--archive", "--force", "-o", "json"]);
    expect(archived.exitCode).toBe(0);
    expect(JSON.parse(archived.stdout)).toMatchObject({
      resource: "project proj",
      before: { state: "ACTIVE" },
      after: { state: "ARCHIVED" },
      dryRun: false,
      applied: true,
    });
    expect((await project("proj")).state).toBe(Project_ProjectState.ARCHIVED);
    await writeFile(join(f.work, "proj.yaml"), "id: proj\nstate: 0\nname: renamed\n");
    const fromFile = await f.aloft(["update", "project", "--file", "proj.yaml", "--archive", "--force"]);
    expect(fromFile.exitCode).toBe(0);
    const activated = await project("proj");
    expect([activated.state, activated.name]).toEqual([Project_ProjectState.ACTIVE, "renamed"]);
  });

  it("needs --force when nobody can confirm, and refuses contradictions and unknown projects", async () => {
    if (process.stdin.isTTY !== true) {
      const run = await f.aloft(["update", "project", "-p", "proj", "--description", "unconfirmed"]);
      expect([run.exitCode, run.stderrLines]).toEqual([
        2,
        [
          "aloft: the changes need confirmation, but stdin is not a terminal",
          "hint: pass --force to apply them without asking, or --dryRun to only show them",
        ],
      ]);
      expect((await project("proj")).description).toBe("after");
    }
    const both = await f.aloft(["update", "project", "-p", "proj", "--archive", "--activate"]);
    expect([both.exitCode, both.stderrLines[0]]).toEqual([
      2,
      "aloft: invalid state: pass either --activate or --archive, not both",
    ]);
    const missing = await f.aloft(["update", "project", "-p", "nope", "--description", "x", "--force"]);
    expect([missing.exitCode, missing.stderrLines[0]]).toEqual([
      1,
      "aloft: cannot update project nope: it does not exist",
    ]);
  });
});

describe("aloft update launchplan", () => {
  const id = entityId(ResourceType.LAUNCH_PLAN, WORKFLOW, "v1");

  it("activates and deactivates a version", async () => {
    const dry = await f.aloft([
      "update",
      "launchplan",
      ...TARGET,
      WORKFLOW,
      "--version",
      "v1",
      "--activate",
      "--dryRun",
    ]);
    expect(dry.stdoutLines).toEqual([
      "The following changes are to be applied.",
      "--- before",
      "+++ after",
      "@@ -1 +1 @@",
      "-state: INACTIVE",
      "+state: ACTIVE",
      "skipping LaunchPlanUpdate request (dryRun)",
    ]);
    expect((await f.clients.admin.getLaunchPlan({ id })).closure?.state).toBe(LaunchPlanState.INACTIVE);
    const run = await f.aloft([
      "update",
      "launchplan",
      ...TARGET,
      WORKFLOW,
      "--version",
      "v1",
      "--activate",
      "--force",
    ]);
    expect([run.exitCode, run.stdoutLines.at(-1)]).toEqual([
      0,
      "updated launch plan demo.greet_wf version v1 to ACTIVE",
    ]);
    expect((await f.clients.admin.getLaunchPlan({ id })).closure?.state).toBe(LaunchPlanState.ACTIVE);
    const deprecated = await f.aloft([
      "update",
      "launchplan",
      ...TARGET,
      WORKFLOW,
      "--version",
      "v1",
      "--archive",
      "--force",
    ]);
    expect([deprecated.exitCode, deprecated.stderr]).toEqual([
      0,
      "warning: --archive is deprecated, use --deactivate\n",
    ]);
    expect((await f.clients.admin.getLaunchPlan({ id })).closure?.state).toBe(LaunchPlanState.INACTIVE);
  });

  it("needs a version and a state", async () => {
    const noVersion = await f.aloft(["update", "launchplan", ...TARGET, WORKFLOW, "--activate"]);
    expect([noVersion.exitCode, noVersion.stderrLines[0]]).toEqual([
      2,
      "aloft: update launchplan needs the version: --version <version>",
    ]);
    const noState = await f.aloft(["update", "launchplan", ...TARGET, WORKFLOW, "--version", "v1"]);
    expect([noState.exitCode, noState.stderrLines[0]]).toEqual([
      2,
      "aloft: update launchplan needs the new state: --activate or --deactivate",
    ]);
    const noName = await f.aloft(["update", "launchplan", ...TARGET, "--version", "v1", "--activate"]);
    expect(noName.exitCode).toBe(2);
  });
});

describe("aloft update task-meta, workflow-meta and launchplan-meta", () => {
  it("sets the description and archives, keeping what the flags do not change", async () => {
    const described = await f.aloft([
      "update",
      "workflow-meta",
      ...TARGET,
      WORKFLOW,
      "--description",
      "greets",
      "--force",
    ]);
    expect(described.stdoutLines).toEqual([
      "The following changes are to be applied.",
      "--- before",
      "+++ after",
      "@@ -1 +1 @@",
      '-description: ""',
      "+description: greets",
      "updated metadata successfully on demo.greet_wf",
    ]);
    const archived = await f.aloft(["update", "workflow-meta", ...TARGET, WORKFLOW, "--archive", "--force"]);
    expect(archived.exitCode).toBe(0);
    const entity = await f.clients.admin.getNamedEntity({
      resourceType: ResourceType.WORKFLOW,
      id: { project: PROJECT, domain: DOMAIN, name: WORKFLOW },
    });
    expect([entity.metadata?.description, entity.metadata?.state]).toEqual([
      "greets",
      NamedEntityState.NAMED_ENTITY_ARCHIVED,
    ]);
    const task = await f.aloft([
      "update",
      "task-meta",
      ...TARGET,
      "demo.greet",
      "--description",
      "a task",
      "--force",
      "-o",
      "yaml",
    ]);
    expect(task.exitCode).toBe(0);
    expect(task.stdout).toContain("applied: true");
    const taskEntity = await f.clients.admin.getNamedEntity({
      resourceType: ResourceType.TASK,
      id: { project: PROJECT, domain: DOMAIN, name: "demo.greet" },
    });
    expect(taskEntity.metadata?.description).toBe("a task");
    const lp = await f.aloft(["update", "launchplan-meta", ...TARGET, WORKFLOW, "--description", "a plan", "--force"]);
    expect(lp.exitCode).toBe(0);
    const nothing = await f.aloft(["update", "launchplan-meta", ...TARGET, WORKFLOW]);
    expect([nothing.exitCode, nothing.stdout]).toEqual([0, "No changes detected. Skipping the update.\n"]);
  });
});

describe("aloft update execution", () => {
  it("archives an execution, hiding it from the list, and activates it again", async () => {
    const id = await launchDemo(f.clients, "to-archive");
    const run = await f.aloft(["update", "execution", ...TARGET, id.name, "--archive", "--force"]);
    expect([run.exitCode, run.stdoutLines.at(-1)]).toEqual([
      0,
      "updated execution to-archive successfully to state EXECUTION_ARCHIVED",
    ]);
    const execution = await f.clients.admin.getExecution({ id });
    expect(execution.closure?.stateChangeDetails?.state).toBe(ExecutionState.EXECUTION_ARCHIVED);
    const listed = await f.aloft(["get", "execution", ...TARGET]);
    expect(listed.stdout).not.toContain("to-archive");
    await f.aloft(["update", "execution", ...TARGET, id.name, "--activate", "--force"]);
    expect((await f.clients.admin.getExecution({ id })).closure?.stateChangeDetails?.state).toBe(
      ExecutionState.EXECUTION_ACTIVE,
    );
    const none = await f.aloft(["update", "execution", ...TARGET, id.name]);
    expect([none.exitCode, none.stderrLines[0]]).toEqual([
      2,
      "aloft: update execution needs the new state: --activate or --archive",
    ]);
  });
});

describe("aloft update <attributes>", () => {
  it("sets attributes from a file after showing the diff; --dryRun leaves them alone", async () => {
    await writeFile(
      join(f.work, "tra.yaml"),
      'domain: development\nproject: flytesnacks\ndefaults:\n  cpu: "1"\n  memory: 150Mi\nlimits:\n  cpu: "2"\n  memory: 450Mi\n',
    );
    const dry = await f.aloft(["update", "task-resource-attribute", "--attrFile", "tra.yaml", "--dryRun"]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdoutLines.slice(0, 4)).toEqual([
      "The following changes are to be applied.",
      "--- before",
      "+++ after",
      "@@ -0,0 +1,6 @@",
    ]);
    expect(dry.stdoutLines.at(-1)).toBe("skipping update request (dryRun)");
    const request = { project: PROJECT, domain: DOMAIN, resourceType: MatchableResource.TASK_RESOURCE };
    await expect(f.clients.admin.getProjectDomainAttributes(request)).rejects.toThrow();

    const run = await f.aloft(["update", "task-resource-attribute", "--attrFile", "tra.yaml", "--force"]);
    expect([run.exitCode, run.stdoutLines.at(-1)]).toEqual([
      0,
      "Updated attributes from project flytesnacks, domain development",
    ]);
    const stored = await f.clients.admin.getProjectDomainAttributes(request);
    expect(stored.attributes?.matchingAttributes?.target).toMatchObject({
      case: "taskResourceAttributes",
      value: { defaults: { cpu: "1", memory: "150Mi" }, limits: { cpu: "2", memory: "450Mi" } },
    });

    await writeFile(
      join(f.work, "tra.yaml"),
      'project: flytesnacks\ndomain: development\ndefaults:\n  cpu: "2"\n  memory: 150Mi\n',
    );
    const change = await f.aloft(["update", "task-resource-attribute", "--attrFile", "tra.yaml", "--force"]);
    expect(change.stdoutLines.slice(1, -1)).toEqual([
      "--- before",
      "+++ after",
      "@@ -1,6 +1,3 @@",
      " defaults:",
      '-  cpu: "1"',
      "-  memory: 150Mi",
      "-limits:",
      '   cpu: "2"',
      "-  memory: 450Mi",
      "+  memory: 150Mi",
    ]);
    const changed = await f.clients.admin.getProjectDomainAttributes(request);
    const value = changed.attributes?.matchingAttributes?.target.value as { defaults?: unknown; limits?: unknown };
    expect([value.defaults, value.limits]).toEqual([expect.objectContaining({ cpu: "2", memory: "150Mi" }), undefined]);
  });

  it("reads flytectl's files: capitalised scope keys, workflow scope, enum numbers", async () => {
    await writeFile(
      join(f.work, "cra.yaml"),
      'Domain: development\nProject: flytesnacks\nWorkflow: demo.greet_wf\nattributes:\n  "foo": "bar"\n  "buzz": "lightyear"\n',
    );
    const cluster = await f.aloft(["update", "cluster-resource-attribute", "--attrFile", "cra.yaml", "--force"]);
    expect([cluster.exitCode, cluster.stdoutLines.at(-1)]).toEqual([
      0,
      "Updated attributes from project flytesnacks, domain development, workflow demo.greet_wf",
    ]);
    const stored = await f.clients.admin.getWorkflowAttributes({
      project: PROJECT,
      domain: DOMAIN,
      workflow: WORKFLOW,
      resourceType: MatchableResource.CLUSTER_RESOURCE,
    });
    expect(stored.attributes?.matchingAttributes?.target.value).toMatchObject({
      attributes: { foo: "bar", buzz: "lightyear" },
    });

    await writeFile(
      join(f.work, "po.yaml"),
      "project: flytesnacks\noverrides:\n  - task_type: python_task\n    plugin_id:\n      - plugin_override1\n    missing_plugin_behavior: 1 # 0 : FAIL , 1: DEFAULT\n",
    );
    const plugin = await f.aloft(["update", "plugin-override", "--attrFile", "po.yaml", "--force"]);
    expect([plugin.exitCode, plugin.stdoutLines.at(-1)]).toEqual([0, "Updated attributes from project flytesnacks"]);
    const got = await f.aloft(["get", "plugin-override", "-p", PROJECT, "-o", "json"]);
    expect(JSON.parse(got.stdout)).toEqual({
      project: PROJECT,
      domain: "",
      overrides: [
        { task_type: "python_task", plugin_id: ["plugin_override1"], missing_plugin_behavior: "USE_DEFAULT" },
      ],
    });

    await writeFile(join(f.work, "wec.yaml"), "project: flytesnacks\ndomain: development\nmax_parallelism: 5\n");
    const wec = await f.aloft([
      "update",
      "workflow-execution-config",
      "--attrFile",
      "wec.yaml",
      "--force",
      "-o",
      "json",
    ]);
    expect(JSON.parse(wec.stdout)).toMatchObject({ before: null, after: { max_parallelism: 5 }, applied: true });
  });

  it("refuses a missing or bad file in one line", async () => {
    const none = await f.aloft(["update", "execution-queue-attribute"]);
    expect([none.exitCode, none.stderrLines[0]]).toEqual([
      2,
      "aloft: update execution-queue-attribute needs --attrFile <file>",
    ]);
    await writeFile(join(f.work, "bad.yaml"), "project: flytesnacks\ntags: [a]\nlabels: x\n");
    const bad = await f.aloft(["update", "execution-queue-attribute", "--attrFile", "bad.yaml", "--force"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderrLines[0]).toMatch(/^aloft: bad\.yaml is not a execution-queue-attribute file: .*"labels"/);
    await writeFile(join(f.work, "noproject.yaml"), "domain: development\nvalue: foo\n");
    const noProject = await f.aloft(["update", "execution-cluster-label", "--attrFile", "noproject.yaml", "--force"]);
    expect([noProject.exitCode, noProject.stderrLines[0]]).toEqual([
      2,
      "aloft: update execution-cluster-label needs a project: -p <project>, or project in the attribute file",
    ]);
  });
});

describe.each([
  ["task-resource-attribute", { defaults: { cpu: "1", memory: "1Gi" }, limits: { cpu: "4" } }],
  ["cluster-resource-attribute", { attributes: { projectQuotaCpu: "8" } }],
  ["execution-queue-attribute", { tags: ["gpu", "spot"] }],
  ["execution-cluster-label", { value: "blue" }],
  [
    "plugin-override",
    { overrides: [{ task_type: "spark", plugin_id: ["spark-x"], missing_plugin_behavior: "USE_DEFAULT" }] },
  ],
  ["workflow-execution-config", { max_parallelism: 7, labels: { values: { team: "ml" } }, overwrite_cache: true }],
])("%s: get → edit → update → delete at a workflow", (kind, body) => {
  it("round-trips the attribute file", async () => {
    const scope = { project: PROJECT, domain: DOMAIN, workflow: "demo.other_wf" };
    const file = `${kind}.yaml`;
    await writeFile(join(f.work, file), JSON.stringify({ ...scope, ...body }));
    const update = await f.aloft(["update", kind, "--attrFile", file, "--force"]);
    expect([update.exitCode, update.stderr]).toEqual([0, ""]);
    const got = await f.aloft(["get", kind, "-p", PROJECT, "-d", DOMAIN, "demo.other_wf", "-o", "json"]);
    expect([got.exitCode, got.stderr]).toEqual([0, ""]);
    expect(JSON.parse(got.stdout)).toEqual({ ...scope, ...body });
    const written = await f.aloft([
      "get",
      kind,
      "-p",
      PROJECT,
      "-d",
      DOMAIN,
      "demo.other_wf",
      "--attrFile",
      `got-${file}`,
    ]);
    expect(written.exitCode).toBe(0);
    const again = await f.aloft(["update", kind, "--attrFile", `got-${file}`, "--force"]);
    expect([again.exitCode, again.stdout]).toEqual([0, "No changes detected. Skipping the update.\n"]);
    const deleted = await f.aloft(["delete", kind, "--attrFile", `got-${file}`]);
    expect(deleted.exitCode).toBe(0);
    // admin answers a workflow's get with the most specific attributes that apply, so what remains (if anything)
    // is inherited from the project and domain, not what was deleted.
    const gone = await f.aloft(["get", kind, "-p", PROJECT, "-d", DOMAIN, "demo.other_wf", "-o", "json"]);
    expect(gone.stdout).not.toBe(got.stdout);
  });
});
