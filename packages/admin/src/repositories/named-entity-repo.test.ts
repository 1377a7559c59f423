import { Code } from "@aloft/idl";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { expect, it } from "vitest";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { launchPlanRow, taskRow, workflowRow } from "./rows.test-helper.js";
import { describeEachDialect, type TestDatabase } from "./test-databases.test-helper.js";

const where = { project: "admintests", domain: "development" };

async function seed(t: TestDatabase): Promise<void> {
  for (const name of ["name_a", "name_b", "name_c"]) {
    for (const version of ["123", "456"]) {
      await t.repos.tasks.create(taskRow({ name, version }));
      await t.repos.workflows.create(workflowRow({ name, version }));
      await t.repos.launchPlans.create(launchPlanRow({ name, version }));
    }
  }
  await t.repos.tasks.create(taskRow({ name: ".flytegen.name_a" }));
  await t.repos.tasks.create(taskRow({ name: "other-domain", domain: "production" }));
}

describeEachDialect("NamedEntityRepo", (db) => {
  it("lists each type's names once, hiding .flytegen names when no filter is given (TestGetNamedEntities)", async () => {
    await seed(db());
    const { namedEntities } = db().repos;
    const sort = parseSort({ key: "name", direction: 1 }, "nen");
    for (const resourceType of [ResourceType.TASK, ResourceType.WORKFLOW, ResourceType.LAUNCH_PLAN]) {
      const all = await namedEntities.list({ resourceType, ...where, limit: 20, ...(sort ? { sort } : {}) });
      expect(all.map((entity) => entity.name)).toEqual(["name_a", "name_b", "name_c"]);
      expect(all[0]).toEqual({ resource_type: resourceType, ...where, name: "name_a", description: "", state: 0 });
      const page1 = await namedEntities.list({ resourceType, ...where, limit: 2, ...(sort ? { sort } : {}) });
      const page2 = await namedEntities.list({
        resourceType,
        ...where,
        limit: 2,
        offset: 2,
        ...(sort ? { sort } : {}),
      });
      expect([page1.length, page2.map((entity) => entity.name)]).toEqual([2, ["name_c"]]);
    }
    const withSystem = await namedEntities.list({
      resourceType: ResourceType.TASK,
      ...where,
      limit: 20,
      filters: parseFilters("contains(name,name_a)", "nen"),
    });
    expect(withSystem.map((entity) => entity.name).sort()).toEqual([".flytegen.name_a", "name_a"]);
  });

  it("stores metadata and filters state as ACTIVE when no row exists (TestUpdateNamedEntityState)", async () => {
    await seed(db());
    const { namedEntities } = db().repos;
    const id = { resourceType: ResourceType.WORKFLOW, ...where, name: "name_b" };
    await namedEntities.update(id, { description: "first", state: 0 });
    await namedEntities.update(id, { description: "archived now", state: 1 });
    expect(await namedEntities.get(id)).toEqual({
      resource_type: 2,
      ...where,
      name: "name_b",
      description: "archived now",
      state: 1,
    });
    const list = async (filters: string) =>
      (
        await namedEntities.list({
          resourceType: ResourceType.WORKFLOW,
          ...where,
          limit: 20,
          filters: parseFilters(filters, "nen"),
        })
      ).map((entity) => entity.name);
    expect(await list("eq(named_entity_metadata.state, 0)")).toEqual(["name_a", "name_c"]);
    expect(await list("eq(state,1)")).toEqual(["name_b"]);
    expect(await list("contains(description,archived)")).toEqual(["name_b"]);
  });

  it("sorts by metadata columns too", async () => {
    await seed(db());
    const { namedEntities } = db().repos;
    await namedEntities.update(
      { resourceType: ResourceType.TASK, ...where, name: "name_c" },
      { description: "a", state: 1 },
    );
    const sort = parseSort({ key: "state", direction: 0 }, "nen");
    const list = await namedEntities.list({
      resourceType: ResourceType.TASK,
      ...where,
      limit: 1,
      ...(sort ? { sort } : {}),
    });
    expect(list.map((entity) => entity.name)).toEqual(["name_c"]);
  });

  it("reports missing names as NotFound and other resource types as InvalidArgument", async () => {
    const { namedEntities } = db().repos;
    await expect(namedEntities.get({ resourceType: ResourceType.TASK, ...where, name: "nope" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "entry not found",
    });
    await expect(namedEntities.get({ resourceType: ResourceType.DATASET, ...where, name: "x" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "Cannot get NamedEntityMetadata for resource type: DATASET",
    });
    await expect(namedEntities.list({ resourceType: 0, ...where, limit: 1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "Cannot list entity names for resource type: UNSPECIFIED",
    });
  });
});
