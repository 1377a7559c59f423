import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { Shape, ValuesOf } from "../types/type.js";
import { constantLiteral } from "../workflow/bind.js";
import { callEntity } from "../workflow/call.js";
import { definitionError } from "../workflow/definition-error.js";
import { captureCallSite } from "./call-site.js";
import { makeCallable } from "./callable.js";
import { launchPlanCallee } from "./callee.js";
import {
  DECL,
  isDeclared,
  type LaunchPlanDecl,
  type NotificationDecl,
  type NotificationPhase,
  type ScheduleDecl,
  type SecurityContextDecl,
  type WorkflowDecl,
  type WorkflowEntityLike,
} from "./decl.js";
import { ENTITY_BRAND, type CallSite, type EntityBase, type EntityLocation } from "./entity.js";
import { entityLabel } from "./entity-label.js";
import type { LaunchPlan, NoShape, Workflow } from "./entity-types.js";
import { registerEntity } from "./registry.js";
import { validateSecret } from "./resources.js";
import { checkKnownOptions, shapesOf } from "./task-options.js";

/** When a launch plan runs by itself (made by {@link cron} or {@link fixedRate}). */
export interface Schedule {
  /** @internal */
  readonly decl: ScheduleDecl;
}

/** A notification sent when an execution of the launch plan ends in one of `phases`. */
export interface Notification {
  /** Email, Slack or PagerDuty (all delivered by email, as in Flyte). */
  kind: "email" | "slack" | "pagerDuty";
  /** Terminal phases to notify on. */
  phases: readonly NotificationPhase[];
  /** Email addresses. */
  recipients: readonly string[];
}

/** Options of {@link launchPlan}. */
export interface LaunchPlanOptions<I extends Shape> {
  /** The registered name; by default `<module path>.<export name>`. */
  name?: string;
  /** Values of workflow inputs that launches may override. */
  defaultInputs?: Partial<ValuesOf<I>>;
  /** Values of workflow inputs that launches cannot change. */
  fixedInputs?: Partial<ValuesOf<I>>;
  /** Run on a schedule: `cron("0 * * * *")` or `fixedRate({ minutes: 10 })` (once activated). */
  schedule?: Schedule;
  notifications?: readonly Notification[];
  /** Kubernetes labels of the executions' resources. */
  labels?: Readonly<Record<string, string>>;
  /** Kubernetes annotations of the executions' resources. */
  annotations?: Readonly<Record<string, string>>;
  /** How many task nodes may run at once in an execution. */
  maxParallelism?: number;
  /** Who executions run as, and the secrets they may use. */
  securityContext?: SecurityContextDecl;
  /** Where executions write offloaded data (files, datasets). */
  rawOutputPrefix?: string;
  /** Always recompute cached tasks. @default false */
  overwriteCache?: boolean;
  /** Activate the launch plan (start its schedule) when it is registered. @default false */
  autoActivate?: boolean;
}

const LAUNCH_PLAN_OPTION_NAMES = [
  "name",
  "defaultInputs",
  "fixedInputs",
  "schedule",
  "notifications",
  "labels",
  "annotations",
  "maxParallelism",
  "securityContext",
  "rawOutputPrefix",
  "overwriteCache",
  "autoActivate",
];

