import { describe, expect, test } from "vitest";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { INVALID, SETTINGS, exportFrom, json, siteOf, thrown } from "../authoring.test-helper.js";
import { compileEntities } from "../serialize/compile-entities.js";
import { serializeLaunchPlan } from "../serialize/serialize-launch-plan.js";
import { t } from "../types/index.js";
import { cron, defaultLaunchPlan, fixedRate, launchPlan } from "./launch-plan.js";
import { task } from "./task.js";
import { workflow } from "./workflow.js";

const FILE = new URL(import.meta.url).pathname;
const ID = { project: SETTINGS.project, domain: SETTINGS.domain, version: SETTINGS.version };

const report = task(
  { inputs: { region: t.string(), date: t.datetime(), limit: t.int() }, output: t.string() },
  ({ region }) => region,
);
const daily = workflow(
  {
    inputs: { region: t.string(), date: t.datetime(), limit: t.int(), note: t.optional(t.string()) },
    defaults: { limit: 10 },
    output: t.string(),
  },
  ({ region, date, limit }) => report({ region, date, limit }),
);
exportFrom("examples/schedules", { report, daily });

const lp = (x: Parameters<typeof serializeLaunchPlan>[0]) =>
  json(LaunchPlanSchema, serializeLaunchPlan(x, SETTINGS)) as {
    id: unknown;
    spec: Record<string, unknown>;
    closure: unknown;
  };

