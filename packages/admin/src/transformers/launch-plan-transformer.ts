import { dbTimeToTimestamp } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import {
  type LaunchPlan,
  LaunchPlanClosureSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { Schedule } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LaunchPlanRow, NewLaunchPlanRow } from "../db/schema.js";
import { entityKeyToId } from "./identifier-transformer.js";
import { decodeColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link launchPlanToRow}. */
export interface LaunchPlanToRowInput {
  /** The launch plan with its resolved spec and closure (expected inputs and outputs). */
  launchPlan: LaunchPlan;
  /** `workflows.id` of the launched workflow. */
  workflowRowId: number;
  digest: Uint8Array;
  /** `admin.LaunchPlanState`; new launch plans are INACTIVE (0). */
  state: number;
}

/** A launch plan → a `launch_plans` row, promoting the schedule type (`NONE`/`CRON`/`RATE`). */
export function launchPlanToRow(input: LaunchPlanToRowInput): NewLaunchPlanRow {
  const { launchPlan } = input;
  const scheduleType = scheduleTypeOf(launchPlan.spec?.entityMetadata?.schedule);
  return {
    project: launchPlan.id?.project ?? "",
    domain: launchPlan.id?.domain ?? "",
    name: launchPlan.id?.name ?? "",
    version: launchPlan.id?.version ?? "",
    spec: encodeColumn(LaunchPlanSpecSchema, launchPlan.spec ?? create(LaunchPlanSpecSchema)),
    closure: encodeColumn(LaunchPlanClosureSchema, launchPlan.closure ?? create(LaunchPlanClosureSchema)),
    workflow_id: input.workflowRowId,
    state: input.state,
    digest: input.digest,
    schedule_type: scheduleType,
    launch_condition_type: scheduleType === "NONE" ? null : "SCHED",
  };
}

/** `CRON` for a cron expression or cron schedule, `RATE` for a fixed rate, else `NONE`. */
export function scheduleTypeOf(schedule: Schedule | undefined): "NONE" | "CRON" | "RATE" {
  const expression = schedule?.ScheduleExpression;
  if (expression === undefined) return "NONE";
  if ((expression.case === "cronExpression" && expression.value !== "") || expression.case === "cronSchedule") {
    return "CRON";
  }
  if (expression.case === "rate") return "RATE";
  return "NONE";
}

/** A `launch_plans` row → `admin.LaunchPlan`; closure state and times come from the row. */
export function launchPlanFromRow(row: LaunchPlanRow): LaunchPlan {
  const spec = decodeColumn(LaunchPlanSpecSchema, row.spec, "spec");
  const closure = decodeColumn(LaunchPlanClosureSchema, row.closure, "closure");
  closure.state = row.state;
  closure.createdAt = dbTimeToTimestamp(row.created_at);
  closure.updatedAt = dbTimeToTimestamp(row.updated_at);
  return create(LaunchPlanSchema, { id: entityKeyToId(row, ResourceType.LAUNCH_PLAN), spec, closure });
}
