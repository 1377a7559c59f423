/**
 * flyteadmin's `tests/execution_test.go`, against a running admin over gRPC and REST (protobuf bodies). Executions
 * are raw rows, as the Go harness inserts them.
 */
import { create, equals } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { expect, it } from "vitest";
import { domain, name, project, rejection } from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, type IntegrationAdmin, TRANSPORTS } from "./integration-harness.test-helper.js";

const workflowExecutionId = create(WorkflowExecutionIdentifierSchema, { project, domain, name });

/** `populateWorkflowExecutionsForTestingOnly`: dummy launch plans, workflows, tags and six executions. */
async function populateWorkflowExecutions(admin: IntegrationAdmin): Promise<void> {
  await admin.insertLaunchPlan({ id: 1, project: "project1", domain: "domain1", name: "name1", version: "version1" });
  await admin.insertLaunchPlan({ id: 3, project: "project2", domain: "domain2", name: "name2", version: "version1" });
  const closure = "s3://foo";
  await admin.insertWorkflow({
    id: 2,
    project: "project1",
    domain: "domain1",
    name: "name1",
    version: "version1",
    remoteClosureIdentifier: closure,
  });
  await admin.insertWorkflow({
    id: 4,
    project: "project2",
    domain: "domain2",
    name: "name2",
    version: "version1",
    remoteClosureIdentifier: closure,
  });
  const tag = { project: "project1", domain: "domain1", name: "name1" };
  await admin.insertExecutionTag({ ...tag, key: "key1", value: "value1" });
  await admin.insertExecutionTag({ ...tag, key: "key1", value: "value2" });
  await admin.insertExecutionTag({ ...tag, key: "key2", value: "value2" });
  await admin.insertExecutionTag({ ...tag, key: "key3", value: "value3" });
  // Two executions of the same launch plan and workflow, one of another launch plan, one of another workflow…
  await admin.insertExecution({
    project: "project1",
    domain: "domain1",
    name: "name1",
    phase: "RUNNING",
    launchPlanId: 1,
    workflowId: 2,
  });
  await admin.insertExecution({
    project: "project1",
    domain: "domain1",
    name: "name2",
    phase: "SUCCEEDED",
    launchPlanId: 1,
    workflowId: 2,
  });
  await admin.insertExecution({
    project: "project1",
    domain: "domain1",
    name: "name3",
    phase: "RUNNING",
    launchPlanId: 3,
    workflowId: 2,
  });
  await admin.insertExecution({
    project: "project1",
    domain: "domain1",
    name: "name4",
    phase: "FAILED",
    launchPlanId: 1,
    workflowId: 4,
  });
  // …and two in other project-domain scopes.
  await admin.insertExecution({
    project: "project1",
    domain: "domain2",
    name: "name1",
    phase: "RUNNING",
    launchPlanId: 1,
    workflowId: 2,
  });
  await admin.insertExecution({
    project: "project2",
    domain: "domain2",
    name: "name1",
    phase: "SUCCEEDED",
    launchPlanId: 1,
    workflowId: 2,
  });
}

