/**
 * flyteadmin's `tests/named_entity_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { create, equals } from "@bufbuild/protobuf";
import {
  NamedEntityIdentifierSchema,
  NamedEntityListSchema,
  NamedEntitySchema,
  NamedEntityState,
  Sort_Direction,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  entityNames,
  insertLaunchPlansForTests,
  insertTasksForTests,
  insertWorkflowsForTests,
} from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

const resourceTypes = [ResourceType.TASK, ResourceType.WORKFLOW, ResourceType.LAUNCH_PLAN];
const nameA = create(NamedEntityIdentifierSchema, { project: "admintests", domain: "development", name: "name_a" });

describeIntegration("flyteadmin integration: named entities", (admin) => {
  describe("TestGetNamedEntities", () => {
    beforeAll(async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
      await insertWorkflowsForTests(admin().grpc);
      await insertLaunchPlansForTests(admin().grpc);
    });

    for (const transport of TRANSPORTS) {
      it(`TestGetNamedEntityGrpc [${transport} client]: GetNamedEntity answers name_a for every resource type`, async () => {
        for (const resourceType of resourceTypes) {
          const entity = await admin().client(transport).getNamedEntity({ resourceType, id: nameA });
          expect(equals(NamedEntityIdentifierSchema, nameA, entity.id!)).toBe(true);
        }
      });
    }

    it("TestGetNamedEntityHTTP: /api/v1/named_entities/<type number>/admintests/development/name_a answers it", async () => {
      for (const resourceType of resourceTypes) {
        const entity = await admin().httpGet(
          `/api/v1/named_entities/${resourceType}/admintests/development/name_a`,
          NamedEntitySchema,
        );
        expect(entity.id).toMatchObject({ project: "admintests", domain: "development", name: "name_a" });
        expect(entity.resourceType).toBe(resourceType);
      }
    });

    for (const transport of TRANSPORTS) {
      it(`TestListNamedEntityGrpc [${transport} client]: sorted by name ascending, the 3 names in order for every type`, async () => {
        for (const resourceType of resourceTypes) {
          const result = await admin()
            .client(transport)
            .listNamedEntities({
              resourceType,
              project: "admintests",
              domain: "development",
              limit: 20,
              sortBy: { direction: Sort_Direction.ASCENDING, key: "name" },
            });
          expect(result.entities).toHaveLength(3);
          result.entities.forEach((entity, i) => {
            expect(entity.id).toMatchObject({ project: "admintests", domain: "development", name: entityNames[i] });
            expect(entity.resourceType).toBe(resourceType);
          });
        }
      });
    }

    it("TestListNamedEntityHTTP: the REST list sorted by name returns the 3 names in order", async () => {
      for (const resourceType of resourceTypes) {
        const list = await admin().httpGet(
          `/api/v1/named_entities/${resourceType}/admintests/development?sort_by.direction=ASCENDING&sort_by.key=name&limit=20`,
          NamedEntityListSchema,
        );
        expect(list.entities).toHaveLength(3);
        list.entities.forEach((entity, i) => {
          expect(entity.id).toMatchObject({ project: "admintests", domain: "development", name: entityNames[i] });
          expect(entity.resourceType).toBe(resourceType);
        });
      }
    });

    for (const transport of TRANSPORTS) {
      it(`TestListNamedEntity_PaginationGrpc [${transport} client]: limit 2 then token "2" gives the third name`, async () => {
        for (const resourceType of resourceTypes) {
          const client = admin().client(transport);
          const request = { project: "admintests", domain: "development", resourceType, limit: 2 };
          const first = await client.listNamedEntities(request);
          expect(first.entities).toHaveLength(2);
          const firstNames = first.entities.map((e) => e.id!.name);
          for (const name of firstNames) expect(entityNames).toContain(name);
          const second = await client.listNamedEntities({ ...request, token: "2" });
          expect(second.entities).toHaveLength(1);
          expect(entityNames).toContain(second.entities[0]!.id!.name);
          expect(firstNames).not.toContain(second.entities[0]!.id!.name);
        }
      });
    }

    it("TestListNamedEntity_PaginationHTTP: the REST list pages with limit 2 and the returned token", async () => {
      for (const resourceType of resourceTypes) {
        const base = `/api/v1/named_entities/${resourceType}/admintests/development?sort_by.direction=ASCENDING&sort_by.key=name&limit=2`;
        const first = await admin().httpGet(base, NamedEntityListSchema);
        expect(first.entities).toHaveLength(2);
        const firstNames = first.entities.map((e) => e.id!.name);
        const second = await admin().httpGet(`${base}&token=${first.token}`, NamedEntityListSchema);
        expect(second.entities).toHaveLength(1);
        expect(firstNames).not.toContain(second.entities[0]!.id!.name);
      }
    });
  });

  for (const transport of TRANSPORTS) {
    it(`TestUpdateNamedEntity [${transport}]: an updated description reads back for every resource type`, async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
      await insertWorkflowsForTests(admin().grpc);
      await insertLaunchPlansForTests(admin().grpc);
      const client = admin().client(transport);
      for (const resourceType of resourceTypes) {
        await client.updateNamedEntity({ resourceType, id: nameA, metadata: { description: "updated description" } });
        const entity = await client.getNamedEntity({ resourceType, id: nameA });
        expect(entity.metadata?.description).toBe("updated description");
      }
    });

    it(`TestUpdateNamedEntityState [${transport}]: archiving a workflow name moves it from the active to the archived filter`, async () => {
      await admin().truncateAllTables();
      await insertTasksForTests(admin().grpc);
      await insertWorkflowsForTests(admin().grpc);
      const client = admin().client(transport);
      const list = (state: NamedEntityState) =>
        client.listNamedEntities({
          resourceType: ResourceType.WORKFLOW,
          project: "admintests",
          domain: "development",
          limit: 20,
          sortBy: { direction: Sort_Direction.ASCENDING, key: "name" },
          filters: `eq(named_entity_metadata.state, ${state})`,
        });
      expect((await list(NamedEntityState.NAMED_ENTITY_ACTIVE)).entities).toHaveLength(3);

      await client.updateNamedEntity({
        resourceType: ResourceType.WORKFLOW,
        id: nameA,
        metadata: { description: "updated description", state: NamedEntityState.NAMED_ENTITY_ARCHIVED },
      });
      expect((await list(NamedEntityState.NAMED_ENTITY_ACTIVE)).entities).toHaveLength(2);
      expect((await list(NamedEntityState.NAMED_ENTITY_ARCHIVED)).entities).toHaveLength(1);
    });
  }
});
