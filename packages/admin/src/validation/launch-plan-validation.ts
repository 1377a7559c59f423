/**
 * CreateLaunchPlan checks (flyteadmin `launch_plan_validator.go`) apart from the project-domain gate and the
 * workflow lookup, which the manager runs. Inputs are checked with flyteadmin's messages first (so clients see
 * the same text), then the compiler's `validateLaunchPlanInputs` computes the expected inputs and outputs.
 */
import { AloftError, literalTypeToString } from "@aloft/idl";
import { formatCompileError, isCastable, validateLaunchPlanInputs } from "@aloft/compiler";
import type { LaunchPlanCreateRequest, LaunchPlanSpec } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { Schedule } from "@aloft/idl/gen/flyteidl/admin/schedule_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ParameterMap, TypedInterface, VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { validateCronExpression } from "./cron-validation.js";
import { missingArgument } from "./field-validation.js";
import { validateIdentifier } from "./identifier-validation.js";
import { validateLabels } from "./label-validation.js";
import { validatedLiteralType, validateLiteralMap, validateParameterMap } from "./literal-validation.js";
import { validateNotifications } from "./notification-validation.js";

/** A create request whose identifier, spec and workflow id are present. */
export type CheckedLaunchPlanCreateRequest = LaunchPlanCreateRequest & {
  id: Identifier;
  spec: LaunchPlanSpec & { workflowId: Identifier };
};

/**
 * The launch plan's identifier (type LAUNCH_PLAN, fully set); run before the project gate.
 * @throws AloftError InvalidArgument (identifier messages).
 */
export function validateLaunchPlanIdentifier(
  request: LaunchPlanCreateRequest,
): asserts request is LaunchPlanCreateRequest & { id: Identifier } {
  validateIdentifier(request.id, ResourceType.LAUNCH_PLAN);
}

/** What a launch plan resolves to once validated. */
export interface LaunchPlanExpectations {
  /** The default inputs plus a required parameter for each workflow input neither defaulted nor fixed. */
  expectedInputs: ParameterMap;
  /** The workflow's outputs. */
  expectedOutputs: VariableMap;
}

/**
 * `ValidateLaunchPlan` after the project gate: spec present, workflow id of type WORKFLOW, labels, fixed and
 * default inputs against the workflow interface. {@link launchPlanExpectations} (schedule) and
 * {@link validateLaunchPlanMetadata} (notifications) follow, in flyteadmin's order.
 *
 * @param allowArtifacts `featureGates.enableArtifacts`.
 * @throws AloftError InvalidArgument with flyteadmin's messages ("missing spec", "unexpected default_input x",
 *   "invalid fixed_input wrong type x, expected …, got … instead", "Cannot create a launch plan with a schedule if
 *   there is an unbound required input. [x] is required", "Invalid cron expression: …", …).
 */
export function validateLaunchPlanSpec(
  request: LaunchPlanCreateRequest & { id: Identifier },
  workflowInterface: TypedInterface,
  allowArtifacts: boolean,
): asserts request is CheckedLaunchPlanCreateRequest {
  const spec = request.spec;
  if (spec === undefined) throw missingArgument("spec");
  validateIdentifier(spec.workflowId, ResourceType.WORKFLOW);
  validateLabels(spec.labels);
  validateLiteralMap(spec.fixedInputs, "fixed_inputs");
  validateParameterMap(spec.defaultInputs, "default_inputs", { allowArtifacts });
  checkInputsAgainstWorkflow(spec, workflowInterface);
}

/**
 * The last checks of `ValidateLaunchPlan`, after the schedule: notifications and no launch conditions.
 * @throws AloftError InvalidArgument with the notification messages or "Launch condition must be empty, found …".
 */
export function validateLaunchPlanMetadata(spec: LaunchPlanSpec): void {
  const metadata = spec.entityMetadata;
  if (metadata === undefined) return;
  validateNotifications(metadata.notifications);
  if (metadata.launchConditions !== undefined) {
    throw AloftError.invalidArgument(`Launch condition must be empty, found ${metadata.launchConditions.typeUrl}`);
  }
}

/**
 * The expected inputs and outputs of a validated launch plan (compiler `validateLaunchPlanInputs`), checking the
 * schedule against them.
 *
 * @throws AloftError InvalidArgument with the compiler's errors, or a schedule message.
 */