// flytekit's `CronSchedule._VALID_CRON_ALIASES`.
const CRON_ALIASES = new Set([
  "hourly",
  "hours",
  "@hourly",
  "daily",
  "days",
  "@daily",
  "weekly",
  "weeks",
  "@weekly",
  "monthly",
  "months",
  "@monthly",
  "annually",
  "@annually",
  "yearly",
  "years",
  "@yearly",
]);
const CRON_FIELD = /^[0-9A-Za-z*?,/#LW-]+$/;
// flytekit's `CronSchedule._OFFSET_PATTERN` (an ISO 8601 duration).
const OFFSET = /^([-+]?)P([-+0-9YMWD]+)?(T([-+0-9HMS.,]+)?)?$/;

/** Options of {@link cron}. */
export interface CronOptions {
  /** A datetime input of the workflow that receives the scheduled time of each run. */
  kickoffInput?: string;
  /** An ISO 8601 duration to shift the schedule by (`PT5M`). */
  offset?: string;
}

/**
 * A cron schedule: five fields (`"*\/5 * * * *"`) or an alias (`"@hourly"`, `"daily"`…), as
 * flytekit's `CronSchedule(schedule=…)`.
 *
 * @throws AloftError `InvalidArgument` for an expression or offset that does not parse.
 */
export function cron(expression: string, options: CronOptions = {}): Schedule {
  const site = captureCallSite();
  const expr = typeof expression === "string" ? expression.trim() : "";
  if (!CRON_ALIASES.has(expr.toLowerCase())) {
    const fields = expr.split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      throw definitionError(
        site,
        `cron(): "${String(expression)}" is not a 5-field cron expression (minute hour day-of-month month day-of-week) or an alias such as @hourly`,
      );
    }
  }
  if (options.offset !== undefined && !OFFSET.test(options.offset)) {
    throw definitionError(site, `cron(): offset "${options.offset}" is not an ISO 8601 duration`);
  }
  return { decl: { kind: "cron", schedule: expr, offset: options.offset, kickoffInput: options.kickoffInput } };
}

/** A duration for {@link fixedRate}: milliseconds, or days, hours and minutes. */
export type RateDuration = number | { days?: number; hours?: number; minutes?: number };

/**
 * Runs every `every` (at least a minute, in whole minutes), as flytekit's `FixedRate`: stored in days
 * when it divides evenly into days, else hours, else minutes.
 *
 * @throws AloftError `InvalidArgument` for durations that are not whole minutes.
 */
export function fixedRate(every: RateDuration, options: { kickoffInput?: string } = {}): Schedule {
  const site = captureCallSite();
  const ms =
    typeof every === "number"
      ? every
      : ((every.days ?? 0) * 24 * 60 + (every.hours ?? 0) * 60 + (every.minutes ?? 0)) * 60_000;
  const minute = 60_000;
  if (!Number.isFinite(ms) || ms <= 0 || ms % minute !== 0) {
    throw definitionError(site, `fixedRate(): the rate must be a positive whole number of minutes, got ${ms} ms`);
  }
  const minutes = ms / minute;
  const decl: ScheduleDecl =
    minutes % (24 * 60) === 0
      ? { kind: "rate", value: minutes / (24 * 60), unit: "day", kickoffInput: options.kickoffInput }
      : minutes % 60 === 0
        ? { kind: "rate", value: minutes / 60, unit: "hour", kickoffInput: options.kickoffInput }
        : { kind: "rate", value: minutes, unit: "minute", kickoffInput: options.kickoffInput };
  return { decl };
}

/** A launch plan: a workflow with inputs, a schedule, notifications… @internal */
export class LaunchPlanImpl {
  readonly [ENTITY_BRAND] = "launch-plan" as const;
  readonly kind = "launch-plan" as const;
  location: EntityLocation | undefined = undefined;
  readonly declaredAt: CallSite | undefined;
  readonly [DECL]: LaunchPlanDecl;
  private ownName: string | undefined;

  constructor(decl: LaunchPlanDecl, name: string | undefined, site: CallSite | undefined) {
    this[DECL] = decl;
    this.ownName = name;
    this.declaredAt = site;
  }

  /** A default launch plan is named like its workflow; others by their option or location. */
  get name(): string | undefined {
    return this.ownName ?? (this[DECL].isDefault ? this[DECL].workflow.name : undefined);
  }

  set name(value: string | undefined) {
    this.ownName = value;
  }

  get inputs(): Shape {
    return shapesOf((this[DECL].workflow[DECL] as WorkflowDecl).iface).inputs;
  }

  get outputs(): Shape {
    return shapesOf((this[DECL].workflow[DECL] as WorkflowDecl).iface).outputs;
  }

  /** Whether registration activates it. */
  get autoActivate(): boolean {
    return this[DECL].autoActivate;
  }
}

