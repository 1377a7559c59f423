import type { Schedule } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import type { NewSchedulableEntityRow } from "../db/schema.js";
import type { EntityKey } from "../repositories/keys.js";

/**
 * The schedule of a launch plan version → an active `schedulable_entities` row. flyteadmin's native
 * scheduler accepts only `cron_schedule` and `rate` and rejects the deprecated `cron_expression`;
 * that check belongs to the caller, which this function does not replace (it copies the expression).
 */
export function schedulableEntityToRow(key: EntityKey, schedule: Schedule): NewSchedulableEntityRow {
  const expression = schedule.ScheduleExpression;
  return {
    project: key.project,
    domain: key.domain,
    name: key.name,
    version: key.version,
    cron_expression:
      expression.case === "cronSchedule"
        ? expression.value.schedule
        : expression.case === "cronExpression"
          ? expression.value
          : "",
    fixed_rate_value: expression.case === "rate" ? expression.value.value : 0,
    unit: expression.case === "rate" ? expression.value.unit : 0,
    kickoff_time_input_arg: schedule.kickoffTimeInputArg,
    active: true,
  };
}
