/*
 * `aloft get …` against a live admin holding the demo package (see crud-fixture.test-helper.ts): every resource
 * kind, as a table and as JSON/YAML, with filters, paging and the execution-spec and attribute files.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOMAIN,
  launchDemo,
  PROJECT,
  playSuccessfulRun,
  startCrudFixture,
  TARGET,
  type CrudFixture,
} from "../resources/crud-fixture.test-helper.js";
import { runAloft, type AloftRun } from "../run-aloft.test-helper.js";

let f: CrudFixture;
beforeAll(async () => {
  f = await startCrudFixture();
});
afterAll(async () => {
  await f?.stop();
});

/** The table's rows below the header, cells split on runs of 2+ spaces. */
function rows(run: AloftRun): string[][] {
  expect([run.exitCode, run.stderr]).toEqual([0, ""]);
  return run.stdoutLines.slice(1).map((line) => line.split(/ {2,}/));
}

function header(run: AloftRun): string[] {
  return (run.stdoutLines[0] ?? "").split(/ {2,}/);
}

function json(run: AloftRun): unknown {
  expect([run.exitCode, run.stderr]).toEqual([0, ""]);
  return JSON.parse(run.stdout);
}

describe("aloft get project", () => {
  beforeAll(async () => {
    await f.clients.admin.registerProject({
      project: { id: "zeta", name: "zeta", description: "the last one", labels: { values: { team: "z" } } },
    });
  });

  it("lists projects with flytectl's columns, or prints one as JSON", async () => {
    const table = await f.aloft(["get", "project"]);
    expect(header(table)).toEqual(["ID", "NAME", "DESCRIPTION"]);
    expect(
      rows(table)
        .map((r) => r[0])
        .sort(),
    ).toEqual(["flytesnacks", "zeta"]);

    const one = json(await f.aloft(["get", "projects", "zeta", "-o", "json"])) as Record<string, unknown>;
    expect(one).toMatchObject({ id: "zeta", name: "zeta", description: "the last one", state: "ACTIVE" });
    expect(one.labels).toEqual({ values: { team: "z" } });

    const all = json(await f.aloft(["get", "project", "-o", "json"])) as unknown[];
    expect(all).toHaveLength(2);
  });

  it("filters, sorts and pages", async () => {
    const filtered = await f.aloft(["get", "project", "--filter.fieldSelector", "project.name=zeta"]);
    expect(rows(filtered).map((r) => r[0])).toEqual(["zeta"]);
    const byId = ["get", "project", "--filter.sortBy", "identifier", "--filter.asc", "--filter.limit", "1"];
    expect(rows(await f.aloft(byId)).map((r) => r[0])).toEqual(["flytesnacks"]);
    expect(rows(await f.aloft([...byId, "--filter.page", "2"])).map((r) => r[0])).toEqual(["zeta"]);
  });

  it("fails for a project that does not exist", async () => {
    const run = await f.aloft(["get", "project", "nope"]);
    expect([run.exitCode, run.stderrLines]).toEqual([1, ["aloft: project nope not found"]]);
  });
});

