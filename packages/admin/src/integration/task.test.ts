/**
 * flyteadmin's `tests/task_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { equals } from "@bufbuild/protobuf";
import { NamedEntityIdentifierListSchema, Sort_Direction } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { TaskListSchema, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { IdentifierSchema, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { Code } from "@connectrpc/connect";
import { beforeAll, describe, expect, it } from "vitest";
import {
  entityVersions,
  identifier,
  insertTasksForTests,
  rejection,
  validTaskRequest,
  validTaskRequestWithOverrides,
} from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

describeIntegration("flyteadmin integration: tasks", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestCreateBasic [${transport}]: an empty spec fails, a valid task reads back, re-creating it answers already exists`, async () => {
      await admin().truncateAllTables();
      const client = admin().client(transport);

      const empty = await rejection(() =>
        client.createTask({
          id: identifier(ResourceType.TASK, "admintests", "development", "mytask.name", "jfdklsa"),
        }),
      );
      expect(empty.code).toBe(Code.InvalidArgument);

      const valid = validTaskRequest();
      await client.createTask(valid);
      const task = await client.getTask({ id: valid.id });
      expect(equals(IdentifierSchema, valid.id!, task.id!)).toBe(true);

      const again = await rejection(() => client.createTask(valid));
      expect(again.code).toBe(Code.AlreadyExists);
      expect(again.message).toContain("already exists");
    });

    it(`TestCreateTaskWithoutContainer [${transport}]: a task template without a container is accepted`, async () => {
      const request = validTaskRequest();
      request.id!.version = `TestCreateTaskWithoutContainer-${transport}`;
      request.spec!.template!.target = { case: undefined };
      await expect(admin().client(transport).createTask(request)).resolves.toBeDefined();
    });
  }

  describe("TestGetTasks", () => {
    const nameA = identifier(ResourceType.TASK, "admintests", "development", "name_a", "123");
    beforeAll(async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
    });

    for (const transport of TRANSPORTS) {
      it(`TestGetTaskGrpc [${transport} client]: GetTask returns the task's id`, async () => {
        const task = await admin().client(transport).getTask({ id: nameA });
        expect(equals(IdentifierSchema, nameA, task.id!)).toBe(true);
      });
    }

    it("TestGetTaskHTTP: GET /api/v1/tasks/admintests/development/name_a/123 answers the task as protobuf", async () => {
      const task = await admin().httpGet("/api/v1/tasks/admintests/development/name_a/123", TaskSchema);
      expect(task.id).toMatchObject({ project: "admintests", domain: "development", name: "name_a", version: "123" });
    });

    for (const transport of TRANSPORTS) {
      it(`TestListTaskGrpc [${transport} client]: ListTasks by name sorted by version ascending returns the 3 versions in order`, async () => {
        const tasks = await admin()
          .client(transport)
          .listTasks({
            id: { project: "admintests", domain: "development", name: "name_a" },
            limit: 20,
            sortBy: { direction: Sort_Direction.ASCENDING, key: "version" },
          });
        expect(tasks.tasks).toHaveLength(3);
        for (const task of tasks.tasks) {
          expect(task.id).toMatchObject({ project: "admintests", domain: "development", name: "name_a" });
          expect(entityVersions).toContain(task.id!.version);
        }
        expect(tasks.tasks[0]!.id!.version < tasks.tasks[1]!.id!.version).toBe(true);
        expect(tasks.tasks[1]!.id!.version < tasks.tasks[2]!.id!.version).toBe(true);
      });
    }

    it("TestListTaskHTTP: the REST list sorted by version ascending returns the 3 versions in order", async () => {
      const list = await admin().httpGet(
        "/api/v1/tasks/admintests/development/name_a?sort_by.direction=ASCENDING&sort_by.key=version&limit=20",
        TaskListSchema,
      );
      expect(list.tasks.map((t) => t.id?.version)).toEqual(["123", "456", "789"]);
      for (const task of list.tasks) {
        expect(task.id).toMatchObject({ project: "admintests", domain: "development", name: "name_a" });
      }
    });

    for (const transport of TRANSPORTS) {
      it(`TestListTask_PaginationGrpc [${transport} client]: limit 2 returns 2 versions, token "2" the remaining one`, async () => {
        const client = admin().client(transport);
        const id = { project: "admintests", domain: "development", name: "name_a" };
        const first = await client.listTasks({ id, limit: 2 });
        expect(first.tasks).toHaveLength(2);
        const firstVersions = first.tasks.map((t) => t.id!.version);
        for (const task of first.tasks) {
          expect(task.id).toMatchObject(id);
          expect(entityVersions).toContain(task.id!.version);
        }
        const second = await client.listTasks({ id, limit: 2, token: "2" });
        expect(second.tasks).toHaveLength(1);
        expect(entityVersions).toContain(second.tasks[0]!.id!.version);
        expect(firstVersions).not.toContain(second.tasks[0]!.id!.version);
      });
    }

    it("TestListTask_PaginationHTTP: the REST list pages with limit 2 and the returned token", async () => {
      const base =
        "/api/v1/tasks/admintests/development/name_a?sort_by.direction=ASCENDING&sort_by.key=version&limit=2";
      const first = await admin().httpGet(base, TaskListSchema);
      expect(first.tasks).toHaveLength(2);
      const firstVersions = first.tasks.map((t) => t.id!.version);
      const second = await admin().httpGet(`${base}&token=${first.token}`, TaskListSchema);
      expect(second.tasks).toHaveLength(1);
      expect(entityVersions).toContain(second.tasks[0]!.id!.version);
      expect(firstVersions).not.toContain(second.tasks[0]!.id!.version);
    });

    for (const transport of TRANSPORTS) {
      it(`TestListTask_FiltersGrpc [${transport} client]: eq(version,123) over the project and domain returns one task per name`, async () => {
        const tasks = await admin()
          .client(transport)
          .listTasks({ id: { project: "admintests", domain: "development" }, limit: 20, filters: "eq(version,123)" });
        expect(tasks.tasks).toHaveLength(3);
        for (const task of tasks.tasks) {
          expect(task.id).toMatchObject({ project: "admintests", domain: "development", version: "123" });
          expect(["name_a", "name_b", "name_c"]).toContain(task.id!.name);
        }
      });
    }

    it("TestListTask_FiltersHTTP: ?filters=eq(version,123) over the project and domain returns one task per name", async () => {
      const list = await admin().httpGet(
        "/api/v1/tasks/admintests/development?filters=eq(version,123)&limit=20",
        TaskListSchema,
      );
      expect(list.tasks).toHaveLength(3);
      for (const task of list.tasks) {
        expect(task.id).toMatchObject({ project: "admintests", domain: "development", version: "123" });
        expect(["name_a", "name_b", "name_c"]).toContain(task.id!.name);
      }
    });
  });

  async function registerTaskIdFixtures(transport: (typeof TRANSPORTS)[number]): Promise<void> {
    await admin().truncateAllTables();
    const client = admin().client(transport);
    await client.createTask(validTaskRequestWithOverrides("project", "domain", "name", "v1"));
    await client.createTask(validTaskRequestWithOverrides("project", "domain", "name", "v2"));
    await client.createTask(validTaskRequestWithOverrides("project", "domain", "secondtask", "v1"));
    // This last one must not show up.
    await client.createTask(validTaskRequestWithOverrides("project", "development", "hidden", "v1"));
  }

  for (const transport of TRANSPORTS) {
    it(`TestListTaskIdsWithMultipleTaskVersions [${transport}]: four versions over two names list as two distinct ids`, async () => {
      await registerTaskIdFixtures(transport);
      const res = await admin().client(transport).listTaskIds({ project: "project", domain: "domain", limit: 100 });
      expect(res.entities.map((e) => [e.project, e.domain, e.name])).toEqual([
        ["project", "domain", "name"],
        ["project", "domain", "secondtask"],
      ]);

      const http = await admin().httpGet("/api/v1/task_ids/project/domain?limit=20", NamedEntityIdentifierListSchema);
      expect(http.entities.map((e) => [e.project, e.domain, e.name])).toEqual([
        ["project", "domain", "name"],
        ["project", "domain", "secondtask"],
      ]);
    });

    it(`TestListTaskIdsWithPagination [${transport}]: limit 1 returns one id and a token, token "1" the other`, async () => {
      await registerTaskIdFixtures(transport);
      const client = admin().client(transport);
      const first = await client.listTaskIds({ project: "project", domain: "domain", limit: 1 });
      expect(first.entities.map((e) => [e.project, e.domain, e.name])).toEqual([["project", "domain", "name"]]);
      expect(first.token).not.toBe("");

      const second = await client.listTaskIds({ project: "project", domain: "domain", limit: 10, token: "1" });
      expect(second.entities.map((e) => [e.project, e.domain, e.name])).toEqual([["project", "domain", "secondtask"]]);

      const http = await admin().httpGet("/api/v1/task_ids/project/domain?limit=1", NamedEntityIdentifierListSchema);
      expect(http.entities.map((e) => [e.project, e.domain, e.name])).toEqual([["project", "domain", "name"]]);
      expect(http.token).not.toBe("");
    });

    it(`TestCreateInvalidTaskType [${transport}]: a task type on the whitelist cannot be used outside its scopes`, async () => {
      await admin().truncateAllTables();
      const request = validTaskRequest();
      request.spec!.template!.type = "sparkonk8s";
      const error = await rejection(() => admin().client(transport).createTask(request));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.message).toContain("task type must be whitelisted before use");
    });
  }
});
