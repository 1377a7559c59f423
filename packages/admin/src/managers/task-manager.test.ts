import { Code } from "@aloft/idl";
import { create, toBinary } from "@bufbuild/protobuf";
import { ObjectGetRequestSchema, ResourceListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { NamedEntityIdentifierListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { MatchableResource, MatchingAttributesSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { Resources_ResourceName } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { DescriptionEntitySchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";
import { taskRequest } from "./registration-requests.test-helper.js";

const blobStore = useTempBlobStore();

describeEachDialect("TaskManager", (db) => {
  const managers = (config = {}) => createRegistrationManagers(db(), blobStore(), config);

  describe("createTask", () => {
    it("registers a task and returns its compiled closure (TestCreateBasic)", async () => {
      const m = managers();
      await registerProject(m);
      await m.tasks.createTask(taskRequest(), ctx);
      const task = await m.tasks.getTask(create(ObjectGetRequestSchema, { id: taskRequest().id }), ctx);
      expect(task.id).toEqual(taskRequest().id);
      expect(task.closure?.compiledTask?.template?.id).toEqual(taskRequest().id);
      expect(task.closure?.compiledTask?.template?.type).toBe("python-task");
      expect(task.closure?.createdAt).toBeDefined();
    });

    it("answers ALREADY_EXISTS for an identical re-registration", async () => {
      const m = managers();
      await registerProject(m);
      await m.tasks.createTask(taskRequest(), ctx);
      const error = await failure(() => m.tasks.createTask(taskRequest(), ctx));
      expect(error.code).toBe(Code.AlreadyExists);
      expect(error.rawMessage).toBe("task with identical structure already exists");
    });

    it("answers INVALID_ARGUMENT with a diff for a different task under the same version", async () => {
      const m = managers();
      await registerProject(m);
      await m.tasks.createTask(taskRequest(), ctx);
      const changed = taskRequest({}, { type: "python-task", metadata: { runtime: { version: "2.0.0" } } });
      const error = await failure(() => m.tasks.createTask(changed, ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(
        /^task task with different structure already exists\. \(Please register a new version of the task\):\n/,
      );
      expect(error.rawMessage).toContain("/template/metadata/runtime/version:\n\t- 1.0.0 \n\t+ 2.0.0");
    });

    it("accepts a task without a container (TestCreateTaskWithoutContainer)", async () => {
      const m = managers();
      await registerProject(m);
      await m.tasks.createTask(taskRequest({ name: "no-container" }, { target: { case: undefined } }), ctx);
      const list = await m.tasks.listTasks(
        create(ResourceListRequestSchema, { id: { project: "admintests", domain: "development" }, limit: 10 }),
        ctx,
      );
      expect(list.tasks.map((t) => t.id?.name)).toEqual(["no-container"]);
    });

    it("rejects an empty spec and a missing identifier with flyteadmin's messages", async () => {
      const m = managers();
      await registerProject(m);
      const noSpec = taskRequest();
      noSpec.spec = undefined;
      expect((await failure(() => m.tasks.createTask(noSpec, ctx))).rawMessage).toBe("missing spec");
      const noId = taskRequest();
      noId.id = undefined;
      expect((await failure(() => m.tasks.createTask(noId, ctx))).rawMessage).toBe("missing id");
      const wrongType = taskRequest();
      wrongType.id!.resourceType = ResourceType.WORKFLOW;
      expect((await failure(() => m.tasks.createTask(wrongType, ctx))).rawMessage).toMatch(
        /^unexpected resource type workflow for identifier \[.*\], expected task instead$/,
      );
    });

    it("checks the project and domain before anything else is stored", async () => {
      const m = managers();
      const unknown = await failure(() => m.tasks.createTask(taskRequest(), ctx));
      expect(unknown.code).toBe(Code.InvalidArgument);
      expect(unknown.rawMessage).toBe(
        "failed to validate that project [admintests] and domain [development] are registered, err: [project [admintests] not found]",
      );
      await registerProject(m);
      const domain = await failure(() => m.tasks.createTask(taskRequest({ domain: "nowhere" }), ctx));
      expect(domain.rawMessage).toBe("domain [nowhere] is unrecognized by system");
    });

    it("rejects a non-whitelisted task type (TestCreateInvalidTaskType)", async () => {
      const m = managers({ taskTypeWhitelist: { sparkonk8s: [{ project: "flytekit", domain: "" }] } });
      await registerProject(m);
      const error = await failure(() => m.tasks.createTask(taskRequest({}, { type: "sparkonk8s" }), ctx));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe("task type must be whitelisted before use");
      await registerProject(m, "flytekit");
      await m.tasks.createTask(taskRequest({ project: "flytekit" }, { type: "sparkonk8s" }), ctx);
    });

    it("requires metadata, a runtime version, an interface and an image", async () => {
      const m = managers();
      await registerProject(m);
      const cases: [Parameters<typeof taskRequest>[1], string][] = [
        [{ type: "" }, "missing type"],
        [{ metadata: undefined }, "missing metadata"],
        [{ metadata: { runtime: { version: "" } } }, "missing runtime version"],
        [{ interface: undefined }, "missing typed interface"],
        [{ target: { case: "container", value: { image: "" } } }, "missing image"],
      ];
      for (const [template, message] of cases) {
        const error = await failure(() => m.tasks.createTask(taskRequest({}, template), ctx));
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage).toBe(message);
      }
    });

    it("checks container resources against each other and the platform limits", async () => {
      const m = managers();
      await registerProject(m);
      const withResources = (
        requests: [Resources_ResourceName, string][],
        limits: [Resources_ResourceName, string][],
      ) =>
        taskRequest(
          {},
          {
            target: {
              case: "container",
              value: {
                image: "img",
                args: ["run"],
                resources: {
                  requests: requests.map(([name, value]) => ({ name, value })),
                  limits: limits.map(([name, value]) => ({ name, value })),
                },
              },
            },
          },
        );
      const { CPU, MEMORY, GPU } = Resources_ResourceName;
      const overLimit = await failure(() => m.tasks.createTask(withResources([[CPU, "3"]], [[CPU, "2"]]), ctx));
      expect(overLimit.rawMessage).toBe(
        "Requested CPU default [3] is greater than the limit [2]. Please fix your configuration",
      );
      const overPlatform = await failure(() => m.tasks.createTask(withResources([[MEMORY, "2Gi"]], []), ctx));
      expect(overPlatform.rawMessage).toBe(
        "Requested MEMORY default [2Gi] is greater than current limit set in the platform configuration [1Gi]. Please contact Flyte Admins to change these limits or consult the configuration",
      );
      const gpu = await failure(() => m.tasks.createTask(withResources([[GPU, "500m"]], []), ctx));
      expect(gpu.rawMessage).toMatch(/^gpu for \[.*\] must be a whole number, got: 500m instead$/);
      const unparsable = await failure(() => m.tasks.createTask(withResources([[CPU, "lots"]], []), ctx));
      expect(unparsable.rawMessage).toMatch(
        /^Parsing of CPU request failed for value lots - reason {2}quantities must match/,
      );
      const twice = await failure(() =>
        m.tasks.createTask(
          withResources(
            [
              [CPU, "1"],
              [CPU, "1"],
            ],
            [],
          ),
          ctx,
        ),
      );
      expect(twice.rawMessage).toMatch(/^can't specify CPU limit for task \[.*\] multiple times$/);
      await m.tasks.createTask(
        withResources(
          [
            [CPU, "500m"],
            [MEMORY, "1Gi"],
          ],
          [
            [CPU, "1"],
            [MEMORY, "1Gi"],
          ],
        ),
        ctx,
      );
    });

    it("takes the platform limits from TASK_RESOURCE attributes when they exist", async () => {
      const m = managers();
      await registerProject(m);
      await db().repos.resources.createOrUpdate({
        project: "admintests",
        domain: "development",
        workflow: "",
        launchPlan: "",
        resourceType: MatchableResource[MatchableResource.TASK_RESOURCE],
        priority: 10,
        attributes: toBinary(
          MatchingAttributesSchema,
          create(MatchingAttributesSchema, {
            target: { case: "taskResourceAttributes", value: { limits: { memory: "4Gi" } } },
          }),
        ),
      });
      const request = taskRequest(
        {},
        {
          target: {
            case: "container",
            value: {
              image: "img",
              args: ["run"],
              resources: { requests: [{ name: Resources_ResourceName.MEMORY, value: "2Gi" }] },
            },
          },
        },
      );
      await m.tasks.createTask(request, ctx);
    });

    it("reports compilation errors as INVALID_ARGUMENT", async () => {
      const m = managers();
      await registerProject(m);
      const error = await failure(() =>
        m.tasks.createTask(taskRequest({}, { target: { case: "container", value: { image: "img" } } }), ctx),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(
        /^task failed compilation with Collected Errors: 1\n\tError 0: Code: ValueRequired, Node Id: container, Description: /,
      );
    });

    it("stores the description entity and the short description with the task", async () => {
      const m = managers();
      await registerProject(m);
      const request = taskRequest();
      request.spec!.description = create(DescriptionEntitySchema, {
        shortDescription: "short",
        longDescription: { content: { case: "value", value: "long" } },
      });
      await m.tasks.createTask(request, ctx);
      const task = await m.tasks.getTask(create(ObjectGetRequestSchema, { id: request.id }), ctx);
      expect(task.shortDescription).toBe("short");
      const description = await m.descriptionEntities.getDescriptionEntity(
        create(ObjectGetRequestSchema, { id: request.id }),
        ctx,
      );
      expect(description.shortDescription).toBe("short");
      expect(description.longDescription?.content).toEqual({ case: "value", value: "long" });
    });
  });

  describe("reads", () => {
    async function seed() {
      const m = managers();
      await registerProject(m);
      for (const name of ["name_a", "name_b", "name_c"]) {
        for (const version of ["123", "456", "789"]) await m.tasks.createTask(taskRequest({ name, version }), ctx);
      }
      return m;
    }

    it("reports a missing task with flyteadmin's NOT_FOUND message", async () => {
      const m = managers();
      const error = await failure(() =>
        m.tasks.getTask(
          create(ObjectGetRequestSchema, { id: { project: "p", domain: "d", name: "n", version: "v" } }),
          ctx,
        ),
      );
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        'missing entity of type TASK with identifier project:"p" domain:"d" name:"n" version:"v"',
      );
    });

    it("lists versions of a name sorted and paged (TestGetTasks)", async () => {
      const m = await seed();
      const list = (token = "", limit = 3) =>
        m.tasks.listTasks(
          create(ResourceListRequestSchema, {
            id: { project: "admintests", domain: "development", name: "name_a" },
            limit,
            token,
            sortBy: { key: "version", direction: 1 },
          }),
          ctx,
        );
      expect((await list()).tasks.map((t) => t.id?.version)).toEqual(["123", "456", "789"]);
      const first = await list("", 2);
      expect(first.tasks.map((t) => t.id?.version)).toEqual(["123", "456"]);
      expect(first.token).toBe("2");
      const second = await list("2", 2);
      expect(second.tasks.map((t) => t.id?.version)).toEqual(["789"]);
      expect(second.token).toBe("");
      const byVersion = await m.tasks.listTasks(
        create(ResourceListRequestSchema, {
          id: { project: "admintests", domain: "development" },
          limit: 20,
          filters: "eq(version,123)",
        }),
        ctx,
      );
      expect(byVersion.tasks).toHaveLength(3);
    });

    it("rejects a zero limit, a bad token, a bad filter and a bad sort key", async () => {
      const m = await seed();
      const base = { id: { project: "admintests", domain: "development" }, limit: 10 };
      const cases: [object, string][] = [
        [{ limit: 0 }, "invalid value for limit"],
        [{ token: "x" }, "invalid pagination token x for ListTasks"],
        [{ filters: "eq(nope,1)" }, "'t.nope' is invalid filter"],
        [{ sortBy: { key: "closure" } }, "invalid sort key 'closure'"],
      ];
      for (const [override, message] of cases) {
        const error = await failure(() =>
          m.tasks.listTasks(create(ResourceListRequestSchema, { ...base, ...override }), ctx),
        );
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage).toBe(message);
      }
    });

    it("lists distinct task names, ignoring filters (TestListTaskIdsWithMultipleTaskVersions, …WithPagination)", async () => {
      const m = await seed();
      const ids = (token = "", limit = 10) =>
        m.tasks.listTaskIds(
          create(NamedEntityIdentifierListRequestSchema, {
            project: "admintests",
            domain: "development",
            limit,
            token,
            filters: "eq(name,name_a)",
          }),
          ctx,
        );
      expect((await ids()).entities.map((e) => e.name)).toEqual(["name_a", "name_b", "name_c"]);
      const page = await ids("", 1);
      expect(page.entities.map((e) => e.name)).toEqual(["name_a"]);
      expect(page.token).toBe("1");
      expect((await ids("1", 1)).entities.map((e) => e.name)).toEqual(["name_b"]);
    });
  });
});
