import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { fieldFilter, identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { nextPageToken } from "./pagination.js";
import { executionRow, launchPlanRow, workflowRow } from "./rows.test-helper.js";
import { describeEachDialect, type TestDatabase } from "./test-databases.test-helper.js";

/** flyteadmin's `populateWorkflowExecutionsForTestingOnly` (tests/execution_test.go). */
async function populate(t: TestDatabase): Promise<void> {
  const { repos } = t;
  await repos.launchPlans.create(
    launchPlanRow({ project: "project1", domain: "domain1", name: "name1", version: "version1" }),
  );
  await repos.workflows.create(
    workflowRow({ project: "project1", domain: "domain1", name: "name1", version: "version1" }),
  );
  await repos.launchPlans.create(
    launchPlanRow({ project: "project2", domain: "domain2", name: "name2", version: "version1" }),
  );
  await repos.workflows.create(
    workflowRow({ project: "project2", domain: "domain2", name: "name2", version: "version1" }),
  );
  // Row ids: launch plans 1 (project1) and 2 (project2); workflows 1 (name1) and 2 (name2).
  const executions: [string, string, string, string, number, number][] = [
    ["project1", "domain1", "name1", "RUNNING", 1, 1],
    ["project1", "domain1", "name2", "SUCCEEDED", 1, 1],
    ["project1", "domain1", "name3", "RUNNING", 2, 1],
    ["project1", "domain1", "name4", "FAILED", 1, 2],
    ["project1", "domain2", "name1", "RUNNING", 1, 1],
    ["project2", "domain2", "name1", "SUCCEEDED", 1, 1],
  ];
  for (const [project, domain, name, phase, lp, wf] of executions) {
    await repos.executions.create(
      executionRow({
        execution_project: project,
        execution_domain: domain,
        execution_name: name,
        phase,
        launch_plan_id: lp,
        workflow_id: wf,
      }),
      project === "project1" && domain === "domain1" && name === "name1"
        ? [
            { key: "key1", value: "value1" },
            { key: "key1", value: "value2" },
            { key: "key2", value: "value2" },
            { key: "key3", value: "value3" },
          ]
        : [],
    );
  }
}

const scope = identifierFilters("e", { project: "project1", domain: "domain1" });

describeEachDialect("ExecutionRepo", (db) => {
  it("creates an execution with its tags and reads it back", async () => {
    const { executions } = db().repos;
    const id = await executions.create(executionRow(), [
      { key: "team", value: "ml" },
      { key: "legacy-tag", value: "" },
    ]);
    expect(await executions.get({ project: "project1", domain: "domain1", name: "name1" })).toMatchObject({
      id,
      phase: "UNDEFINED",
    });
    expect((await executions.findById(id))?.execution_name).toBe("name1");
    expect(await executions.listTags({ project: "project1", domain: "domain1", name: "name1" })).toEqual([
      { key: "legacy-tag", value: "" },
      { key: "team", value: "ml" },
    ]);
  });

  it("refuses a taken name with AlreadyExists and leaves no tags behind", async () => {
    const { executions } = db().repos;
    await executions.create(executionRow());
    await expect(executions.create(executionRow(), [{ key: "k", value: "v" }])).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
    expect(await executions.listTags({ project: "project1", domain: "domain1", name: "name1" })).toEqual([]);
    await expect(executions.get({ project: "p", domain: "d", name: "zzz" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: 'missing entity of type execution with identifier project:"p" domain:"d" name:"zzz"',
    });
  });

  it("lists a project and domain (TestListWorkflowExecutions)", async () => {
    await populate(db());
    expect(await db().repos.executions.list({ filters: scope, limit: 5 })).toHaveLength(4);
  });

  it("filters on its own columns and on joined launch plans and workflows (TestListWorkflowExecutions_Filters)", async () => {
    await populate(db());
    const { executions } = db().repos;
    const names = async (filters: string) =>
      (await executions.list({ filters: [...scope, ...parseFilters(filters, "e")], limit: 20 }))
        .map((row) => row.execution_name)
        .sort();
    expect(await names("eq(phase,RUNNING)")).toEqual(["name1", "name3"]);
    expect(await names("eq(phase,RUNNING)+ne(launch_plan.project, project2)")).toEqual(["name1"]);
    expect(await names("eq(phase,FAILED)+eq(workflow.domain, domain2)")).toEqual(["name4"]);
    expect(await names("contains(workflow.name, 1)")).toEqual(["name1", "name2", "name3"]);
  });

  it("keeps flyteadmin's tag join: one row per matching tag (TestListWorkflowExecutionsWithLabels)", async () => {
    await populate(db());
    const { executions } = db().repos;
    const byKey = await executions.list({
      filters: [...scope, ...parseFilters("value_in(execution_tag.key, key1)", "e")],
      limit: 20,
    });
    expect(byKey.map((row) => row.execution_name)).toEqual(["name1", "name1"]);
    const byValue = await executions.list({
      filters: [...scope, ...parseFilters("value_in(execution_tag.value, value2)", "e")],
      limit: 20,
    });
    expect(byValue.map((row) => row.execution_name)).toEqual(["name1", "name1"]);
    const byAdminTag = await executions.list({
      filters: [...scope, ...parseFilters("eq(admin_tag.name,key3)", "e")],
      limit: 20,
    });
    expect(byAdminTag.map((row) => row.execution_name)).toEqual(["name1"]);
  });

  it("pages with offset tokens (TestListWorkflowExecutions_Pagination)", async () => {
    await populate(db());
    const { executions } = db().repos;
    const first = await executions.list({ filters: scope, limit: 3 });
    const token = nextPageToken({ offset: 0, limit: 3, returned: first.length });
    expect([first.length, token]).toEqual([3, "3"]);
    const second = await executions.list({ filters: scope, limit: 3, offset: Number(token) });
    expect([second.length, nextPageToken({ offset: 3, limit: 3, returned: second.length })]).toEqual([1, ""]);
    expect(new Set([...first, ...second].map((row) => row.id)).size).toBe(4);
  });

  it("hides archived executions unless a filter names state", async () => {
    const { executions } = db().repos;
    await executions.create(executionRow({ execution_name: "active" }));
    await executions.create(executionRow({ execution_name: "archived", state: 1 }));
    const list = async (extra: string) =>
      (await executions.list({ filters: [...scope, ...parseFilters(extra, "e")], limit: 10 })).map(
        (r) => r.execution_name,
      );
    expect(await list("")).toEqual(["active"]);
    expect(await list("eq(state,1)")).toEqual(["archived"]);
    expect(await list("value_in(state,0;1)")).toEqual(["archived", "active"]);
  });

  it("sorts by a checked column with the row id breaking ties", async () => {
    const { executions } = db().repos;
    for (const [name, at] of [
      ["b", "2024-01-02"],
      ["a", "2024-01-01"],
      ["c", "2024-01-02"],
    ] as const) {
      await executions.create(executionRow({ execution_name: name, execution_created_at: `${at}T00:00:00.000000Z` }));
    }
    const asc = parseSort({ key: "execution_created_at", direction: 1 }, "e");
    const desc = parseSort({ key: "execution_created_at", direction: 0 }, "e");
    const names = async (sort: typeof asc) =>
      (await executions.list({ filters: scope, limit: 10, ...(sort ? { sort } : {}) })).map(
        (row) => row.execution_name,
      );
    expect(await names(asc)).toEqual(["a", "b", "c"]);
    expect(await names(desc)).toEqual(["c", "b", "a"]);
    const since = parseFilters("gte(execution_created_at,2024-01-01T12:00:00Z)", "e");
    expect(
      (await executions.list({ filters: [...scope, ...since], limit: 10 })).map((row) => row.execution_name),
    ).toEqual(["c", "b"]);
  });

  it("counts executions across joins (launch plan concurrency)", async () => {
    await populate(db());
    const filters = [
      fieldFilter({ entity: "l", fn: "eq", field: "project", value: "project1" }),
      fieldFilter({ entity: "l", fn: "eq", field: "name", value: "name1" }),
      fieldFilter({ entity: "e", fn: "value_in", field: "phase", value: ["QUEUED", "RUNNING"] }),
    ];
    expect(await db().repos.executions.count({ filters })).toBe(2);
    expect(await db().repos.executions.count({})).toBe(6);
  });

  it("updates by row id, guarding against a concurrent phase change", async () => {
    const { executions } = db().repos;
    const id = await executions.create(executionRow());
    await executions.update(
      id,
      { phase: "RUNNING", started_at: "2024-05-01T12:00:01.000000Z" },
      { expectPhase: "UNDEFINED" },
    );
    expect(await executions.findById(id)).toMatchObject({
      phase: "RUNNING",
      started_at: "2024-05-01T12:00:01.000000Z",
    });
    await expect(executions.update(id, { phase: "FAILED" }, { expectPhase: "UNDEFINED" })).rejects.toMatchObject({
      code: Code.Aborted,
      rawMessage: `execution ${id} changed concurrently: its phase is no longer UNDEFINED; re-read it and retry`,
    });
    await expect(executions.update(999, { phase: "FAILED" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "missing entity of type execution",
    });
  });
});
