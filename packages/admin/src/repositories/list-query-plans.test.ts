import { type CompiledQuery, type KyselyPlugin, sql } from "kysely";
import { DIALECTS } from "@aloft/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepositories, type Repositories } from "./create-repositories.js";
import { fieldFilter, identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { openTestDatabase, type TestDatabase } from "./test-databases.test-helper.js";

const postgres = DIALECTS.find((dialect) => dialect.name === "postgres");

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

function scansOf(plan: PlanNode): string[] {
  const here = plan["Relation Name"] === undefined ? [] : [`${plan["Node Type"]} on ${plan["Relation Name"]}`];
  return [...here, ...(plan.Plans ?? []).flatMap(scansOf)];
}

/** A test database and repositories over it that record every query they send, to EXPLAIN exactly those. */
async function openCapturing(dialect: "sqlite" | "postgres") {
  const t = await openTestDatabase(dialect);
  const db = t.database.db;
  const captured: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery: (args) => {
      captured.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  const repos = createRepositories({ db: db.withPlugin(capture), capabilities: t.database.capabilities });
  return { t, repos, captured };
}

describe.skipIf(postgres?.skip !== undefined)(
  `hot list queries use indexes [postgres]${postgres?.skip === undefined ? "" : ` (skipped: ${postgres.skip})`}`,
  () => {
    let t: TestDatabase;
    let repos: Repositories;
    let captured: CompiledQuery[];

    beforeAll(async () => {
      ({ t, repos, captured } = await openCapturing("postgres"));
      const db = t.database.db;
      await sql`
        INSERT INTO executions (execution_project, execution_domain, execution_name, phase, closure, spec,
          execution_created_at, created_at, updated_at, launch_plan_id, workflow_id)
        SELECT 'project' || (i % 100), 'development', 'e' || i,
          (ARRAY['RUNNING','SUCCEEDED','FAILED','QUEUED'])[1 + i % 4], '\\x00', '\\x00',
          now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval, now(), 1 + i % 50, 1 + i % 50
        FROM generate_series(1, 20000) AS i`.execute(db);
      await sql`
        INSERT INTO node_executions (execution_project, execution_domain, execution_name, node_id, phase, closure,
          parent_id, created_at, updated_at)
        SELECT 'project' || (i % 100), 'development', 'e' || (i / 10), 'n' || (i % 10), 'RUNNING', '\\x00',
          NULL, now(), now()
        FROM generate_series(1, 20000) AS i`.execute(db);
      await sql`
        INSERT INTO task_executions (project, domain, name, version, execution_project, execution_domain, execution_name,
          node_id, retry_attempt, phase, closure, created_at, updated_at)
        SELECT 'project' || (i % 100), 'development', 't', 'v', 'project' || (i % 100), 'development', 'e' || (i / 10),
          'n' || (i % 10), 0, 'RUNNING', '\\x00', now(), now()
        FROM generate_series(1, 20000) AS i`.execute(db);
      await sql`
        INSERT INTO tasks (project, domain, name, version, closure, type, created_at, updated_at)
        SELECT 'project' || (i % 100), 'development', 'task' || (i % 20), 'v' || i, '\\x00', 'python-task', now(), now()
        FROM generate_series(1, 20000) AS i`.execute(db);
      await sql`ANALYZE`.execute(db);
    }, 120_000);

    afterAll(async () => {
      await t.close();
    });

    async function plannedScans(run: () => Promise<unknown>): Promise<string[]> {
      captured.length = 0;
      await run();
      const [query] = captured;
      if (query === undefined) throw new Error("no query captured");
      const explained = await t.database.db.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>({
        ...query,
        sql: `EXPLAIN (FORMAT JSON) ${query.sql}`,
      });
      const plan = explained.rows[0]?.["QUERY PLAN"][0]?.Plan;
      if (plan === undefined) throw new Error("no plan");
      return scansOf(plan);
    }

    const sort = parseSort({ key: "created_at", direction: 0 }, "e");
    const scope = identifierFilters("e", { project: "project7", domain: "development" });

    it("lists a project's recent executions through an index", async () => {
      const scans = await plannedScans(() =>
        repos.executions.list({ filters: scope, limit: 20, ...(sort ? { sort } : {}) }),
      );
      expect(scans.filter((scan) => scan.endsWith("on executions"))).not.toContainEqual("Seq Scan on executions");
      expect(scans.some((scan) => /Index|Bitmap/.test(scan))).toBe(true);
    });

    it("filters a project's executions by phase through an index", async () => {
      const filters = [...scope, ...parseFilters("eq(phase,RUNNING)", "e")];
      const scans = await plannedScans(() => repos.executions.list({ filters, limit: 20 }));
      expect(scans).not.toContainEqual("Seq Scan on executions");
    });

    it("lists an execution's top-level nodes and a node's task executions through indexes", async () => {
      const nodeScans = await plannedScans(() =>
        repos.nodeExecutions.list({
          filters: identifierFilters("ne", { project: "project7", domain: "development", name: "e70" }),
          limit: 50,
          parent: "top-level",
        }),
      );
      expect(nodeScans).not.toContainEqual("Seq Scan on node_executions");
      const taskScans = await plannedScans(() =>
        repos.taskExecutions.list({
          filters: [
            ...identifierFilters("te", { project: "project7", domain: "development", name: "e70" }),
            fieldFilter({ entity: "te", fn: "eq", field: "node_id", value: "n7" }),
          ],
          limit: 50,
        }),
      );
      expect(taskScans).not.toContainEqual("Seq Scan on task_executions");
    });

    it("finds the latest versions of a task name through an index", async () => {
      const taskSort = parseSort({ key: "created_at", direction: 0 }, "t");
      const scans = await plannedScans(() =>
        repos.tasks.list({
          filters: identifierFilters("t", { project: "project7", domain: "development", name: "task7" }),
          limit: 20,
          ...(taskSort ? { sort: taskSort } : {}),
        }),
      );
      expect(scans).not.toContainEqual("Seq Scan on tasks");
    });
  },
);

describe("sorted execution lists [sqlite]", () => {
  let t: TestDatabase;
  let repos: Repositories;
  let captured: CompiledQuery[];

  beforeAll(async () => {
    ({ t, repos, captured } = await openCapturing("sqlite"));
    const db = t.database.db;
    // One launch plan run 20,000 times: its executions are most of the table, as on a project's busiest launch plan.
    await sql`
      INSERT INTO launch_plans (project, domain, name, version, spec, closure, workflow_id, state, digest, created_at,
        updated_at)
      VALUES ('project', 'development', 'daily', 'v1', x'00', x'00', 1, 1, x'00', '2024-01-01T00:00:00.000000Z',
        '2024-01-01T00:00:00.000000Z')`.execute(db);
    await sql`
      WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 20000)
      INSERT INTO executions (execution_project, execution_domain, execution_name, phase, closure, spec, created_at,
        updated_at, launch_plan_id)
      SELECT 'project', 'development', 'e' || n, CASE n % 4 WHEN 0 THEN 'RUNNING' ELSE 'SUCCEEDED' END, x'00', x'00',
        strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + n, 'unixepoch') || '.000000Z', '2024-01-01T00:00:00.000000Z', 1
      FROM i`.execute(db);
    await sql`ANALYZE`.execute(db);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** The newest 100 executions matching `filters`, and the steps of the plan SQLite ran them with. */
  async function listNewest(filters: string): Promise<{ names: string[]; steps: string[] }> {
    const sort = parseSort({ key: "created_at", direction: 0 }, "e");
    captured.length = 0;
    const listed = await repos.executions.list({
      filters: [
        ...identifierFilters("e", { project: "project", domain: "development" }),
        ...parseFilters(filters, "e"),
      ],
      limit: 100,
      ...(sort ? { sort } : {}),
    });
    const [query] = captured;
    const plan = await t.database.db.executeQuery<{ detail: string }>({
      ...query!,
      sql: `EXPLAIN QUERY PLAN ${query!.sql}`,
    });
    return { names: listed.map((row) => row.execution_name), steps: plan.rows.map((row) => row.detail) };
  }

  it("walks a sorted index instead of sorting every execution of the launch plan", async () => {
    const { names, steps } = await listNewest("eq(phase,SUCCEEDED)+eq(launch_plan.name,daily)");
    expect(names).toHaveLength(100);
    expect(names[0]).toBe("e19999");
    expect(steps.some((step) => /executions_project_domain_(phase_)?created_at_idx/.test(step))).toBe(true);
    expect(steps).not.toContainEqual(expect.stringContaining("TEMP B-TREE FOR ORDER BY"));
  });

  it("reads one phase's executions newest first from the phase index, without a sort", async () => {
    const { names, steps } = await listNewest("eq(phase,RUNNING)");
    expect(names.slice(0, 3)).toEqual(["e20000", "e19996", "e19992"]);
    expect(steps.some((step) => step.includes("executions_project_domain_phase_created_at_idx"))).toBe(true);
    expect(steps).not.toContainEqual(expect.stringContaining("TEMP B-TREE FOR ORDER BY"));
  });
});
