/**
 * Launch plans: how a workflow is launched — default and fixed inputs, and a schedule. Once registered
 * and activated, Flyte starts `hourlyReport` at the top of every hour, passing the scheduled time as
 * its `kickoff` input, and `regionalReport` every 10 minutes. Locally they run like workflows, with
 * their defaults and fixed inputs.
 *
 *   aloft run examples/scheduled.ts hourlyReport --kickoff 2024-05-01T12:00:00Z
 */
import { cron, fixedRate, launchPlan, t, task, workflow } from "@aloft/sdk";

export const countEvents = task(
  { inputs: { kickoff: t.datetime(), region: t.string(), windowMinutes: t.int() }, output: t.string() },
  ({ kickoff, region, windowMinutes }) => {
    const from = new Date(kickoff.getTime() - windowMinutes * 60_000);
    return `${region}: events from ${from.toISOString()} to ${kickoff.toISOString()}`;
  },
);

export const report = workflow(
  {
    description: "Reports on the events of one region in the window before `kickoff`.",
    inputs: { kickoff: t.datetime(), region: t.string(), windowMinutes: t.int() },
    output: t.string(),
    defaults: { windowMinutes: 60 },
  },
  (inputs) => countEvents(inputs),
);

/** Every hour, for Europe unless launched otherwise; the scheduled time becomes `kickoff`. */
export const hourlyReport = launchPlan(report, {
  defaultInputs: { region: "eu" },
  schedule: cron("0 * * * *", { kickoffInput: "kickoff" }),
});

/** Every 10 minutes, always for the US, over the last 10 minutes. */
export const regionalReport = launchPlan(report, {
  fixedInputs: { region: "us", windowMinutes: 10 },
  schedule: fixedRate({ minutes: 10 }, { kickoffInput: "kickoff" }),
});
