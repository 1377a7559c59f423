import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { executionRow, nodeExecutionRow, taskExecutionRow } from "./rows.test-helper.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const executionId = { project: "project1", domain: "domain1", name: "name1" };
const scope = identifierFilters("ne", executionId);

describeEachDialect("NodeExecutionRepo", (db) => {
  it("creates a node execution and reads it back with has_children (TestCreateNodeExecution)", async () => {
    const { nodeExecutions } = db().repos;
    const id = await nodeExecutions.create(
      nodeExecutionRow({ input_uri: "s3://in", started_at: "2024-05-01T12:00:00.000000Z" }),
    );
    const record = await nodeExecutions.get({ executionId, nodeId: "n0" });
    expect(record).toMatchObject({ id, phase: "RUNNING", input_uri: "s3://in", has_children: false });
    expect(record.started_at).toBe("2024-05-01T12:00:00.000000Z");
    expect(await nodeExecutions.exists({ executionId, nodeId: "n0" })).toBe(true);
    expect(await nodeExecutions.exists({ executionId, nodeId: "n1" })).toBe(false);
    await expect(nodeExecutions.create(nodeExecutionRow())).rejects.toMatchObject({ code: Code.AlreadyExists });
    await expect(nodeExecutions.get({ executionId, nodeId: "n9" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        'missing entity of type node execution with identifier node_id:"n9" execution_id:{project:"project1" domain:"domain1" name:"name1"}',
    });
  });

  it("lists top-level nodes, a node's children, and a task execution's children (TestListNodeExecutionWithParent)", async () => {
    const { nodeExecutions, taskExecutions } = db().repos;
    const parent = await nodeExecutions.create(nodeExecutionRow({ node_id: "parent" }));
    await nodeExecutions.create(nodeExecutionRow({ node_id: "child-1", parent_id: parent }));
    await nodeExecutions.create(nodeExecutionRow({ node_id: "child-2", parent_id: parent }));
    const taskExecution = await taskExecutions.create(taskExecutionRow({ node_id: "parent" }));
    await nodeExecutions.create(
      nodeExecutionRow({ node_id: "dynamic-child", parent_task_execution_id: taskExecution }),
    );

    const ids = async (parentScope: Parameters<typeof nodeExecutions.list>[0]["parent"]) =>
      (await nodeExecutions.list({ filters: scope, limit: 10, ...(parentScope ? { parent: parentScope } : {}) })).map(
        (r) => r.node_id,
      );
    expect(await ids("top-level")).toEqual(["parent"]);
    expect(await ids({ parentId: parent })).toEqual(["child-1", "child-2"]);
    expect(await ids({ parentTaskExecutionId: taskExecution })).toEqual(["dynamic-child"]);
    expect(await ids(undefined)).toEqual(["parent", "child-1", "child-2", "dynamic-child"]);
    const [top] = await nodeExecutions.list({ filters: scope, limit: 10, parent: "top-level" });
    expect(top?.has_children).toBe(true);
    expect((await taskExecutions.findById(taskExecution))?.has_children).toBe(true);
  });

  it("filters on the joined execution", async () => {
    const { nodeExecutions, executions } = db().repos;
    await executions.create(executionRow({ phase: "RUNNING" }));
    await nodeExecutions.create(nodeExecutionRow());
    const list = async (filters: string) =>
      (await nodeExecutions.list({ filters: [...scope, ...parseFilters(filters, "ne")], limit: 10 })).length;
    expect(await list("eq(execution.phase,RUNNING)")).toBe(1);
    expect(await list("eq(execution.phase,FAILED)")).toBe(0);
    expect(await list("eq(phase,RUNNING)+eq(node_id,n0)")).toBe(1);
  });

  it("updates by row id and guards against concurrent phase changes", async () => {
    const { nodeExecutions } = db().repos;
    const id = await nodeExecutions.create(nodeExecutionRow());
    await nodeExecutions.update(id, { phase: "SUCCEEDED", duration: 5_000_000_000 }, { expectPhase: "RUNNING" });
    expect(await nodeExecutions.findById(id)).toMatchObject({ phase: "SUCCEEDED", duration: 5_000_000_000 });
    await expect(nodeExecutions.update(id, { phase: "FAILED" }, { expectPhase: "RUNNING" })).rejects.toMatchObject({
      code: Code.Aborted,
    });
    await expect(nodeExecutions.update(404, { phase: "FAILED" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("records the phase timeline, one row per phase", async () => {
    const { nodeExecutions } = db().repos;
    const event = (phase: string) => ({
      execution_project: "p",
      execution_domain: "d",
      execution_name: "e",
      node_id: "n0",
      phase,
      request_id: `r-${phase}`,
      occurred_at: "2024-05-01T12:00:00.000000Z",
    });
    await nodeExecutions.createEvent(event("QUEUED"));
    await expect(nodeExecutions.createEvent(event("QUEUED"))).rejects.toMatchObject({ code: Code.AlreadyExists });
    await nodeExecutions.createEvents([event("QUEUED"), event("RUNNING"), event("SUCCEEDED")]);
    await nodeExecutions.createEvents([]);
    const phases = await db().database.db.selectFrom("node_execution_events").select("phase").orderBy("id").execute();
    expect(phases.map((row) => row.phase)).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
  });
});
