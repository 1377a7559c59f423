import { Code } from "@aloft/idl";
import { expect, it } from "vitest";
import { identifierFilters } from "./filters/filter-expression.js";
import { parseFilters } from "./filters/parse-filters.js";
import { parseSort } from "./filters/sort-parameter.js";
import { LAUNCH_PLAN_ACTIVE, LAUNCH_PLAN_INACTIVE } from "./launch-plan-repo.js";
import { launchPlanRow, workflowRow } from "./rows.test-helper.js";
import { describeEachDialect } from "./test-databases.test-helper.js";

const v1 = { project: "admintests", domain: "development", name: "name_a", version: "123" };
const v2 = { ...v1, version: "456" };

describeEachDialect("LaunchPlanRepo", (db) => {
  it("registers versions and refuses duplicates", async () => {
    const { launchPlans } = db().repos;
    await launchPlans.create(launchPlanRow());
    await expect(launchPlans.create(launchPlanRow())).rejects.toMatchObject({ code: Code.AlreadyExists });
    expect(await launchPlans.get(v1)).toMatchObject({ ...v1, state: LAUNCH_PLAN_INACTIVE, id: 1 });
    expect((await launchPlans.findById(1))?.version).toBe("123");
    await expect(launchPlans.get(v2)).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage:
        'missing entity of type LAUNCH_PLAN with identifier project:"admintests" domain:"development" name:"name_a" version:"456"',
    });
  });

  it("activates one version at a time (TestEnableDisableLaunchPlan, TestUpdateActiveLaunchPlanVersion)", async () => {
    const { launchPlans } = db().repos;
    await launchPlans.create(launchPlanRow());
    await launchPlans.create(launchPlanRow({ version: "456" }));
    await launchPlans.setActive({ activate: v1 });
    expect((await launchPlans.findActive(v1))?.version).toBe("123");
    await launchPlans.setActive({ activate: v1, deactivate: v1 });
    expect((await launchPlans.get(v1)).state).toBe(LAUNCH_PLAN_ACTIVE);
    await launchPlans.setActive({ activate: v2, deactivate: v1 });
    expect([(await launchPlans.get(v1)).state, (await launchPlans.get(v2)).state]).toEqual([
      LAUNCH_PLAN_INACTIVE,
      LAUNCH_PLAN_ACTIVE,
    ]);
    await launchPlans.update(v2, { state: LAUNCH_PLAN_INACTIVE });
    expect(await launchPlans.findActive(v1)).toBeUndefined();
  });

  it("rolls back the deactivation when the version to activate does not exist", async () => {
    const { launchPlans } = db().repos;
    await launchPlans.create(launchPlanRow({ state: LAUNCH_PLAN_ACTIVE }));
    await expect(launchPlans.setActive({ activate: v2, deactivate: v1 })).rejects.toMatchObject({
      code: Code.NotFound,
    });
    expect((await launchPlans.get(v1)).state).toBe(LAUNCH_PLAN_ACTIVE);
  });

  it("lists through the workflow join, so workflow filters work (TestListLaunchPlans)", async () => {
    const { launchPlans, workflows } = db().repos;
    await workflows.create(workflowRow());
    await launchPlans.create(launchPlanRow({ workflow_id: 1 }));
    await launchPlans.create(launchPlanRow({ version: "456", workflow_id: 1 }));
    await launchPlans.create(launchPlanRow({ name: "orphan", workflow_id: 42 }));
    const scope = identifierFilters("l", { project: "admintests", domain: "development" });
    const versions = async (filters: string) =>
      (await launchPlans.list({ filters: [...scope, ...parseFilters(filters, "l")], limit: 10 })).map(
        (row) => row.version,
      );
    expect(await versions("")).toEqual(["456", "123"]);
    expect(await versions("eq(version,456)")).toEqual(["456"]);
    expect(await versions("eq(workflow.name,i-don't-exist)")).toEqual([]);
    expect(await versions("eq(workflow.name,name_a)")).toEqual(["456", "123"]);
    const sort = parseSort({ key: "version", direction: 1 }, "l");
    expect(
      (await launchPlans.list({ filters: scope, limit: 1, ...(sort ? { sort } : {}) })).map((row) => row.version),
    ).toEqual(["123"]);
  });

  it("filters on the schedule type and state (TestListLaunchPlansFilterOnSchedule)", async () => {
    const { launchPlans, workflows } = db().repos;
    await workflows.create(workflowRow());
    await launchPlans.create(launchPlanRow({ name: "none", workflow_id: 1 }));
    await launchPlans.create(
      launchPlanRow({ name: "cron", workflow_id: 1, schedule_type: "CRON", launch_condition_type: "SCHED" }),
    );
    await launchPlans.create(
      launchPlanRow({ name: "rate", workflow_id: 1, schedule_type: "RATE", launch_condition_type: "SCHED" }),
    );
    await launchPlans.setActive({ activate: { ...v1, name: "cron" } });
    const count = async (filters: string) =>
      (await launchPlans.list({ filters: parseFilters(filters, "l"), limit: 10 })).length;
    expect([
      await count("eq(schedule_type,NONE)"),
      await count("eq(schedule_type,CRON)"),
      await count("eq(schedule_type,RATE)"),
    ]).toEqual([1, 1, 1]);
    expect(await count("eq(schedule_type,CRON)+eq(state,1)")).toBe(1);
    expect(await count("eq(schedule_type,RATE)+eq(state,1)")).toBe(0);
    expect(await count("ne(state,1)")).toBe(2);
  });

  it("lists distinct launch plan names both ways (TestListLaunchPlans ListLaunchPlanIds)", async () => {
    const { launchPlans } = db().repos;
    for (const name of ["name_a", "name_b"]) {
      for (const version of ["1", "2"]) await launchPlans.create(launchPlanRow({ name, version }));
    }
    const scope = identifierFilters("l", { project: "admintests", domain: "development" });
    const desc = parseSort({ key: "name", direction: 0 }, "l");
    const asc = parseSort({ key: "name", direction: 1 }, "l");
    expect(
      (await launchPlans.listIdentifiers({ filters: scope, limit: 10, ...(desc ? { sort: desc } : {}) })).map(
        (id) => id.name,
      ),
    ).toEqual(["name_b", "name_a"]);
    expect(
      (await launchPlans.listIdentifiers({ filters: scope, limit: 10, ...(asc ? { sort: asc } : {}) })).map(
        (id) => id.name,
      ),
    ).toEqual(["name_a", "name_b"]);
  });
});