export function launchPlanExpectations(
  spec: LaunchPlanSpec,
  workflowInterface: TypedInterface,
  allowArtifacts: boolean,
): LaunchPlanExpectations {
  const result = validateLaunchPlanInputs({
    workflowInterface,
    ...(spec.defaultInputs === undefined ? {} : { defaultInputs: spec.defaultInputs }),
    ...(spec.fixedInputs === undefined ? {} : { fixedInputs: spec.fixedInputs }),
    allowArtifactQueries: allowArtifacts,
  });
  if (!result.ok) throw AloftError.invalidArgument(result.errors.map(formatCompileError).join(", "));
  validateSchedule(spec.entityMetadata?.schedule, result.value.expectedInputs);
  return result.value;
}

/** flyteadmin's `checkAndFetchExpectedInputForLaunchPlan` checks, in sorted name order. */
function checkInputsAgainstWorkflow(spec: LaunchPlanSpec, workflowInterface: TypedInterface): void {
  const defaults = spec.defaultInputs?.parameters ?? {};
  const fixed = spec.fixedInputs?.literals ?? {};
  const workflowInputs = workflowInterface.inputs?.variables ?? {};
  if (Object.keys(workflowInputs).length === 0) {
    const defaultCount = Object.keys(defaults).length;
    if (defaultCount > 0) {
      throw AloftError.invalidArgument(`invalid launch plan default inputs, expected none but found ${defaultCount}`);
    }
    const fixedCount = Object.keys(fixed).length;
    if (fixedCount > 0) {
      throw AloftError.invalidArgument(`invalid launch plan fixed inputs, expected none but found ${fixedCount}`);
    }
    return;
  }
  for (const name of Object.keys(defaults).sort()) {
    const target = workflowInputs[name];
    if (target === undefined) throw AloftError.invalidArgument(`unexpected default_input ${name}`);
    const declared = defaults[name]?.var?.type;
    if (declared === undefined || target.type === undefined || !isCastable(declared, target.type)) {
      throw AloftError.invalidArgument(
        `invalid default_input wrong type ${name}, expected ${literalTypeToString(declared)}, got ${literalTypeToString(target.type)} instead`,
      );
    }
  }
  for (const name of Object.keys(fixed).sort()) {
    const target = workflowInputs[name];
    if (target === undefined) throw AloftError.invalidArgument(`unexpected fixed_input ${name}`);
    const type = validatedLiteralType(name, fixed[name]!);
    if (target.type === undefined || !isCastable(type, target.type)) {
      throw AloftError.invalidArgument(
        `invalid fixed_input wrong type ${name}, expected ${literalTypeToString(target.type)}, got ${literalTypeToString(type)} instead`,
      );
    }
  }
}

/** `validateSchedule`: a scheduled launch plan has no free required input but the kickoff time argument. */
function validateSchedule(schedule: Schedule | undefined, expectedInputs: ParameterMap): void {
  const expression = schedule?.ScheduleExpression;
  if (schedule === undefined || expression === undefined) return;
  const scheduled =
    (expression.case === "cronExpression" && expression.value !== "") ||
    expression.case === "rate" ||
    expression.case === "cronSchedule";
  if (!scheduled) return;
  const kickoff = schedule.kickoffTimeInputArg;
  const parameters = expectedInputs.parameters;
  for (const name of Object.keys(parameters).sort()) {
    const behavior = parameters[name]?.behavior;
    if (behavior?.case === "required" && behavior.value && name !== kickoff) {
      throw AloftError.invalidArgument(
        `Cannot create a launch plan with a schedule if there is an unbound required input. [${name}] is required`,
      );
    }
  }
  if (kickoff !== "") {
    const parameter = parameters[kickoff];
    if (parameter === undefined) {
      throw AloftError.invalidArgument(
        `Cannot create a schedule with a KickoffTimeInputArg that does not point to a free input. [${kickoff}] is not free or does not exist.`,
      );
    }
    const type = parameter.var?.type?.type;
    if (!(type?.case === "simple" && type.value === SimpleType.DATETIME)) {
      throw AloftError.invalidArgument(
        `KickoffTimeInputArg must reference a datetime input. [${kickoff}] is a [${literalTypeToString(parameter.var?.type)}]`,
      );
    }
  }
  const cron =
    expression.case === "cronExpression"
      ? expression.value
      : expression.case === "cronSchedule"
        ? expression.value.schedule
        : "";
  if (cron !== "") validateCronExpression(cron);
}
