import { type LaunchPlan, LaunchPlanSchema, LaunchPlanState } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { FixedRateUnit, type Schedule } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { type AdminSession, callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { launchPlanExecutionSpec } from "./execution-spec-skeleton.js";
import type { FilterFlags } from "./filter-options.js";
import { joinFilters, listRequestParts } from "./list-filters.js";
import { printMessages } from "./print-messages.js";
import { enumName, timestampText } from "./proto-text.js";
import type { Column } from "./table.js";
import { describeParameters, describeVariables } from "./variable-descriptions.js";
import { writeEditableFile } from "./yaml-file.js";

/** The flags of `get launchplan`. */
export interface GetLaunchPlansFlags extends SessionFlags, FilterFlags {
  version?: string;
  latest?: boolean;
  execFile?: string;
  workflow?: string;
}

/** flytectl's table of a named launch plan (flytectl/cmd/get/launch_plan.go), without its always-empty Type. */
const launchPlanColumns: Column<LaunchPlan>[] = [
  { header: "Version", value: (lp) => lp.id?.version ?? "" },
  { header: "Name", value: (lp) => lp.id?.name ?? "" },
  { header: "State", value: (lp) => enumName(LaunchPlanState, lp.closure?.state ?? 0) },
  { header: "Schedule", value: (lp) => scheduleText(lp.spec?.entityMetadata?.schedule) },
  { header: "Inputs", value: (lp) => describeParameters(lp.closure?.expectedInputs?.parameters) },
  { header: "Outputs", value: (lp) => describeVariables(lp.closure?.expectedOutputs?.variables) },
];

/** flytectl's table of the launch plans of a project and domain. */
const launchPlanListColumns: Column<LaunchPlan>[] = [
  { header: "Version", value: (lp) => lp.id?.version ?? "" },
  { header: "Name", value: (lp) => lp.id?.name ?? "" },
  { header: "Type", value: (lp) => enumName(ResourceType, lp.id?.resourceType ?? 0) },
  { header: "CreatedAt", value: (lp) => timestampText(lp.closure?.createdAt) },
];

/**
 * `aloft get launchplan [name]`: the launch plans of the project and domain (optionally only those of
 * `--workflow`), or the versions of one (all, `--latest`, `--version v`). With `--execFile`, also writes an
 * execution spec for the first one shown.
 *
 * @throws CliError for contradictory flags, a name with no versions or a missing version.
 */
export async function getLaunchPlans(
  name: string | undefined,
  flags: GetLaunchPlansFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("get launchplan");
    const domain = session.domain("get launchplan");
    let launchPlans: LaunchPlan[];
    if (name === undefined) {
      if (flags.version !== undefined || flags.latest === true || flags.execFile !== undefined) {
        throw CliError.usage("--version, --latest and --execFile need a launch plan name");
      }
      if (flags.workflow !== undefined && flags["filter.fieldSelector"] !== undefined) {
        throw CliError.usage("--filter.fieldSelector cannot be combined with --workflow");
      }
      const workflowFilter = flags.workflow === undefined ? "" : `eq(workflow.name,${flags.workflow})`;
      launchPlans = await listLaunchPlans(session, project, domain, "", flags, workflowFilter);
    } else {
      if (flags.workflow !== undefined) throw CliError.usage("--workflow lists launch plans: give no name with it");
      launchPlans = await launchPlansNamed(session, project, domain, name, flags);
    }
    if (flags.execFile !== undefined && launchPlans[0] !== undefined) {
      await writeEditableFile(flags.execFile, launchPlanExecutionSpec(launchPlans[0]), {
        cwd: context.cwd,
        output: context.output,
      });
      context.output.stderr(`wrote the execution spec to ${flags.execFile}\n`);
    }
    printMessages(context.output, session.format, {
      schema: LaunchPlanSchema,
      messages: launchPlans,
      columns: name === undefined ? launchPlanListColumns : launchPlanColumns,
    });
  });
}

/** flytectl's FetchLPForName: `--latest` is the newest version, `--version` one version, else all of them. */
async function launchPlansNamed(
  session: AdminSession,
  project: string,
  domain: string,
  name: string,
  flags: GetLaunchPlansFlags,
): Promise<LaunchPlan[]> {
  if (flags.version !== undefined) {
    const admin = await session.admin();
    const id = { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name, version: flags.version };
    return [await callAdmin(`get launch plan ${name} version ${flags.version}`, () => admin.getLaunchPlan({ id }))];
  }
  const versions = await listLaunchPlans(
    session,
    project,
    domain,
    name,
    flags.latest === true ? { "filter.limit": 1 } : flags,
    "",
  );
  if (versions.length === 0) throw CliError.failure(`no versions of launch plan ${name} in ${project}/${domain}`);
  return versions;
}

async function listLaunchPlans(
  session: AdminSession,
  project: string,
  domain: string,
  name: string,
  flags: FilterFlags,
  extraFilter: string,
): Promise<LaunchPlan[]> {
  const admin = await session.admin();
  const parts = listRequestParts(flags);
  const request = { id: { project, domain, name }, ...parts, filters: joinFilters(extraFilter, parts.filters) };
  return (await callAdmin("list launch plans", () => admin.listLaunchPlans(request))).launchPlans;
}

/** A schedule in one phrase: the cron expression, or `every 5 MINUTE`. */
function scheduleText(schedule: Schedule | undefined): string {
  const expression = schedule?.ScheduleExpression;
  switch (expression?.case) {
    case "cronSchedule":
      return expression.value.schedule + (expression.value.offset === "" ? "" : ` offset ${expression.value.offset}`);
    case "cronExpression":
      return expression.value;
    case "rate":
      return `every ${expression.value.value} ${enumName(FixedRateUnit, expression.value.unit)}`;
    default:
      return "";
  }
}