describeIntegration("flyteadmin integration: executions", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestUpdateWorkflowExecution [${transport}]: RUNNING sets phase and times, SUCCEEDED adds duration and the output URI`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution({ project, domain, name });
      const client = admin().client(transport);

      const beganAtMs = Date.now();
      const beganAt = timestampFromMs(beganAtMs);
      await client.createWorkflowEvent({
        requestId: "request id",
        event: { executionId: workflowExecutionId, phase: WorkflowExecution_Phase.RUNNING, occurredAt: beganAt },
      });
      let execution = await client.getExecution({ id: workflowExecutionId });
      expect(equals(WorkflowExecutionIdentifierSchema, workflowExecutionId, execution.id!)).toBe(true);
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.RUNNING);
      expect(equals(TimestampSchema, beganAt, execution.closure!.startedAt!)).toBe(true);
      expect(equals(TimestampSchema, beganAt, execution.closure!.updatedAt!)).toBe(true);

      const succeededAt = timestampFromMs(beganAtMs + 5 * 60_000);
      const outputUri = "output uri";
      await client.createWorkflowEvent({
        requestId: "request id",
        event: {
          executionId: workflowExecutionId,
          phase: WorkflowExecution_Phase.SUCCEEDED,
          occurredAt: succeededAt,
          outputResult: { case: "outputUri", value: outputUri },
        },
      });
      execution = await client.getExecution({ id: workflowExecutionId });
      expect(equals(WorkflowExecutionIdentifierSchema, workflowExecutionId, execution.id!)).toBe(true);
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
      expect(equals(TimestampSchema, beganAt, execution.closure!.startedAt!)).toBe(true);
      expect(equals(TimestampSchema, succeededAt, execution.closure!.updatedAt!)).toBe(true);
      expect(execution.closure?.duration).toBeDefined();
      expect(execution.closure!.duration!.seconds).toBe(300n);
      const outputs =
        execution.closure?.outputResult.case === "outputs" ? execution.closure.outputResult.value : undefined;
      expect(outputs?.data).toEqual({ case: "uri", value: outputUri });
    });

    it(`TestUpdateWorkflowExecution_InvalidPhaseTransitions [${transport}]: after SUCCEEDED, RUNNING and FAILED are refused and nothing changes`, async () => {
      await admin().truncateAllTables();
      await admin().insertExecution({ project, domain, name });
      const client = admin().client(transport);

      const beganAt = timestampFromMs(Date.now());
      await client.createWorkflowEvent({
        requestId: "request id",
        event: { executionId: workflowExecutionId, phase: WorkflowExecution_Phase.SUCCEEDED, occurredAt: beganAt },
      });
      let execution = await client.getExecution({ id: workflowExecutionId });
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
      expect(equals(TimestampSchema, beganAt, execution.closure!.updatedAt!)).toBe(true);

      for (const phase of [WorkflowExecution_Phase.RUNNING, WorkflowExecution_Phase.FAILED]) {
        await rejection(() =>
          client.createWorkflowEvent({ requestId: "request id", event: { executionId: workflowExecutionId, phase } }),
        );
      }

      execution = await client.getExecution({ id: workflowExecutionId });
      expect(equals(WorkflowExecutionIdentifierSchema, workflowExecutionId, execution.id!)).toBe(true);
      expect(execution.closure?.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
      expect(equals(TimestampSchema, beganAt, execution.closure!.updatedAt!)).toBe(true);
    });

    it(`TestListWorkflowExecutions [${transport}]: 4 of the 6 executions are in project1/domain1`, async () => {
      await admin().truncateAllTables();
      await populateWorkflowExecutions(admin());
      const list = await admin()
        .client(transport)
        .listExecutions({ id: { project: "project1", domain: "domain1" }, limit: 5 });
      expect(list.executions).toHaveLength(4);
    });

    it(`TestListWorkflowExecutionsWithLabels [${transport}]: value_in on tag keys and values joins execution_tags`, async () => {
      await admin().truncateAllTables();
      await populateWorkflowExecutions(admin());
      const client = admin().client(transport);
      const id = { project: "project1", domain: "domain1" };
      const byKey = await client.listExecutions({ id, limit: 5, filters: "value_in(execution_tag.key, key1)" });
      expect(byKey.executions).toHaveLength(2);
      const byValue = await client.listExecutions({ id, limit: 5, filters: "value_in(execution_tag.value, value2)" });
      expect(byValue.executions).toHaveLength(2);
    });

    it(`TestListWorkflowExecutions_Filters [${transport}]: phase filters, launch plan and workflow join filters, contains`, async () => {
      await admin().truncateAllTables();
      await populateWorkflowExecutions(admin());
      const client = admin().client(transport);
      const id = { project: "project1", domain: "domain1" };
      const count = async (filters: string) =>
        (await client.listExecutions({ id, limit: 5, filters })).executions.length;
      expect(await count("eq(phase,RUNNING)")).toBe(2);
      expect(await count("eq(phase,RUNNING)+ne(launch_plan.project, project2)")).toBe(1);
      expect(await count("eq(phase,FAILED)+eq(workflow.domain, domain2)")).toBe(1);
      expect(await count("contains(workflow.name, 1)")).toBe(3);
    });

    it(`TestListWorkflowExecutions_Pagination [${transport}]: limit 3 gives a token, the next page 1 and no token`, async () => {
      await admin().truncateAllTables();
      await populateWorkflowExecutions(admin());
      const client = admin().client(transport);
      const id = { project: "project1", domain: "domain1" };
      const first = await client.listExecutions({ id, limit: 3 });
      expect(first.executions).toHaveLength(3);
      expect(first.token).not.toBe("");
      const second = await client.listExecutions({ id, limit: 3, token: first.token });
      expect(second.executions).toHaveLength(1);
      expect(second.token).toBe("");
    });
  }
});