describe("aloft get task", () => {
  it("lists every task version, newest first, with flytectl's columns", async () => {
    const run = await f.aloft(["get", "task", ...TARGET]);
    expect(header(run)).toEqual([
      "VERSION",
      "NAME",
      "TYPE",
      "INPUTS",
      "OUTPUTS",
      "DISCOVERABLE",
      "DISCOVERY VERSION",
      "CREATED AT",
    ]);
    const table = rows(run);
    // Each task takes two lines: its inputs are listed one per line.
    expect(table.map((r) => r.slice(0, 6))).toEqual([
      ["v2", "demo.greet", "python-task", "name: who to greet", "o0: the greeting", "true"],
      ["", "times"],
      ["v1", "demo.greet", "python-task", "name: who to greet", "o0: the greeting", "false"],
      ["", "times"],
    ]);
  });

  it("shows one version, the latest, or a page of versions", async () => {
    const version = json(await f.aloft(["get", "task", ...TARGET, "demo.greet", "--version", "v1", "-o", "json"]));
    expect(version).toMatchObject({
      id: { resource_type: "TASK", project: PROJECT, domain: DOMAIN, name: "demo.greet", version: "v1" },
      closure: { compiled_task: { template: { type: "python-task" } } },
    });
    const latest = rows(await f.aloft(["get", "task", ...TARGET, "demo.greet", "--latest"]));
    expect(latest[0]?.slice(0, 2)).toEqual(["v2", "demo.greet"]);
    const page2 = rows(
      await f.aloft(["get", "tasks", ...TARGET, "demo.greet", "--filter.limit", "1", "--filter.page", "2"]),
    );
    expect(page2.map((r) => r[0])).toEqual(["v1", ""]);
    const filtered = json(
      await f.aloft(["get", "task", ...TARGET, "--filter.fieldSelector", "task.version=v2", "-o", "json"]),
    );
    expect(filtered).toMatchObject({ id: { version: "v2" } });
  });

  it("writes an execution spec with --execFile", async () => {
    const run = await f.aloft(["get", "task", ...TARGET, "demo.greet", "--version", "v2", "--execFile", "task.yaml"]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe("wrote the execution spec to task.yaml\n");
    const text = await readFile(join(f.work, "task.yaml"), "utf8");
    expect(parseYaml(text)).toEqual({
      iamRoleARN: "",
      inputs: { name: "", times: 0 },
      envs: {},
      kubeServiceAcct: "",
      targetDomain: "",
      targetProject: "",
      task: "demo.greet",
      version: "v2",
    });
    expect(text).toContain('name: "" # who to greet');
    if (process.stdin.isTTY !== true) {
      const again = await f.aloft(["get", "task", ...TARGET, "demo.greet", "--latest", "--execFile", "task.yaml"]);
      expect([again.exitCode, again.stderrLines[0]]).toEqual([1, "aloft: task.yaml already exists"]);
    }
  });

  it("says what is wrong in one line", async () => {
    const missing = await f.aloft(["get", "task", ...TARGET, "demo.greet", "--version", "v9"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderrLines).toHaveLength(1);
    expect(missing.stderrLines[0]).toMatch(
      /^aloft: cannot get task demo\.greet version v9: missing entity of type TASK/,
    );
    const unknown = await f.aloft(["get", "task", ...TARGET, "nope"]);
    expect(unknown.stderrLines).toEqual(["aloft: no versions of task nope in flytesnacks/development"]);
    const noProject = await f.aloft(["get", "task"]);
    expect([noProject.exitCode, noProject.stderrLines[0]]).toEqual([
      2,
      "aloft: get task needs a project: -p <project>",
    ]);
    const badFormat = await f.aloft(["get", "task", ...TARGET, "-o", "xml"]);
    expect([badFormat.exitCode, badFormat.stderrLines[0]]).toEqual([
      2,
      "aloft: unsupported output format xml: use table, json or yaml",
    ]);
    const badLimit = await f.aloft(["get", "task", ...TARGET, "--filter.limit", "0"]);
    expect(badLimit.exitCode).toBe(2);
    const badSelector = await f.aloft(["get", "task", ...TARGET, "--filter.fieldSelector", "version"]);
    expect([badSelector.exitCode, badSelector.stderrLines[0]]).toEqual([
      2,
      'aloft: invalid field selector "version": no operator; use =, !=, >, >=, <, <=, `contains` or `in (a;b)`',
    ]);
  });
});

describe("aloft get workflow", () => {
  it("lists workflows as named entities, by name", async () => {
    const run = await f.aloft(["get", "workflow", ...TARGET]);
    expect(header(run)).toEqual(["PROJECT", "DOMAIN", "NAME", "DESCRIPTION", "STATE"]);
    expect(rows(run)).toEqual([
      [PROJECT, DOMAIN, "demo.greet_wf", "NAMED_ENTITY_ACTIVE"],
      [PROJECT, DOMAIN, "demo.other_wf", "NAMED_ENTITY_ACTIVE"],
    ]);
  });

  it("lists the versions of one workflow, and shows the latest with its interface", async () => {
    const versions = await f.aloft(["get", "workflow", ...TARGET, "demo.greet_wf"]);
    expect(header(versions)).toEqual(["VERSION", "NAME", "CREATED AT"]);
    expect(rows(versions).map((r) => r.slice(0, 2))).toEqual([
      ["v2", "demo.greet_wf"],
      ["v1", "demo.greet_wf"],
    ]);
    const latest = await f.aloft(["get", "workflow", ...TARGET, "demo.greet_wf", "--latest"]);
    expect(header(latest)).toEqual(["VERSION", "NAME", "INPUTS", "OUTPUTS", "CREATED AT"]);
    expect(rows(latest).map((r) => r.slice(0, 4))).toEqual([
      ["v2", "demo.greet_wf", "name", "o0"],
      ["", "times"],
    ]);
    const yaml = await f.aloft(["get", "workflow", ...TARGET, "demo.greet_wf", "--version", "v1", "-o", "yaml"]);
    expect(yaml.exitCode).toBe(0);
    const workflow = parseYaml(yaml.stdout) as { id: { version: string }; closure: { compiled_workflow: unknown } };
    expect(workflow.id.version).toBe("v1");
    expect(workflow.closure.compiled_workflow).not.toBeNull();
  });
});

describe("aloft get launchplan", () => {
  it("lists launch plans, or only those of one workflow", async () => {
    const all = await f.aloft(["get", "launchplan", ...TARGET]);
    expect(header(all)).toEqual(["VERSION", "NAME", "TYPE", "CREATEDAT"]);
    expect(rows(all)).toHaveLength(4);
    const ofWorkflow = rows(await f.aloft(["get", "launchplans", ...TARGET, "--workflow", "demo.other_wf"]));
    expect(ofWorkflow.map((r) => r.slice(0, 3))).toEqual([
      ["v2", "demo.other_wf", "LAUNCH_PLAN"],
      ["v1", "demo.other_wf", "LAUNCH_PLAN"],
    ]);
    const both = await f.aloft(["get", "launchplan", ...TARGET, "--workflow", "w", "--filter.fieldSelector", "a=b"]);
    expect(both.exitCode).toBe(2);
  });

  it("shows a version with its state and inputs, and writes its execution spec with the defaults", async () => {
    const run = await f.aloft([
      "get",
      "launchplan",
      ...TARGET,
      "demo.greet_wf",
      "--version",
      "v1",
      "--execFile",
      "lp.yaml",
    ]);
    expect(header(run)).toEqual(["VERSION", "NAME", "STATE", "SCHEDULE", "INPUTS", "OUTPUTS"]);
    expect(run.stdoutLines.slice(1).map((l) => l.split(/ {2,}/))).toEqual([
      ["v1", "demo.greet_wf", "INACTIVE", "name: who to greet", "o0"],
      ["", "times"],
    ]);
    expect(parseYaml(await readFile(join(f.work, "lp.yaml"), "utf8"))).toEqual({
      iamRoleARN: "",
      inputs: { name: "", times: 3 },
      envs: {},
      kubeServiceAcct: "",
      targetDomain: "",
      targetProject: "",
      version: "v1",
      workflow: "demo.greet_wf",
    });
  });
});

describe("aloft get execution and node-execution", () => {
  let run1: string;
  beforeAll(async () => {
    const id = await launchDemo(f.clients, "run1");
    run1 = id.name;
    await launchDemo(f.clients, "run2");
    await playSuccessfulRun(f.clients, id);
  });

  it("lists executions with flytectl's columns and filters them by phase", async () => {
    const run = await f.aloft(["get", "execution", ...TARGET]);
    expect(header(run)).toEqual([
      "NAME",
      "LAUNCH PLAN NAME",
      "VERSION",
      "TYPE",
      "PHASE",
      "SCHEDULED TIME",
      "STARTED",
      "ELAPSED TIME",
      "ABORT DATA (TRUNC)",
      "ERROR DATA (TRUNC)",
    ]);
    const table = rows(run);
    expect(table.map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual([
      ["run2", "demo.greet_wf", "v1", "LAUNCH_PLAN", "UNDEFINED"],
      ["run1", "demo.greet_wf", "v1", "LAUNCH_PLAN", "SUCCEEDED"],
    ]);
    expect(table[1]?.[6]).toBe("2.200s");
    const succeeded = await f.aloft([
      "get",
      "executions",
      ...TARGET,
      "--filter.fieldSelector",
      "phase in (SUCCEEDED;FAILED)",
    ]);
    expect(rows(succeeded).map((r) => r[0])).toEqual(["run1"]);
    const paged = await f.aloft(["get", "execution", ...TARGET, "--filter.limit", "1", "--filter.page", "2"]);
    expect(rows(paged).map((r) => r[0])).toEqual(["run1"]);
  });

  it("follows one execution with --watch: at once when it has ended, with its outputs", async () => {
    const watched = await f.aloft(["get", "execution", ...TARGET, run1, "--watch"]);
    expect([watched.exitCode, watched.stderr]).toEqual([0, ""]);
    expect(watched.stdout).toContain("SUCCEEDED");
    const bad = await f.aloft(["get", "execution", ...TARGET, "--watch"]);
    expect([bad.exitCode, bad.stderrLines[0]]).toEqual([2, "aloft: --watch follows one execution: give its name"]);
  });

  it("prints one execution as flyteadmin JSON", async () => {
    const execution = json(await f.aloft(["get", "execution", ...TARGET, run1, "-o", "json"]));
    expect(execution).toMatchObject({
      id: { project: PROJECT, domain: DOMAIN, name: "run1" },
      spec: { launch_plan: { name: "demo.greet_wf", version: "v1" } },
      closure: { phase: "SUCCEEDED" },
    });
  });

  it("shows the node and task executions with --details, as a tree or with inputs and outputs", async () => {
    const tree = await f.aloft(["get", "execution", ...TARGET, run1, "--details"]);
    expect(tree.exitCode).toBe(0);
    const lines = tree.stdoutLines.map((line) => line.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<t>"));
    expect(lines).toEqual([
      "└── n0 - SUCCEEDED - <t> - <t>",
      "    ├── Attempt :0",
      "    │   ├── Task - SUCCEEDED - <t> - <t>",
      "    │   ├── Task Type - python-task",
      "    │   ├── Reason - ",
      "    │   └── Logs :",
      "    │       ├── Name :stdout",
      "    │       └── URI :file:///tmp/n0.log",
      "    └── Outputs :",
      "        └── o0: hello world",
    ]);
    const data = json(await f.aloft(["get", "execution", ...TARGET, run1, "--nodeID", "n0", "-o", "json"]));
    expect(data).toMatchObject([
      {
        node_exec: { id: { node_id: "n0" }, closure: { phase: "SUCCEEDED" } },
        task_execs: [{ id: { retry_attempt: 0 }, closure: { phase: "SUCCEEDED", task_type: "python-task" } }],
        inputs: { name: "world", times: 2 },
        outputs: { o0: "hello world" },
      },
    ]);
    const noNode = await f.aloft(["get", "execution", ...TARGET, run1, "--nodeID", "n9"]);
    expect([noNode.exitCode, noNode.stderrLines]).toEqual([1, ["aloft: execution run1 has no node n9"]]);
    const noName = await f.aloft(["get", "execution", ...TARGET, "--details"]);
    expect(noName.exitCode).toBe(2);
  });

  it("lists the node executions of an execution (an Aloft addition), or shows one", async () => {
    const run = await f.aloft(["get", "node-execution", ...TARGET, "--execution", run1]);
    expect(header(run)).toEqual([
      "NODE ID",
      "EXECUTION",
      "PHASE",
      "STARTED",
      "ELAPSED TIME",
      "PARENT",
      "ERROR DATA (TRUNC)",
    ]);
    expect(rows(run).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([["n0", "run1", "SUCCEEDED", "2s"]]);
    const one = json(await f.aloft(["get", "node-executions", ...TARGET, "n0", "--execution", run1, "-o", "json"]));
    expect(one).toMatchObject({ id: { node_id: "n0", execution_id: { name: "run1" } } });
    const none = await f.aloft(["get", "node-execution", ...TARGET, "--execution", "run2"]);
    expect(rows(none)).toEqual([]);
    const noExecution = await f.aloft(["get", "node-execution", ...TARGET]);
    expect([noExecution.exitCode, noExecution.stderrLines[0]]).toEqual([
      2,
      "aloft: get node-execution needs the execution: --execution <name>",
    ]);
  });

  it("fails in one line for an execution that does not exist", async () => {
    const run = await f.aloft(["get", "execution", ...TARGET, "nope"]);
    expect(run.exitCode).toBe(1);
    expect(run.stderrLines).toHaveLength(1);
    expect(run.stderrLines[0]).toMatch(/^aloft: cannot get execution nope: /);
  });
});

describe("aloft get <attributes>", () => {
  beforeAll(async () => {
    await f.clients.admin.updateProjectDomainAttributes({
      attributes: {
        project: PROJECT,
        domain: DOMAIN,
        matchingAttributes: {
          target: {
            case: "taskResourceAttributes",
            value: { defaults: { cpu: "1", memory: "150Mi" }, limits: { cpu: "2", memory: "450Mi" } },
          },
        },
      },
    });
    await f.clients.admin.updateProjectAttributes({
      attributes: {
        project: PROJECT,
        matchingAttributes: { target: { case: "executionQueueAttributes", value: { tags: ["gpu", "fast"] } } },
      },
    });
  });

  it("prints the attributes set for a project and domain as a table of fields, JSON or YAML", async () => {
    const table = await f.aloft(["get", "task-resource-attribute", ...TARGET]);
    expect(header(table)).toEqual(["ATTRIBUTE", "VALUE"]);
    expect(rows(table)).toEqual([
      ["project", PROJECT],
      ["domain", DOMAIN],
      ["defaults.cpu", "1"],
      ["defaults.memory", "150Mi"],
      ["limits.cpu", "2"],
      ["limits.memory", "450Mi"],
    ]);
    expect(json(await f.aloft(["get", "task-resource-attributes", ...TARGET, "-o", "json"]))).toEqual({
      project: PROJECT,
      domain: DOMAIN,
      defaults: { cpu: "1", memory: "150Mi" },
      limits: { cpu: "2", memory: "450Mi" },
    });
    const projectWide = await f.aloft(["get", "execution-queue-attribute", "-p", PROJECT, "-o", "yaml"]);
    expect(parseYaml(projectWide.stdout)).toEqual({ project: PROJECT, domain: "", tags: ["gpu", "fast"] });
  });

  it("writes an editable attribute file with --attrFile", async () => {
    const run = await f.aloft(["get", "task-resource-attribute", ...TARGET, "--attrFile", "tra.yaml"]);
    expect([run.exitCode, run.stdout]).toEqual([0, "wrote the config to file tra.yaml\n"]);
    expect(await readFile(join(f.work, "tra.yaml"), "utf8")).toBe(
      'project: flytesnacks\ndomain: development\ndefaults:\n  cpu: "1"\n  memory: 150Mi\nlimits:\n  cpu: "2"\n  memory: 450Mi\n',
    );
  });

  it("fails when nothing is set there, except for a sample workflow execution config with --gen", async () => {
    const workflow = await f.aloft(["get", "plugin-override", ...TARGET, "demo.greet_wf"]);
    expect([workflow.exitCode, workflow.stderrLines]).toEqual([
      1,
      [
        "aloft: no plugin overrides set for project flytesnacks, domain development, workflow demo.greet_wf",
        "hint: set them with aloft update plugin-override --attrFile <file>",
      ],
    ]);
    await writeFile(join(f.work, "wec.yaml"), "old\n");
    const sample = await f.aloft(["get", "workflow-execution-config", ...TARGET, "--gen", "-o", "json"]);
    expect(sample.exitCode).toBe(0);
    expect(JSON.parse(sample.stdout)).toEqual({
      project: PROJECT,
      domain: DOMAIN,
      max_parallelism: 10,
      security_context: { run_as: { k8s_service_account: "default" } },
      raw_output_data_config: { output_location_prefix: "cliOutputLocationPrefix" },
      labels: { values: { cliLabelKey: "cliLabelValue" } },
      annotations: { values: { cliAnnotationKey: "cliAnnotationValue" } },
    });
    const noProject = await f.aloft(["get", "cluster-resource-attribute"]);
    expect(noProject.exitCode).toBe(2);
    const workflowWithoutDomain = await f.aloft(["get", "cluster-resource-attribute", "-p", PROJECT, "wf"]);
    expect(workflowWithoutDomain.stderrLines[0]).toBe(
      "aloft: get cluster-resource-attribute needs a domain for workflow wf: -d <domain>",
    );
  });
});

describe("aloft get with a config file", () => {
  it("takes admin's endpoint and the project, domain and output format from flytectl's config file", async () => {
    await writeFile(
      join(f.work, "other.yaml"),
      `admin:\n  endpoint: dns:///${f.admin.hostPort}\n  insecure: true\nroot:\n  project: ${PROJECT}\n  domain: ${DOMAIN}\n  output: yaml\n`,
    );
    const run = await runAloft(["get", "launchplan", "demo.other_wf", "--latest", "-c", "other.yaml"], {
      env: { HOME: f.work },
      cwd: f.work,
    });
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(parseYaml(run.stdout)).toMatchObject({ id: { name: "demo.other_wf", version: "v2" } });
    const table = await runAloft(
      ["get", "launchplan", "demo.other_wf", "--latest", "-c", "other.yaml", "-o", "table"],
      {
        env: { HOME: f.work },
        cwd: f.work,
      },
    );
    expect(table.stdoutLines[0]).toMatch(/^VERSION +NAME +STATE/);
  });
});
