/**
 * flyteadmin's `tests/workflow_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { equals } from "@bufbuild/protobuf";
import { WorkflowListSchema, WorkflowSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  entityVersions,
  identifier,
  insertTasksForTests,
  insertWorkflowsForTests,
  oneNodeWorkflowRequest,
  validTaskRequest,
} from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

describeIntegration("flyteadmin integration: workflows", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestCreateWorkflow [${transport}]: a workflow calling a registered task registers`, async () => {
      await admin().truncateAllTables();
      const client = admin().client(transport);
      const task = validTaskRequest();
      task.id!.project = "admintests";
      task.id!.domain = "development";
      task.id!.name = "simple task";
      await client.createTask(task);

      const id = identifier(ResourceType.WORKFLOW, "admintests", "development", "name", "version");
      await expect(client.createWorkflow(oneNodeWorkflowRequest(id, task.id!, false))).resolves.toBeDefined();
    });
  }

  describe("TestGetWorkflows", () => {
    const nameA = identifier(ResourceType.WORKFLOW, "admintests", "development", "name_a", "123");
    const id = { project: "admintests", domain: "development", name: "name_a" };
    beforeAll(async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
      await insertWorkflowsForTests(admin().grpc);
    });

    for (const transport of TRANSPORTS) {
      it(`TestGetWorkflowGrpc [${transport} client]: GetWorkflow returns the workflow's id`, async () => {
        const workflow = await admin().client(transport).getWorkflow({ id: nameA });
        expect(equals(IdentifierSchema, nameA, workflow.id!)).toBe(true);
      });
    }

    it("TestGetWorkflowHTTP: GET /api/v1/workflows/admintests/development/name_a/123 answers the workflow", async () => {
      const workflow = await admin().httpGet("/api/v1/workflows/admintests/development/name_a/123", WorkflowSchema);
      expect(workflow.id).toMatchObject({
        project: "admintests",
        domain: "development",
        name: "name_a",
        version: "123",
      });
    });

    for (const transport of TRANSPORTS) {
      it(`TestListWorkflowGrpc [${transport} client]: ListWorkflows by name returns the 3 versions`, async () => {
        const workflows = await admin().client(transport).listWorkflows({ id, limit: 20 });
        expect(workflows.workflows).toHaveLength(3);
        for (const workflow of workflows.workflows) {
          expect(workflow.id).toMatchObject(id);
          expect(entityVersions).toContain(workflow.id!.version);
        }
      });
    }

    it("TestListWorkflowHTTP: the REST list by name returns the 3 versions", async () => {
      const list = await admin().httpGet(
        "/api/v1/workflows/admintests/development/name_a?limit=20",
        WorkflowListSchema,
      );
      expect(list.workflows).toHaveLength(3);
      for (const workflow of list.workflows) {
        expect(workflow.id).toMatchObject(id);
        expect(entityVersions).toContain(workflow.id!.version);
      }
    });

    for (const transport of TRANSPORTS) {
      it(`TestListWorkflow_PaginationGrpc [${transport} client]: limit 2 then token "2" returns the last version and no token`, async () => {
        const client = admin().client(transport);
        const first = await client.listWorkflows({ id, limit: 2 });
        expect(first.workflows).toHaveLength(2);
        const firstVersions = first.workflows.map((w) => w.id!.version);
        const second = await client.listWorkflows({ id, limit: 2, token: "2" });
        expect(second.workflows).toHaveLength(1);
        expect(entityVersions).toContain(second.workflows[0]!.id!.version);
        expect(firstVersions).not.toContain(second.workflows[0]!.id!.version);
        expect(second.token).toBe("");
      });
    }

    it("TestListWorkflow_PaginationHTTP: the REST list pages with limit 2 and the returned token", async () => {
      const base = "/api/v1/workflows/admintests/development/name_a?limit=2";
      const first = await admin().httpGet(base, WorkflowListSchema);
      expect(first.workflows).toHaveLength(2);
      const firstVersions = first.workflows.map((w) => w.id!.version);
      const second = await admin().httpGet(`${base}&token=${first.token}`, WorkflowListSchema);
      expect(second.workflows).toHaveLength(1);
      expect(firstVersions).not.toContain(second.workflows[0]!.id!.version);
      expect(second.token).toBe("");
    });

    for (const transport of TRANSPORTS) {
      it(`TestListWorkflow_FiltersGrpc [${transport} client]: eq(version,123) returns exactly name_a/123`, async () => {
        const workflows = await admin().client(transport).listWorkflows({ id, limit: 20, filters: "eq(version,123)" });
        expect(workflows.workflows).toHaveLength(1);
        expect(equals(IdentifierSchema, nameA, workflows.workflows[0]!.id!)).toBe(true);
      });
    }

    it("TestListWorkflow_FiltersHTTP: ?filters=eq(version,123) returns exactly name_a/123", async () => {
      const list = await admin().httpGet(
        "/api/v1/workflows/admintests/development/name_a?limit=20&filters=eq(version,123)",
        WorkflowListSchema,
      );
      expect(list.workflows).toHaveLength(1);
      expect(equals(IdentifierSchema, nameA, list.workflows[0]!.id!)).toBe(true);
    });
  });
});