function createLaunchPlan(decl: LaunchPlanDecl, name: string | undefined, site: CallSite | undefined): LaunchPlanImpl {
  const entity = makeCallable(new LaunchPlanImpl(decl, name, site), (self, inputs) =>
    callEntity(() => launchPlanCallee(self), inputs, captureCallSite()),
  );
  registerEntity(entity);
  return entity;
}

const defaults = new WeakMap<EntityBase, LaunchPlanImpl>();

function workflowOf(workflow: unknown, what: string, site: CallSite | undefined): WorkflowEntityLike {
  if (!isDeclared(workflow) || workflow.kind !== "workflow") {
    throw definitionError(site, `${what}: expected a workflow made by workflow()`);
  }
  if ((workflow as WorkflowEntityLike)[DECL].kind !== "workflow") {
    throw definitionError(site, `${what}: a reference workflow cannot get a launch plan here; use referenceLaunchPlan`);
  }
  return workflow as WorkflowEntityLike;
}

function emptyDecl(workflow: WorkflowEntityLike, isDefault: boolean): LaunchPlanDecl {
  return {
    kind: "launch-plan",
    workflow,
    isDefault,
    defaultInputs: {},
    defaultLiterals: {},
    fixedInputs: {},
    fixedLiterals: {},
    schedule: undefined,
    notifications: [],
    labels: {},
    annotations: {},
    maxParallelism: undefined,
    securityContext: undefined,
    rawOutputPrefix: undefined,
    overwriteCache: false,
    autoActivate: false,
  };
}

/**
 * The default launch plan of a workflow: named like it, offering the workflow's input defaults, with
 * nothing else (flytekit creates one for every workflow at registration). The same object every time.
 */
export function defaultLaunchPlan<I extends Shape, O extends Shape, S extends boolean, D extends PropertyKey>(
  workflow: Workflow<I, O, S, D>,
): LaunchPlan<I, O, S, D> {
  const site = captureCallSite();
  const wf = workflowOf(workflow, "defaultLaunchPlan()", site);
  let lp = defaults.get(wf);
  if (lp === undefined) {
    lp = createLaunchPlan(emptyDecl(wf, true), undefined, wf.declaredAt);
    defaults.set(wf, lp);
  }
  return lp as unknown as LaunchPlan<I, O, S, D>;
}

function encodeInputs(
  given: Readonly<Record<string, unknown>> | undefined,
  wf: WorkflowDecl,
  what: string,
  site: CallSite | undefined,
): { values: Record<string, unknown>; literals: Record<string, Literal> } {
  const values: Record<string, unknown> = {};
  const literals: Record<string, Literal> = {};
  if (given === undefined) return { values, literals };
  if (typeof given !== "object" || given === null) throw definitionError(site, `${what} must be an object of values`);
  for (const [name, value] of Object.entries(given)) {
    const v = wf.iface.inputs[name];
    if (v === undefined) throw definitionError(site, `${what}: "${name}" is not an input of the workflow`);
    if (value === undefined) continue;
    literals[name] = constantLiteral(value, v, { site, what: `${what}.${name}` });
    values[name] = value;
  }
  return { values, literals };
}

const PHASES: readonly NotificationPhase[] = ["succeeded", "failed", "aborted", "timedOut"];

function checkNotifications(list: readonly Notification[] | undefined, site: CallSite | undefined): NotificationDecl[] {
  return (list ?? []).map((n, i) => {
    const what = `notifications[${i}]`;
    if (n.kind !== "email" && n.kind !== "slack" && n.kind !== "pagerDuty") {
      throw definitionError(site, `${what}: kind must be "email", "slack" or "pagerDuty"`);
    }
    if (!Array.isArray(n.phases) || n.phases.length === 0) {
      throw definitionError(site, `${what}: give at least one phase (${PHASES.join(", ")})`);
    }
    for (const p of n.phases) {
      if (!PHASES.includes(p))
        throw definitionError(site, `${what}: "${String(p)}" is not a terminal phase (${PHASES.join(", ")})`);
    }
    if (!Array.isArray(n.recipients) || n.recipients.length === 0) {
      throw definitionError(site, `${what}: give at least one recipient`);
    }
    return { kind: n.kind, phases: [...n.phases], recipients: [...n.recipients] };
  });
}

