import { create } from "@bufbuild/protobuf";
import { AloftError, launchPlanId, noneLiteral } from "@aloft/idl";
import {
  AnnotationsSchema,
  EmailNotificationSchema,
  LabelsSchema,
  NotificationSchema,
  PagerDutyNotificationSchema,
  RawOutputDataConfigSchema,
  SlackNotificationSchema,
  type Notification,
} from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  LaunchPlanClosureSchema,
  LaunchPlanMetadataSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
  type LaunchPlan,
} from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  CronScheduleSchema,
  FixedRateSchema,
  FixedRateUnit,
  ScheduleSchema,
  type Schedule,
} from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  ParameterMapSchema,
  ParameterSchema,
  VariableMapSchema,
  VariableSchema,
  type Parameter,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { IdentitySchema, SecurityContextSchema, type SecurityContext } from "@aloft/idl/gen/flyteidl/core/security_pb";
import {
  DECL,
  type LaunchPlanDecl,
  type LaunchPlanEntityLike,
  type NotificationPhase,
  type ScheduleDecl,
  type SecurityContextDecl,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import type { EntityBase } from "../entities/entity.js";
import { strictNaming } from "./naming.js";
import { secretsContext, type SerializeContext } from "./serialize-task.js";
import { workflowIdOf } from "./serialize-workflow.js";
import type { SerializationSettings } from "./serialization-settings.js";

const PHASES: Record<NotificationPhase, WorkflowExecution_Phase> = {
  succeeded: WorkflowExecution_Phase.SUCCEEDED,
  failed: WorkflowExecution_Phase.FAILED,
  aborted: WorkflowExecution_Phase.ABORTED,
  timedOut: WorkflowExecution_Phase.TIMED_OUT,
};

function schedule(s: ScheduleDecl): Schedule {
  return create(ScheduleSchema, {
    kickoffTimeInputArg: s.kickoffInput ?? "",
    ScheduleExpression:
      s.kind === "cron"
        ? { case: "cronSchedule", value: create(CronScheduleSchema, { schedule: s.schedule, offset: s.offset ?? "" }) }
        : {
            case: "rate",
            value: create(FixedRateSchema, {
              value: s.value,
              unit:
                s.unit === "day" ? FixedRateUnit.DAY : s.unit === "hour" ? FixedRateUnit.HOUR : FixedRateUnit.MINUTE,
            }),
          },
  });
}

function notification(n: LaunchPlanDecl["notifications"][number]): Notification {
  const phases = n.phases.map((p) => PHASES[p]);
  const recipientsEmail = [...n.recipients];
  switch (n.kind) {
    case "email":
      return create(NotificationSchema, {
        phases,
        type: { case: "email", value: create(EmailNotificationSchema, { recipientsEmail }) },
      });
    case "slack":
      return create(NotificationSchema, {
        phases,
        type: { case: "slack", value: create(SlackNotificationSchema, { recipientsEmail }) },
      });
    case "pagerDuty":
      return create(NotificationSchema, {
        phases,
        type: { case: "pagerDuty", value: create(PagerDutyNotificationSchema, { recipientsEmail }) },
      });
  }
}

/** flyteidl `SecurityContext` of a launch plan's `securityContext` option. @internal */
export function securityContext(s: SecurityContextDecl | undefined): SecurityContext | undefined {
  if (s === undefined) return undefined;
  const secrets = secretsContext(s.secrets ?? [])?.secrets ?? [];
  return create(SecurityContextSchema, {
    runAs:
      s.runAs === undefined
        ? undefined
        : create(IdentitySchema, {
            k8sServiceAccount: s.runAs.k8sServiceAccount ?? "",
            iamRole: s.runAs.iamRole ?? "",
            executionIdentity: s.runAs.executionIdentity ?? "",
          }),
    secrets,
  });
}

function launchPlanDecl(lp: EntityBase): LaunchPlanDecl {
  const decl = (lp as Partial<LaunchPlanEntityLike>)[DECL];
  if (lp.kind !== "launch-plan" || decl === undefined) {
    throw AloftError.invalidArgument(`expected a launch plan, got a ${lp.kind}`);
  }
  if (decl.kind === "reference") {
    throw AloftError.invalidArgument(
      `launch plan ${decl.id.name} is a reference to a registered launch plan; it is not serialized`,
    );
  }
  return decl;
}

/**
 * The default inputs of a launch plan, as flytekit's `transform_inputs_to_parameters` (plus the launch
 * plan's own defaults, which win): every workflow input that is not fixed, with its default literal
 * when it has one, a plain none literal when it is optional, else required.
 * @internal
 */
export function launchPlanParameters(decl: LaunchPlanDecl): Record<string, Parameter> {
  const wfDecl = (decl.workflow as WorkflowEntityLike)[DECL];
  const params: Record<string, Parameter> = {};
  const wfDefaults = wfDecl.kind === "workflow" ? wfDecl.defaultLiterals : {};
  for (const [name, v] of Object.entries(wfDecl.iface.inputs)) {
    if (name in decl.fixedLiterals) continue;
    const variable = create(VariableSchema, { type: v.literalType, description: v.description });
    const literal = decl.defaultLiterals[name] ?? wfDefaults[name];
    params[name] = create(ParameterSchema, {
      var: variable,
      behavior:
        literal !== undefined
          ? { case: "default", value: literal }
          : v.optional
            ? { case: "default", value: noneLiteral() }
            : { case: "required", value: true },
    });
  }
  return params;
}

/** The id a launch plan is registered under (its own id for references). @internal */
export function launchPlanIdOf(lp: LaunchPlanEntityLike, ctx: SerializeContext): Identifier {
  const decl = lp[DECL];
  if (decl.kind === "reference") return launchPlanId(decl.id);
  const { project, domain, version } = ctx.settings;
  return launchPlanId({ project, domain, name: ctx.naming.nameOf(lp), version });
}

/**
 * A launch plan as flytekit's `get_serializable_launch_plan` writes it: spec with workflow id,
 * metadata (schedule, notifications), default and fixed inputs, labels, annotations and raw output
 * config always present (empty when unset), max parallelism, security context; a closure with empty
 * expected inputs and outputs (admin fills them).
 * @internal
 */
export function launchPlanProto(lp: LaunchPlanEntityLike, ctx: SerializeContext): LaunchPlan {
  const decl = launchPlanDecl(lp);
  return create(LaunchPlanSchema, {
    id: launchPlanIdOf(lp, ctx),
    spec: create(LaunchPlanSpecSchema, {
      workflowId: workflowIdOf(decl.workflow, ctx),
      entityMetadata: create(LaunchPlanMetadataSchema, {
        schedule: decl.schedule === undefined ? undefined : schedule(decl.schedule),
        notifications: decl.notifications.map(notification),
      }),
      defaultInputs: create(ParameterMapSchema, { parameters: launchPlanParameters(decl) }),
      fixedInputs: create(LiteralMapSchema, { literals: { ...decl.fixedLiterals } }),
      labels: create(LabelsSchema, { values: { ...decl.labels } }),
      annotations: create(AnnotationsSchema, { values: { ...decl.annotations } }),
      rawOutputDataConfig: create(RawOutputDataConfigSchema, { outputLocationPrefix: decl.rawOutputPrefix ?? "" }),
      maxParallelism: decl.maxParallelism ?? 0,
      securityContext: securityContext(decl.securityContext),
      overwriteCache: decl.overwriteCache,
    }),
    closure: create(LaunchPlanClosureSchema, {
      expectedInputs: create(ParameterMapSchema, {}),
      expectedOutputs: create(VariableMapSchema, {}),
    }),
  });
}

/**
 * Serializes a launch plan for registration, with ids from `settings`.
 *
 * @throws AloftError `InvalidArgument` when it or its workflow is unnamed, or it is a reference.
 */
export function serializeLaunchPlan(lp: EntityBase, settings: SerializationSettings): LaunchPlan {
  launchPlanDecl(lp);
  return launchPlanProto(lp as LaunchPlanEntityLike, { settings, naming: strictNaming() });
}
