import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { ResourcePriority } from "./resource-repo.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const projectDomain = {
  project: "admintests",
  domain: "development",
  workflow: "",
  launchPlan: "",
  resourceType: "TASK_RESOURCE",
};
const workflowLevel = { ...projectDomain, workflow: "workflow" };

describeEachDialect("ResourceRepo", (db) => {
  it("upserts one row per level and type (TestUpdateClusterResourceAttributes)", async () => {
    const { resources } = db().repos;
    await resources.createOrUpdate({
      ...projectDomain,
      priority: ResourcePriority.ProjectDomain,
      attributes: new Uint8Array([1]),
    });
    await resources.createOrUpdate({
      ...projectDomain,
      priority: ResourcePriority.ProjectDomain,
      attributes: new Uint8Array([2]),
    });
    const all = await resources.listAll("TASK_RESOURCE");
    expect(all).toHaveLength(1);
    expect(new Uint8Array(all[0]?.attributes ?? [])).toEqual(new Uint8Array([2]));
  });

  it("returns the most specific matching row, falling back to the project-domain one (TestUpdateWorkflowAttributes)", async () => {
    const { resources } = db().repos;
    await resources.createOrUpdate({
      ...projectDomain,
      project: "admintests",
      domain: "",
      priority: ResourcePriority.Project,
      attributes: new Uint8Array([5]),
    });
    expect((await resources.get(workflowLevel)).priority).toBe(ResourcePriority.Project);
    await resources.createOrUpdate({
      ...projectDomain,
      priority: ResourcePriority.ProjectDomain,
      attributes: new Uint8Array([10]),
    });
    expect(await resources.get(workflowLevel)).toMatchObject({
      workflow: "",
      priority: ResourcePriority.ProjectDomain,
    });
    await resources.createOrUpdate({
      ...workflowLevel,
      priority: ResourcePriority.Workflow,
      attributes: new Uint8Array([100]),
    });
    expect(await resources.get(workflowLevel)).toMatchObject({
      workflow: "workflow",
      priority: ResourcePriority.Workflow,
    });
    expect((await resources.get({ ...workflowLevel, workflow: "other" })).priority).toBe(
      ResourcePriority.ProjectDomain,
    );
    expect((await resources.getProjectLevel({ project: "admintests", resourceType: "TASK_RESOURCE" })).priority).toBe(
      ResourcePriority.Project,
    );
    expect(await resources.findExact({ ...workflowLevel, workflow: "other" })).toBeUndefined();
    expect((await resources.listAll("TASK_RESOURCE")).map((row) => row.priority)).toEqual([100, 10, 5]);
  });

  it("deletes exactly one row and then reports it missing with flyteadmin's message", async () => {
    const { resources } = db().repos;
    await resources.createOrUpdate({
      ...workflowLevel,
      priority: ResourcePriority.Workflow,
      attributes: new Uint8Array([1]),
    });
    await resources.delete(workflowLevel);
    await resources.delete(workflowLevel);
    await expect(resources.get(workflowLevel)).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        "Resource [{Project:admintests Domain:development Workflow:workflow LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
    });
    await expect(resources.get(projectDomain)).rejects.toMatchObject({
      rawMessage:
        "Resource [{Project:admintests Domain:development Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
    });
  });

  it("refuses impossible combinations and a zero priority", async () => {
    const { resources } = db().repos;
    const attributes = new Uint8Array();
    await expect(
      resources.createOrUpdate({ ...projectDomain, project: "", workflow: "w", priority: 100, attributes }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "missing and/or invalid parameters: { development w  TASK_RESOURCE}",
    });
    await expect(resources.createOrUpdate({ ...projectDomain, priority: 0, attributes })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "missing and/or invalid parameters: invalid priority {admintests development   TASK_RESOURCE}",
    });
    await expect(resources.get({ ...projectDomain, resourceType: "" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });
});
