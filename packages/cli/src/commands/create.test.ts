/*
 * `aloft create project` and `aloft create execution` against a live admin holding the demo package (see
 * crud-fixture.test-helper.ts), checked through admin's own answers.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { literalToJs } from "@aloft/idl";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOMAIN,
  launchDemo,
  PROJECT,
  startCrudFixture,
  TARGET,
  type CrudFixture,
} from "../resources/crud-fixture.test-helper.js";

let f: CrudFixture;
beforeAll(async () => {
  f = await startCrudFixture();
});
afterAll(async () => {
  await f?.stop();
});

async function project(id: string) {
  const { projects } = await f.clients.admin.listProjects({ filters: `eq(identifier,${id})` });
  return projects[0];
}

async function executionNames(domain = DOMAIN): Promise<string[]> {
  const { executions } = await f.clients.admin.listExecutions({ id: { project: PROJECT, domain }, limit: 100 });
  return executions.map((e) => e.id?.name ?? "").sort();
}

async function inputsOf(name: string, domain = DOMAIN): Promise<Record<string, unknown>> {
  const data = await f.clients.admin.getExecutionData({ id: { project: PROJECT, domain, name } });
  return Object.fromEntries(
    Object.entries(data.fullInputs?.literals ?? {}).map(([k, v]) => [
      k,
      literalToJs(v, undefined, { durations: "ms" }),
    ]),
  );
}

describe("aloft create project", () => {
  it("registers a project from flags", async () => {
    const run = await f.aloft([
      "create",
      "project",
      "--id",
      "ml",
      "--name",
      "ML",
      "--description",
      "models",
      "--labels",
      "team=ml,tier=1",
      "--labels",
      "env=dev",
    ]);
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, "project ml created\n", ""]);
    const created = await project("ml");
    expect([created?.name, created?.description, created?.labels?.values]).toEqual([
      "ML",
      "models",
      { team: "ml", tier: "1", env: "dev" },
    ]);
  });

  it("registers a project from a YAML file, and reports it as JSON", async () => {
    await writeFile(
      join(f.work, "project.yaml"),
      "id: from-file\nname: from-file\ndescription: written down\nlabels:\n  values:\n    app: flyte\n",
    );
    const run = await f.aloft(["create", "project", "--file", "project.yaml", "-o", "json"]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      project: {
        id: "from-file",
        name: "from-file",
        description: "written down",
        labels: { app: "flyte" },
        state: "ACTIVE",
      },
      dryRun: false,
    });
    expect((await project("from-file"))?.labels?.values).toEqual({ app: "flyte" });
  });

  it("sends nothing with --dryRun", async () => {
    const run = await f.aloft(["create", "project", "--id", "dry", "--name", "dry", "--dryRun"]);
    expect([run.exitCode, run.stdout]).toEqual([0, "skipping RegisterProject request (dryRun)\n"]);
    expect(await project("dry")).toBeUndefined();
  });

  it("refuses bad input in one line", async () => {
    const noName = await f.aloft(["create", "project", "--id", "x"]);
    expect([noName.exitCode, noName.stderrLines[0]]).toEqual([2, "aloft: create project needs a name: --name <name>"]);
    const both = await f.aloft(["create", "project", "--id", "x", "-p", "y", "--name", "x"]);
    expect([both.exitCode, both.stderrLines[0]]).toEqual([
      2,
      "aloft: both a project (-p) and an id (--id or the file's id) are given: pass one",
    ]);
    const badLabels = await f.aloft(["create", "project", "--id", "x", "--name", "x", "--labels", "novalue"]);
    expect(badLabels.exitCode).toBe(2);
    const duplicate = await f.aloft(["create", "project", "--id", "ml", "--name", "ML"]);
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderrLines).toHaveLength(1);
    expect(duplicate.stderrLines[0]).toMatch(/^aloft: cannot create project ml: /);
    await writeFile(join(f.work, "bad-project.yaml"), "id: p\nnmae: typo\n");
    const badFile = await f.aloft(["create", "project", "--file", "bad-project.yaml"]);
    expect(badFile.exitCode).toBe(1);
    expect(badFile.stderrLines[0]).toMatch(/^aloft: bad-project\.yaml is not a project: .*nmae/);
  });
});

describe("aloft create execution", () => {
  it("launches a launch plan from the spec get launchplan --execFile wrote, with edited inputs", async () => {
    const spec = await f.aloft(["get", "launchplan", ...TARGET, "demo.greet_wf", "--latest", "--execFile", "lp.yaml"]);
    expect(spec.exitCode).toBe(0);
    const written = parseYaml(await readFile(join(f.work, "lp.yaml"), "utf8"));
    expect(written).toMatchObject({ workflow: "demo.greet_wf", version: "v2", inputs: { name: "", times: 3 } });
    await writeFile(
      join(f.work, "lp.yaml"),
      "workflow: demo.greet_wf\nversion: v2\ninputs:\n  name: 42\n  times: 5\nenvs:\n  FOO: bar\nkubeServiceAcct: from-file\n",
    );
    const run = await f.aloft([
      "create",
      "execution",
      ...TARGET,
      "--execFile",
      "lp.yaml",
      "named-run",
      "--iamRoleARN",
      "arn:role",
    ]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe('execution identifier project:"flytesnacks" domain:"development" name:"named-run"\n');
    const execution = await f.clients.admin.getExecution({
      id: { project: PROJECT, domain: DOMAIN, name: "named-run" },
    });
    expect(execution.spec?.launchPlan).toMatchObject({
      resourceType: ResourceType.LAUNCH_PLAN,
      name: "demo.greet_wf",
      version: "v2",
    });
    expect(execution.spec?.securityContext?.runAs).toMatchObject({
      k8sServiceAccount: "from-file",
      iamRole: "arn:role",
    });
    expect(execution.spec?.envs?.values.map((kv) => [kv.key, kv.value])).toEqual([["FOO", "bar"]]);
    // 42 was written for a string input: taken as its text, as flytectl does.
    expect(await inputsOf("named-run")).toEqual({ name: "42", times: 5 });
  });

  it("launches a task from its spec, in another domain with --targetDomain, the flag's --version winning, printing JSON", async () => {
    await writeFile(join(f.work, "task.yaml"), "task: demo.greet\nversion: v2\ninputs:\n  name: ada\n  times: 1\n");
    const before = await executionNames("staging");
    const run = await f.aloft([
      "create",
      "execution",
      ...TARGET,
      "--execFile",
      "task.yaml",
      "--targetDomain",
      "staging",
      "--version",
      "v1",
      "--overwriteCache",
      "-o",
      "json",
    ]);
    expect(run.exitCode).toBe(0);
    const id = JSON.parse(run.stdout) as { project: string; domain: string; name: string };
    expect([id.project, id.domain]).toEqual([PROJECT, "staging"]);
    expect(await executionNames("staging")).toEqual([...before, id.name].sort());
    const execution = await f.clients.admin.getExecution({
      id: { project: PROJECT, domain: "staging", name: id.name },
    });
    expect(execution.spec?.launchPlan).toMatchObject({
      resourceType: ResourceType.TASK,
      domain: DOMAIN,
      name: "demo.greet",
      version: "v1",
    });
    expect(execution.spec?.overwriteCache).toBe(true);
    expect(await inputsOf(id.name, "staging")).toEqual({ name: "ada", times: 1 });
  });

  it("checks everything and launches nothing with --dryRun", async () => {
    await writeFile(join(f.work, "dry.yaml"), "task: demo.greet\nversion: v1\ninputs:\n  name: dry\n");
    const before = await executionNames();
    const run = await f.aloft(["create", "execution", ...TARGET, "--execFile", "dry.yaml", "--dryRun"]);
    expect([run.exitCode, run.stdout]).toEqual([0, "skipping CreateExecution request (dryRun)\n"]);
    const yaml = await f.aloft(["create", "execution", ...TARGET, "--execFile", "dry.yaml", "--dryRun", "-o", "yaml"]);
    const request = (
      parseYaml(yaml.stdout) as { request: { spec: { launch_plan: { name: string } }; inputs: unknown } }
    ).request;
    expect(request.spec.launch_plan.name).toBe("demo.greet");
    expect(request.inputs).toMatchObject({ literals: { name: { scalar: { primitive: { string_value: "dry" } } } } });
    const relaunch = await f.aloft(["create", "execution", ...TARGET, "--relaunch", "anything", "--dryRun"]);
    expect([relaunch.exitCode, relaunch.stdout]).toEqual([0, "skipping RelaunchExecution request (dryRun)\n"]);
    expect(await executionNames()).toEqual(before);
  });

  it("relaunches and recovers an execution", async () => {
    const source = await launchDemo(f.clients, "to-relaunch");
    const relaunched = await f.aloft(["create", "execution", ...TARGET, "--relaunch", source.name, "relaunched"]);
    expect([relaunched.exitCode, relaunched.stderr]).toEqual([0, ""]);
    expect(relaunched.stdout).toBe(
      'execution identifier project:"flytesnacks" domain:"development" name:"relaunched"\n',
    );
    expect(await inputsOf("relaunched")).toEqual(await inputsOf(source.name));
    await f.clients.admin.createWorkflowEvent({
      requestId: "fail",
      event: { executionId: source, phase: WorkflowExecution_Phase.RUNNING, occurredAt: { seconds: 1n } },
    });
    await f.clients.admin.createWorkflowEvent({
      requestId: "fail2",
      event: {
        executionId: source,
        phase: WorkflowExecution_Phase.FAILED,
        occurredAt: { seconds: 2n },
        outputResult: { case: "error", value: { code: "x", message: "boom" } },
      },
    });
    const recovered = await f.aloft(["create", "execution", ...TARGET, "--recover", source.name, "recovered"]);
    expect([recovered.exitCode, recovered.stderr]).toEqual([0, ""]);
    const execution = await f.clients.admin.getExecution({
      id: { project: PROJECT, domain: DOMAIN, name: "recovered" },
    });
    expect(execution.spec?.metadata?.referenceExecution?.name).toBe(source.name);
  });

  it("refuses bad specs and inputs in one line, before launching anything", async () => {
    const before = await executionNames();
    const none = await f.aloft(["create", "execution", ...TARGET]);
    expect([none.exitCode, none.stderrLines[0]]).toEqual([
      2,
      "aloft: create execution needs --execFile <spec.yaml>, --relaunch <execution> or --recover <execution>",
    ]);
    const cases: [string, RegExp][] = [
      ["task: demo.greet\nversion: v1\ninputs:\n  times: many\n", /^aloft: bad\.yaml: inputs\.times: expected integer/],
      [
        "task: demo.greet\nversion: v1\ninputs:\n  nope: 1\n",
        /^aloft: bad\.yaml: inputs\.nope: no such variable \(known: name, times\)/,
      ],
      ["task: demo.greet\nversion: v1\ninput:\n  name: x\n", /^aloft: bad\.yaml: input is not an execution spec key/],
      ["task: demo.greet\nworkflow: demo.greet_wf\nversion: v1\n", /must name either a task or a workflow/],
      ["task: demo.greet\n", /^aloft: the execution spec names no version$/],
    ];
    for (const [text, message] of cases) {
      await writeFile(join(f.work, "bad.yaml"), text);
      const run = await f.aloft(["create", "execution", ...TARGET, "--execFile", "bad.yaml"]);
      expect([text, run.exitCode]).toEqual([text, 2]);
      expect(run.stderrLines[0]).toMatch(message);
    }
    await writeFile(join(f.work, "bad.yaml"), "task: demo.greet\nversion: v9\n");
    const missing = await f.aloft(["create", "execution", ...TARGET, "--execFile", "bad.yaml"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderrLines[0]).toMatch(/^aloft: cannot get task demo\.greet version v9: /);
    const absent = await f.aloft(["create", "execution", ...TARGET, "--execFile", "absent.yaml"]);
    expect([absent.exitCode, absent.stderrLines[0]]).toEqual([1, "aloft: cannot read absent.yaml: no such file"]);
    expect(await executionNames()).toEqual(before);
  });
});
