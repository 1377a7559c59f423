import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { executionRow, nodeExecutionRow, taskExecutionRow, taskRow } from "./rows.test-helper.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const executionId = { project: "project1", domain: "domain1", name: "name1" };

describeEachDialect("TaskExecutionRepo", (db) => {
  const key = {
    taskId: { project: "project1", domain: "domain1", name: "task1", version: "v1" },
    nodeExecutionId: { executionId, nodeId: "n0" },
    retryAttempt: 1,
  };

  it("creates attempts and reads them back (TestCreateTaskExecution)", async () => {
    const { taskExecutions } = db().repos;
    const id = await taskExecutions.create(taskExecutionRow({ retry_attempt: 1, input_uri: "s3://in" }));
    expect(await taskExecutions.get(key)).toMatchObject({
      id,
      retry_attempt: 1,
      input_uri: "s3://in",
      has_children: false,
    });
    await expect(taskExecutions.create(taskExecutionRow({ retry_attempt: 1 }))).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
    await expect(taskExecutions.get({ ...key, retryAttempt: 2 })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        'missing entity of type task execution with identifier task_id:{project:"project1" domain:"domain1" name:"task1" version:"v1"} node_execution_id:{node_id:"n0" execution_id:{project:"project1" domain:"domain1" name:"name1"}} retry_attempt:2',
    });
  });

  it("filters on task, node execution and execution joins (TestCreateAndListTaskExecution)", async () => {
    const { taskExecutions, tasks, nodeExecutions, executions } = db().repos;
    await tasks.create(taskRow({ project: "project1", domain: "domain1", name: "task1", version: "v1" }));
    await executions.create(executionRow({ phase: "RUNNING" }));
    await nodeExecutions.create(nodeExecutionRow());
    await taskExecutions.create(taskExecutionRow({ retry_attempt: 0, phase: "FAILED" }));
    await taskExecutions.create(taskExecutionRow({ retry_attempt: 1, phase: "RUNNING" }));
    const nodeScope = [...identifierFilters("te", executionId), ...parseFilters("eq(node_id,n0)", "te")];
    const count = async (filters: string) =>
      (await taskExecutions.list({ filters: [...nodeScope, ...parseFilters(filters, "te")], limit: 10 })).length;
    expect(
      await count(
        "eq(task.project,project1)+eq(task.domain,domain1)+eq(task.name,task1)+eq(task.version,v1)+eq(task_execution.retry_attempt,1)+value_in(phase,RUNNING)",
      ),
    ).toBe(1);
    expect(await count("eq(node_execution.phase,RUNNING)+eq(execution.phase,RUNNING)")).toBe(2);
    expect(await count("eq(execution.phase,SUCCEEDED)")).toBe(0);
    expect((await taskExecutions.list({ filters: nodeScope, limit: 10 })).map((row) => row.retry_attempt)).toEqual([
      0, 1,
    ]);
  });

  it("updates by row id with a phase guard", async () => {
    const { taskExecutions } = db().repos;
    const id = await taskExecutions.create(taskExecutionRow());
    await taskExecutions.update(id, { phase: "SUCCEEDED", phase_version: 2 }, { expectPhase: "RUNNING" });
    expect(await taskExecutions.findById(id)).toMatchObject({ phase: "SUCCEEDED", phase_version: 2 });
    await expect(taskExecutions.update(id, { phase: "FAILED" }, { expectPhase: "RUNNING" })).rejects.toMatchObject({
      code: Code.Aborted,
    });
  });
});
