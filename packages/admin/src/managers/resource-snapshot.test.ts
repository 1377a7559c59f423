import { AloftError } from "@aloft/idl";
import { expect, it } from "vitest";
import { type ResourceId, ResourcePriority } from "../repositories/resource-repo.js";
import { describeEachDialect } from "../repositories/test-databases.test-helper.js";
import { loadResourceSnapshot } from "./resource-snapshot.js";

const TYPES = ["TASK_RESOURCE", "WORKFLOW_EXECUTION_CONFIG"];

/** Rows at every level, in two projects and domains, so lookups have something to choose from. */
const ROWS: (Omit<ResourceId, "resourceType"> & { resourceType: string; priority: number })[] = [
  {
    project: "p",
    domain: "",
    workflow: "",
    launchPlan: "",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.Project,
  },
  {
    project: "p",
    domain: "d",
    workflow: "",
    launchPlan: "",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.ProjectDomain,
  },
  {
    project: "p",
    domain: "d",
    workflow: "wf",
    launchPlan: "",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.Workflow,
  },
  {
    project: "p",
    domain: "d",
    workflow: "wf",
    launchPlan: "lp",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.LaunchPlan,
  },
  {
    project: "p",
    domain: "other",
    workflow: "",
    launchPlan: "",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.ProjectDomain,
  },
  {
    project: "q",
    domain: "d",
    workflow: "",
    launchPlan: "",
    resourceType: "TASK_RESOURCE",
    priority: ResourcePriority.ProjectDomain,
  },
  {
    project: "p",
    domain: "",
    workflow: "",
    launchPlan: "",
    resourceType: "WORKFLOW_EXECUTION_CONFIG",
    priority: ResourcePriority.Project,
  },
];

describeEachDialect("resource snapshot", (db) => {
  it("answers every lookup of its project and domain as ResourceRepo.get does, from one query", async () => {
    const { resources } = db().repos;
    for (const [i, row] of ROWS.entries()) await resources.createOrUpdate({ ...row, attributes: new Uint8Array([i]) });
    const snapshot = await loadResourceSnapshot(resources, { project: "p", domain: "d", resourceTypes: TYPES });

    const outcome = async (lookup: () => Promise<{ id: number }>) => {
      try {
        return { id: (await lookup()).id };
      } catch (error) {
        return { error: AloftError.from(error).message };
      }
    };
    for (const resourceType of TYPES) {
      for (const id of [
        { project: "p", domain: "d", workflow: "", launchPlan: "" },
        { project: "p", domain: "d", workflow: "wf", launchPlan: "" },
        { project: "p", domain: "d", workflow: "wf", launchPlan: "lp" },
        { project: "p", domain: "d", workflow: "wf", launchPlan: "other" },
        { project: "p", domain: "d", workflow: "nope", launchPlan: "" },
        { project: "p", domain: "", workflow: "", launchPlan: "" },
        { project: "", domain: "d", workflow: "", launchPlan: "" },
        { project: "", domain: "", workflow: "", launchPlan: "" },
        { project: "p", domain: "d", workflow: "", launchPlan: "lp" },
      ]) {
        const full = { ...id, resourceType };
        expect({ full, got: await outcome(() => snapshot.get(full)) }).toEqual({
          full,
          got: await outcome(() => resources.get(full)),
        });
      }
    }
    expect(
      await snapshot.find({
        project: "p",
        domain: "d",
        workflow: "x",
        launchPlan: "",
        resourceType: "WORKFLOW_EXECUTION_CONFIG",
      }),
    ).toMatchObject({
      project: "p",
      domain: "",
    });
  });

  it("refuses lookups outside its project, domain or types instead of finding nothing", async () => {
    const snapshot = await loadResourceSnapshot(db().repos.resources, {
      project: "p",
      domain: "d",
      resourceTypes: TYPES,
    });
    const id = { project: "q", domain: "d", workflow: "", launchPlan: "", resourceType: "TASK_RESOURCE" };
    await expect(snapshot.find(id)).rejects.toThrow("outside the snapshot's scope");
    await expect(snapshot.find({ ...id, project: "p", resourceType: "PLUGIN_OVERRIDE" })).rejects.toThrow(
      "outside the snapshot's scope",
    );
  });
});
