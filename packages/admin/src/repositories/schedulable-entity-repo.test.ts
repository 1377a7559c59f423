import { expect, it } from "vitest";
import { describeEachDialect } from "./test-databases.test-helper.js";

const key = { project: "p", domain: "d", name: "lp", version: "v1" };
const schedule = {
  ...key,
  cron_expression: "0 * * * *",
  fixed_rate_value: 0,
  unit: 0,
  kickoff_time_input_arg: "kickoff",
  active: false,
};

describeEachDialect("SchedulableEntityRepo", (db) => {
  it("activates and deactivates schedules, creating the row once", async () => {
    const { schedulableEntities } = db().repos;
    await schedulableEntities.activate(schedule);
    await schedulableEntities.deactivate(key);
    await schedulableEntities.activate({ ...schedule, cron_expression: "ignored for an existing row" });
    await schedulableEntities.deactivate({ ...key, version: "unknown" });
    const rows = await schedulableEntities.listAll();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ...key,
      cron_expression: "0 * * * *",
      kickoff_time_input_arg: "kickoff",
      active: true,
    });
  });

  it("keeps scheduler snapshots and returns the latest", async () => {
    const { schedulableEntities } = db().repos;
    expect(await schedulableEntities.findLatestSnapshot()).toBeUndefined();
    await schedulableEntities.writeSnapshot(new Uint8Array([1]));
    await schedulableEntities.writeSnapshot(new Uint8Array([2]));
    const latest = await schedulableEntities.findLatestSnapshot();
    expect(new Uint8Array(latest?.snapshot ?? [])).toEqual(new Uint8Array([2]));
  });
});