describe("launchPlan()", () => {
  test("every workflow has a default launch plan named like it, offering the workflow's defaults", () => {
    const d = defaultLaunchPlan(daily);
    expect(defaultLaunchPlan(daily)).toBe(d);
    expect(d.name).toBe("examples.schedules.daily");
    expect(lp(d)).toEqual({
      id: { resourceType: "LAUNCH_PLAN", ...ID, name: "examples.schedules.daily" },
      spec: {
        workflowId: { resourceType: "WORKFLOW", ...ID, name: "examples.schedules.daily" },
        entityMetadata: {},
        defaultInputs: {
          parameters: {
            region: { var: { type: { simple: "STRING" }, description: "region" }, required: true },
            date: { var: { type: { simple: "DATETIME" }, description: "date" }, required: true },
            limit: {
              var: { type: { simple: "INTEGER" }, description: "limit" },
              default: { scalar: { primitive: { integer: "10" } } },
            },
            // flytekit: an optional input without a default defaults to a plain none literal.
            note: {
              var: {
                type: {
                  unionType: {
                    variants: [
                      { simple: "STRING", structure: { tag: "str" } },
                      { simple: "NONE", structure: { tag: "none" } },
                    ],
                  },
                },
                description: "note",
              },
              default: { scalar: { noneType: {} } },
            },
          },
        },
        fixedInputs: {},
        labels: {},
        annotations: {},
        rawOutputDataConfig: {},
      },
      closure: { expectedInputs: {}, expectedOutputs: {} },
    });
  });

  test("a cron schedule with a kickoff input, fixed and default inputs, notifications and execution settings", () => {
    const nightly = launchPlan(daily, {
      name: "nightly_report",
      defaultInputs: { limit: 50 },
      fixedInputs: { region: "eu-west-1" },
      schedule: cron("0 3 * * *", { kickoffInput: "date", offset: "PT5M" }),
      notifications: [
        { kind: "email", phases: ["failed", "timedOut"], recipients: ["oncall@example.com"] },
        { kind: "slack", phases: ["succeeded"], recipients: ["reports@example.slack.com"] },
        { kind: "pagerDuty", phases: ["aborted"], recipients: ["pd@example.com"] },
      ],
      labels: { team: "data" },
      annotations: { "example.com/owner": "ada" },
      maxParallelism: 4,
      securityContext: {
        runAs: { k8sServiceAccount: "reports" },
        secrets: [{ group: "db", key: "password", mountAs: "env" }],
      },
      rawOutputPrefix: "s3://bucket/reports",
      overwriteCache: true,
      autoActivate: true,
    });
    const spec = lp(nightly).spec;
    expect(spec["entityMetadata"]).toEqual({
      schedule: { kickoffTimeInputArg: "date", cronSchedule: { schedule: "0 3 * * *", offset: "PT5M" } },
      notifications: [
        { phases: ["FAILED", "TIMED_OUT"], email: { recipientsEmail: ["oncall@example.com"] } },
        { phases: ["SUCCEEDED"], slack: { recipientsEmail: ["reports@example.slack.com"] } },
        { phases: ["ABORTED"], pagerDuty: { recipientsEmail: ["pd@example.com"] } },
      ],
    });
    expect(spec["fixedInputs"]).toEqual({
      literals: { region: { scalar: { primitive: { stringValue: "eu-west-1" } } } },
    });
    expect(Object.keys((spec["defaultInputs"] as { parameters: object }).parameters).sort()).toEqual([
      "date",
      "limit",
      "note",
    ]);
    expect(spec["defaultInputs"]).toMatchObject({
      parameters: { limit: { default: { scalar: { primitive: { integer: "50" } } } } },
    });
    expect(spec["labels"]).toEqual({ values: { team: "data" } });
    expect(spec["annotations"]).toEqual({ values: { "example.com/owner": "ada" } });
    expect(spec["maxParallelism"]).toBe(4);
    expect(spec["securityContext"]).toEqual({
      runAs: { k8sServiceAccount: "reports" },
      secrets: [{ group: "db", key: "password", mountRequirement: "ENV_VAR" }],
    });
    expect(spec["rawOutputDataConfig"]).toEqual({ outputLocationPrefix: "s3://bucket/reports" });
    expect(spec["overwriteCache"]).toBe(true);
    expect((nightly as unknown as { autoActivate: boolean }).autoActivate).toBe(true);

    const compiled = compileEntities({ roots: [nightly], settings: SETTINGS });
    expect(compiled.ok).toBe(true);
    const expectations = compiled.ok
      ? compiled.value.launchPlans.find((x) => x.entity === nightly)?.expectations
      : undefined;
    expect(Object.keys(json(ParameterMapSchema, expectations!.expectedInputs) as object)).toEqual(["parameters"]);
  });

  test("fixed rates are stored in days, hours or minutes, as flytekit's FixedRate", () => {
    const rate = (every: Parameters<typeof fixedRate>[0]) =>
      lp(
        launchPlan(daily, {
          name: `rate_${JSON.stringify(every)}`,
          schedule: fixedRate(every, { kickoffInput: "date" }),
        }),
      ).spec["entityMetadata"];
    expect(rate({ days: 2 })).toEqual({ schedule: { kickoffTimeInputArg: "date", rate: { value: 2, unit: "DAY" } } });
    expect(rate({ hours: 3 })).toEqual({ schedule: { kickoffTimeInputArg: "date", rate: { value: 3, unit: "HOUR" } } });
    expect(rate(90 * 60_000)).toEqual({ schedule: { kickoffTimeInputArg: "date", rate: { value: 90 } } });
  });

  test("refuses bad launch plans at the call", () => {
    const unknown = thrown(() => launchPlan(daily, { name: "x1", fixedInputs: { nope: 1 } as never })); // @unknown-input
    expect(unknown.code).toBe(INVALID);
    expect(unknown.rawMessage).toBe(
      `${siteOf(FILE, "@unknown-input", "launchPlan(")}: x1: fixedInputs: "nope" is not an input of the workflow`,
    );
    const wrongType = thrown(() => launchPlan(daily, { name: "x2", defaultInputs: { limit: "ten" as never } })); // @wrong-type
    expect(wrongType.rawMessage).toBe(
      `${siteOf(FILE, "@wrong-type", "launchPlan(")}: x2: defaultInputs.limit: expected integer, got "ten"`,
    );
    const kickoff = thrown(() =>
      launchPlan(daily, { name: "x3", schedule: cron("@daily", { kickoffInput: "region" }) }),
    ); // @kickoff
    expect(kickoff.rawMessage).toBe(
      `${siteOf(FILE, "@kickoff", "launchPlan(")}: x3: the schedule's kickoff input "region" must be a datetime input of the workflow`,
    );
    const badCron = thrown(() => cron("every day")); // @cron
    expect(badCron.rawMessage).toBe(
      `${siteOf(FILE, "@cron", "cron(")}: cron(): "every day" is not a 5-field cron expression (minute hour day-of-month month day-of-week) or an alias such as @hourly`,
    );
    const badRate = thrown(() => fixedRate(90_000)); // @rate
    expect(badRate.rawMessage).toBe(
      `${siteOf(FILE, "@rate", "fixedRate(")}: fixedRate(): the rate must be a positive whole number of minutes, got 90000 ms`,
    );
    const badPhase = thrown(
      () =>
        launchPlan(daily, {
          name: "x4",
          notifications: [{ kind: "email", phases: ["running" as never], recipients: ["a@b"] }],
        }), // @phase
    );
    expect(badPhase.rawMessage).toBe(
      `${siteOf(FILE, "@phase", "launchPlan(")}: notifications[0]: "running" is not a terminal phase (succeeded, failed, aborted, timedOut)`,
    );
  });
});