/**
 * A launch plan of a workflow: how to launch it (default and fixed inputs, schedule, notifications,
 * labels…), as flytekit's `LaunchPlan.get_or_create(workflow, name, …)`. Call it in a workflow body
 * to start it as a child execution.
 *
 * ```ts
 * export const nightly = launchPlan(report, {
 *   fixedInputs: { region: "eu" },
 *   schedule: cron("0 3 * * *", { kickoffInput: "date" }),
 *   notifications: [{ kind: "email", phases: ["failed"], recipients: ["team@example.com"] }],
 * });
 * ```
 *
 * @throws AloftError `InvalidArgument` (with the call site) for unknown options, inputs the workflow
 * lacks, values of the wrong type, and a kickoff input that is not a datetime input.
 */
export function launchPlan<
  I extends Shape,
  O extends Shape,
  S extends boolean,
  D extends PropertyKey,
  const DI extends Partial<ValuesOf<I>> = NoShape,
  const FI extends Partial<ValuesOf<I>> = NoShape,
>(
  workflow: Workflow<I, O, S, D>,
  options: LaunchPlanOptions<I> & { defaultInputs?: DI; fixedInputs?: FI } = {},
): LaunchPlan<I, O, S, D | keyof DI | keyof FI> {
  const site = captureCallSite();
  const wf = workflowOf(workflow, "launchPlan()", site);
  const wfDecl = wf[DECL] as WorkflowDecl;
  const label = options.name ?? `launch plan of ${entityLabel(wf)}`;
  if (typeof options !== "object" || options === null)
    throw definitionError(site, `${label}: options must be an object`);
  checkKnownOptions(options, LAUNCH_PLAN_OPTION_NAMES, label, site);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw definitionError(site, `${label}: name must be a non-empty string`);
  }
  const decl = emptyDecl(wf, false);
  const d = encodeInputs(options.defaultInputs, wfDecl, `${label}: defaultInputs`, site);
  const f = encodeInputs(options.fixedInputs, wfDecl, `${label}: fixedInputs`, site);
  const schedule = options.schedule?.decl;
  const kickoff = schedule?.kickoffInput;
  if (kickoff !== undefined) {
    const v = wfDecl.iface.inputs[kickoff];
    if (v === undefined || v.literalType.type.case !== "simple" || v.literalType.type.value !== SimpleType.DATETIME) {
      throw definitionError(
        site,
        `${label}: the schedule's kickoff input "${kickoff}" must be a datetime input of the workflow`,
      );
    }
    if (kickoff in f.values) throw definitionError(site, `${label}: the kickoff input "${kickoff}" cannot be fixed`);
  }
  if (
    options.maxParallelism !== undefined &&
    (!Number.isSafeInteger(options.maxParallelism) || options.maxParallelism < 0)
  ) {
    throw definitionError(site, `${label}: maxParallelism must be a non-negative integer`);
  }
  for (const s of options.securityContext?.secrets ?? []) {
    try {
      validateSecret(s, `${label}: securityContext.secrets`);
    } catch (e) {
      throw definitionError(site, (e as Error & { rawMessage?: string }).rawMessage ?? String(e));
    }
  }
  Object.assign(decl, {
    defaultInputs: d.values,
    defaultLiterals: d.literals,
    fixedInputs: f.values,
    fixedLiterals: f.literals,
    schedule,
    notifications: checkNotifications(options.notifications, site),
    labels: { ...options.labels },
    annotations: { ...options.annotations },
    maxParallelism: options.maxParallelism,
    securityContext: options.securityContext,
    rawOutputPrefix: options.rawOutputPrefix,
    overwriteCache: options.overwriteCache ?? false,
    autoActivate: options.autoActivate ?? false,
  } satisfies Partial<LaunchPlanDecl>);
  return createLaunchPlan(decl, options.name, site) as unknown as LaunchPlan<I, O, S, D | keyof DI | keyof FI>;
}
