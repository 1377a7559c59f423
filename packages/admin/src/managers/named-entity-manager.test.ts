import { Code } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import {
  NamedEntityGetRequestSchema,
  NamedEntityListRequestSchema,
  NamedEntityState,
  NamedEntityUpdateRequestSchema,
  ObjectGetRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { DescriptionEntityListRequestSchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { DescriptionEntitySchema } from "@aloft/idl/gen/flyteidl/admin/description_entity_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { describe, expect, it } from "vitest";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import {
  createRegistrationManagers,
  failure,
  registerProject,
  type RegistrationManagers,
  testContext as ctx,
  useTempBlobStore,
} from "./registration-harness.test-helper.js";
import { launchPlanRequest, taskRequest, workflowRequest } from "./registration-requests.test-helper.js";

const blobStore = useTempBlobStore();
const NAMES = ["name_a", "name_b", "name_c"];

describeEachDialect("NamedEntityManager and DescriptionEntityManager", (db) => {
  /** Tasks, workflows and launch plans named name_a…name_c, plus a `.flytegen` task. */
  async function seed(): Promise<RegistrationManagers> {
    const m = createRegistrationManagers(db(), blobStore());
    await registerProject(m);
    for (const name of NAMES) {
      await m.tasks.createTask(taskRequest({ name }), ctx);
      await m.workflows.createWorkflow(workflowRequest({ name }, { name }), ctx);
      await m.launchPlans.createLaunchPlan(launchPlanRequest({ name }, { name }), ctx);
    }
    await m.tasks.createTask(taskRequest({ name: ".flytegen.name_a" }), ctx);
    return m;
  }

  const list = (m: RegistrationManagers, resourceType: ResourceType, extra: object = {}) =>
    m.namedEntities.listNamedEntities(
      create(NamedEntityListRequestSchema, {
        resourceType,
        project: "admintests",
        domain: "development",
        limit: 20,
        sortBy: { key: "name", direction: 1 },
        ...extra,
      }),
      ctx,
    );

  describe("named entities", () => {
    it("gets and lists each resource type sorted and paged, hiding .flytegen names (TestGetNamedEntities)", async () => {
      const m = await seed();
      for (const resourceType of [ResourceType.TASK, ResourceType.WORKFLOW, ResourceType.LAUNCH_PLAN]) {
        const all = await list(m, resourceType);
        expect(all.entities.map((e) => e.id?.name)).toEqual(NAMES);
        const page = await list(m, resourceType, { limit: 2 });
        expect([page.entities.map((e) => e.id?.name), page.token]).toEqual([["name_a", "name_b"], "2"]);
        expect((await list(m, resourceType, { limit: 2, token: "2" })).entities.map((e) => e.id?.name)).toEqual([
          "name_c",
        ]);
        const entity = await m.namedEntities.getNamedEntity(
          create(NamedEntityGetRequestSchema, {
            resourceType,
            id: { project: "admintests", domain: "development", name: "name_b" },
          }),
          ctx,
        );
        expect(entity.id?.name).toBe("name_b");
        expect(entity.metadata?.state).toBe(NamedEntityState.NAMED_ENTITY_ACTIVE);
      }
      const withSystem = await list(m, ResourceType.TASK, { filters: "ne(name,x)" });
      expect(withSystem.entities.map((e) => e.id?.name)).toContain(".flytegen.name_a");
    });

    it("updates the description (TestUpdateNamedEntity)", async () => {
      const m = await seed();
      for (const resourceType of [ResourceType.TASK, ResourceType.WORKFLOW, ResourceType.LAUNCH_PLAN]) {
        const id = { project: "admintests", domain: "development", name: "name_a" };
        await m.namedEntities.updateNamedEntity(
          create(NamedEntityUpdateRequestSchema, {
            resourceType,
            id,
            metadata: { description: `about ${resourceType}` },
          }),
          ctx,
        );
        const entity = await m.namedEntities.getNamedEntity(
          create(NamedEntityGetRequestSchema, { resourceType, id }),
          ctx,
        );
        expect(entity.metadata?.description).toBe(`about ${resourceType}`);
      }
    });

    it("archives and filters on state with the default of ACTIVE (TestUpdateNamedEntityState)", async () => {
      const m = await seed();
      const filter = (state: number) =>
        list(m, ResourceType.WORKFLOW, { filters: `eq(named_entity_metadata.state, ${state})` });
      expect((await filter(0)).entities).toHaveLength(3);
      await m.namedEntities.updateNamedEntity(
        create(NamedEntityUpdateRequestSchema, {
          resourceType: ResourceType.WORKFLOW,
          id: { project: "admintests", domain: "development", name: "name_b" },
          metadata: { state: NamedEntityState.NAMED_ENTITY_ARCHIVED },
        }),
        ctx,
      );
      expect((await filter(0)).entities.map((e) => e.id?.name)).toEqual(["name_a", "name_c"]);
      expect((await filter(1)).entities.map((e) => e.id?.name)).toEqual(["name_b"]);
    });

    it("validates requests and reports unknown entities", async () => {
      const m = await seed();
      const unspecified = await failure(() => list(m, ResourceType.UNSPECIFIED));
      expect(unspecified.rawMessage).toBe("invalid value for resource_type");
      const noLimit = await failure(() => list(m, ResourceType.TASK, { limit: 0 }));
      expect(noLimit.rawMessage).toBe("invalid value for limit");
      const missing = await failure(() =>
        m.namedEntities.getNamedEntity(
          create(NamedEntityGetRequestSchema, {
            resourceType: ResourceType.TASK,
            id: { project: "admintests", domain: "development", name: "nope" },
          }),
          ctx,
        ),
      );
      expect(missing.code).toBe(Code.NotFound);
      const noMetadata = await failure(() =>
        m.namedEntities.updateNamedEntity(
          create(NamedEntityUpdateRequestSchema, {
            resourceType: ResourceType.TASK,
            id: { project: "admintests", domain: "development", name: "name_a" },
          }),
          ctx,
        ),
      );
      expect(noMetadata.rawMessage).toBe("missing metadata");
      const notArchivable = await failure(() =>
        m.namedEntities.updateNamedEntity(
          create(NamedEntityUpdateRequestSchema, {
            resourceType: ResourceType.DATASET,
            id: { project: "admintests", domain: "development", name: "name_a" },
            metadata: { state: NamedEntityState.NAMED_ENTITY_ARCHIVED },
          }),
          ctx,
        ),
      );
      expect(notArchivable.rawMessage).toBe("Resource [DATASET] cannot have its state updated");
    });
  });

  describe("description entities", () => {
    it("lists and gets the descriptions registered with workflows", async () => {
      const m = createRegistrationManagers(db(), blobStore());
      await registerProject(m);
      await m.tasks.createTask(taskRequest(), ctx);
      for (const version of ["1", "2"]) {
        const request = workflowRequest({ version }, { version: "123" });
        request.spec!.description = create(DescriptionEntitySchema, { shortDescription: `v${version}` });
        await m.workflows.createWorkflow(request, ctx);
      }
      const listed = await m.descriptionEntities.listDescriptionEntities(
        create(DescriptionEntityListRequestSchema, {
          resourceType: ResourceType.WORKFLOW,
          id: { project: "admintests", domain: "development", name: "workflow" },
          limit: 10,
          sortBy: { key: "version", direction: 1 },
        }),
        ctx,
      );
      expect(listed.descriptionEntities.map((d) => d.shortDescription)).toEqual(["v1", "v2"]);
      const got = await m.descriptionEntities.getDescriptionEntity(
        create(ObjectGetRequestSchema, { id: workflowRequest({ version: "2" }).id }),
        ctx,
      );
      expect(got.shortDescription).toBe("v2");
      const wrongType = await failure(() =>
        m.descriptionEntities.getDescriptionEntity(
          create(ObjectGetRequestSchema, {
            id: { ...workflowRequest({ version: "2" }).id!, resourceType: ResourceType.TASK },
          }),
          ctx,
        ),
      );
      expect(wrongType.code).toBe(Code.NotFound);
      const noName = await failure(() =>
        m.descriptionEntities.listDescriptionEntities(
          create(DescriptionEntityListRequestSchema, {
            resourceType: ResourceType.WORKFLOW,
            id: { project: "admintests", domain: "development" },
            limit: 10,
          }),
          ctx,
        ),
      );
      expect(noName.rawMessage).toBe("missing name");
      const unspecified = await failure(() =>
        m.descriptionEntities.getDescriptionEntity(
          create(ObjectGetRequestSchema, { id: { ...workflowRequest().id!, resourceType: ResourceType.UNSPECIFIED } }),
          ctx,
        ),
      );
      expect(unspecified.rawMessage).toBe("invalid value for resource_type");
    });
  });
});
