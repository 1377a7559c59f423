/*
 * `aloft delete …` against a live admin holding the demo package (see crud-fixture.test-helper.ts): terminating
 * executions and removing matchable attributes, checked through admin's own answers.
 */
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { MatchableResource } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOMAIN,
  launchDemo,
  PROJECT,
  startCrudFixture,
  TARGET,
  WORKFLOW,
  type CrudFixture,
} from "../resources/crud-fixture.test-helper.js";
import { runAloft } from "../run-aloft.test-helper.js";

let f: CrudFixture;
beforeAll(async () => {
  f = await startCrudFixture();
});
afterAll(async () => {
  await f?.stop();
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function phase(name: string): Promise<WorkflowExecution_Phase | undefined> {
  return (await f.clients.admin.getExecution({ id: { project: PROJECT, domain: DOMAIN, name } })).closure?.phase;
}

describe("aloft delete execution", () => {
  it("terminates executions in order", async () => {
    const a = await launchDemo(f.clients, "term-a");
    const b = await launchDemo(f.clients, "term-b");
    const run = await f.aloft(["delete", "execution", ...TARGET, a.name, b.name]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdoutLines).toEqual(["terminated execution term-a", "terminated execution term-b"]);
    for (const name of [a.name, b.name]) {
      expect([WorkflowExecution_Phase.ABORTING, WorkflowExecution_Phase.ABORTED]).toContain(await phase(name));
    }
    const execution = await f.clients.admin.getExecution({ id: a });
    expect(execution.closure?.outputResult).toMatchObject({
      case: "abortMetadata",
      value: { cause: "terminated with aloft delete execution" },
    });
  });

  it("stops at the first execution admin refuses, reporting those done before it", async () => {
    const c = await launchDemo(f.clients, "term-c");
    const run = await f.aloft(["delete", "executions", ...TARGET, c.name, "nope", "-o", "json"]);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([{ name: "term-c", terminated: true, dryRun: false }]);
    expect(run.stderrLines).toHaveLength(1);
    expect(run.stderrLines[0]).toMatch(/^aloft: cannot terminate execution nope: /);
  });

  it("sends nothing with --dryRun, so needs no admin", async () => {
    const d = await launchDemo(f.clients, "term-d");
    const port = await closedPort();
    const run = await runAloft(["delete", "execution", ...TARGET, d.name, "--dryRun", "--admin", `localhost:${port}`], {
      env: { HOME: f.work },
      cwd: f.work,
    });
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([
      0,
      "skipping TerminateExecution request for term-d (dryRun)\n",
      "",
    ]);
    expect(await phase(d.name)).toBe(WorkflowExecution_Phase.UNDEFINED);
  });

  it("needs at least one name, and a project and domain", async () => {
    expect((await f.aloft(["delete", "execution", ...TARGET])).exitCode).toBe(2);
    const noDomain = await f.aloft(["delete", "execution", "-p", PROJECT, "x"]);
    expect([noDomain.exitCode, noDomain.stderrLines[0]]).toEqual([
      2,
      "aloft: delete execution needs a domain: -d <domain>",
    ]);
  });
});

describe("aloft delete <attributes>", () => {
  const domainAttributes = { project: PROJECT, domain: DOMAIN, resourceType: MatchableResource.EXECUTION_QUEUE };
  const workflowAttributes = {
    project: PROJECT,
    domain: DOMAIN,
    workflow: WORKFLOW,
    resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
  };

  beforeAll(async () => {
    await f.clients.admin.updateProjectDomainAttributes({
      attributes: {
        project: PROJECT,
        domain: DOMAIN,
        matchingAttributes: { target: { case: "executionQueueAttributes", value: { tags: ["gpu"] } } },
      },
    });
    await f.clients.admin.updateWorkflowAttributes({
      attributes: {
        project: PROJECT,
        domain: DOMAIN,
        workflow: WORKFLOW,
        matchingAttributes: { target: { case: "workflowExecutionConfig", value: { maxParallelism: 4 } } },
      },
    });
    await f.clients.admin.updateProjectAttributes({
      attributes: {
        project: PROJECT,
        matchingAttributes: { target: { case: "executionClusterLabel", value: { value: "blue" } } },
      },
    });
  });

  it("removes the attributes of a project and domain; --dryRun leaves them", async () => {
    const dry = await f.aloft(["delete", "execution-queue-attribute", ...TARGET, "--dryRun"]);
    expect([dry.exitCode, dry.stdout]).toEqual([
      0,
      "skipping the delete of the execution queue attributes of project flytesnacks, domain development (dryRun)\n",
    ]);
    await expect(f.clients.admin.getProjectDomainAttributes(domainAttributes)).resolves.toBeDefined();
    const run = await f.aloft(["delete", "execution-queue-attributes", ...TARGET]);
    expect([run.exitCode, run.stdout]).toEqual([
      0,
      "Deleted execution queue attributes from project flytesnacks, domain development\n",
    ]);
    await expect(f.clients.admin.getProjectDomainAttributes(domainAttributes)).rejects.toThrow();
  });

  it("removes a workflow's attributes named in an attribute file", async () => {
    await writeFile(
      join(f.work, "wec.yaml"),
      `project: ${PROJECT}\ndomain: ${DOMAIN}\nworkflow: ${WORKFLOW}\nmax_parallelism: 4\n`,
    );
    const run = await f.aloft(["delete", "workflow-execution-config", "--attrFile", "wec.yaml", "-o", "json"]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      project: PROJECT,
      domain: DOMAIN,
      workflow: WORKFLOW,
      resource: "workflow-execution-config",
      dryRun: false,
      deleted: true,
    });
    await expect(f.clients.admin.getWorkflowAttributes(workflowAttributes)).rejects.toThrow();
  });

  it("removes project-wide attributes with -p alone", async () => {
    const run = await f.aloft(["delete", "execution-cluster-label", "-p", PROJECT]);
    expect([run.exitCode, run.stdout]).toEqual([0, "Deleted execution cluster label from project flytesnacks\n"]);
    await expect(
      f.clients.admin.getProjectAttributes({
        project: PROJECT,
        resourceType: MatchableResource.EXECUTION_CLUSTER_LABEL,
      }),
    ).rejects.toThrow();
  });

  it("needs a project", async () => {
    const run = await f.aloft(["delete", "plugin-override"]);
    expect([run.exitCode, run.stderrLines[0]]).toEqual([
      2,
      "aloft: delete plugin-override needs a project: -p <project>, or project in the attribute file",
    ]);
  });
});
