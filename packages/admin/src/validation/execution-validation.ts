/**
 * Execution request checks (flyteadmin `execution_validator.go`): names, the reference entity, inputs,
 * and workflow events. Pure functions throwing `AloftError` with flyteadmin's messages; the project gate
 * (a database read) runs between {@link validateExecutionRequestTarget} and {@link validateExecutionRequestSpec},
 * where flyteadmin checks it.
 */
import { AloftError, literalTypeToString } from "@aloft/idl";
import { isCastable } from "@aloft/compiler";
import type { WorkflowExecutionEventRequest } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import type { ExecutionCreateRequest, ExecutionSpec } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ParameterMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Literal, LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { missingArgument, requireNonEmpty } from "./field-validation.js";
import { validateIdentifierFieldsSet } from "./identifier-validation.js";
import { validateLabels } from "./label-validation.js";
import { validatedLiteralType, validateLiteralMap, validateOutputData } from "./literal-validation.js";
import { validateNotifications } from "./notification-validation.js";

/** Longest execution name: it becomes a Kubernetes object name (flyteadmin's `allowedExecutionNameLength`). */
export const MAX_EXECUTION_NAME_LENGTH = 63;

const EXECUTION_NAME_PATTERN = /^[a-z][a-z\-0-9]*$/;

/**
 * `CheckValidExecutionID`: at most 63 characters of `^[a-z][a-z\-0-9]*$`.
 * @throws AloftError InvalidArgument "size of <field> exceeded length 63 : <name>" or
 *   "invalid <field> format: <name>, does not match regex '^[a-z][a-z\-0-9]*$'".
 */
export function validateExecutionName(name: string, fieldName = "name"): void {
  if (name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw AloftError.invalidArgument(`size of ${fieldName} exceeded length ${MAX_EXECUTION_NAME_LENGTH} : ${name}`);
  }
  if (!EXECUTION_NAME_PATTERN.test(name)) {
    throw AloftError.invalidArgument(
      `invalid ${fieldName} format: ${name}, does not match regex '${EXECUTION_NAME_PATTERN.source}'`,
    );
  }
}

/**
 * The first half of `ValidateExecutionRequest`: project and domain set, an optional name valid once
 * lower-cased and at most 63 characters.
 * @throws AloftError InvalidArgument "missing project", "missing domain", the name messages of
 *   {@link validateExecutionName}, or "name for ExecutionCreateRequest [<name>] exceeded allowed length 63".
 */
export function validateExecutionRequestTarget(
  request: Pick<ExecutionCreateRequest, "project" | "domain" | "name">,
): void {
  requireNonEmpty(request.project, "project");
  requireNonEmpty(request.domain, "domain");
  if (request.name !== "") validateExecutionName(request.name.toLowerCase());
  if (request.name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw AloftError.invalidArgument(
      `name for ExecutionCreateRequest [${request.name}] exceeded allowed length ${MAX_EXECUTION_NAME_LENGTH}`,
    );
  }
}

/**
 * The second half of `ValidateExecutionRequest`: a spec whose `launch_plan` is a full LAUNCH_PLAN or TASK
 * identifier, well-formed inputs, valid notifications and labels.
 * @throws AloftError InvalidArgument "missing spec", the identifier messages ("missing name" …),
 *   "Invalid reference entity resource type [<type>], only [LAUNCH_PLAN TASK] allowed", and the literal map,
 *   notification and label messages.
 */
export function validateExecutionRequestSpec(
  request: Pick<ExecutionCreateRequest, "spec" | "inputs">,
): asserts request is { spec: ExecutionSpec; inputs: LiteralMap | undefined } {
  const spec = request.spec;
  if (spec === undefined) throw missingArgument("spec");
  validateIdentifierFieldsSet(spec.launchPlan);
  const type = spec.launchPlan.resourceType;
  if (type !== ResourceType.LAUNCH_PLAN && type !== ResourceType.TASK) {
    throw AloftError.invalidArgument(
      `Invalid reference entity resource type [${ResourceType[type] ?? String(type)}], only [LAUNCH_PLAN TASK] allowed`,
    );
  }
  validateLiteralMap(request.inputs, "inputs");
  if (spec.notificationOverrides.case === "notifications") {
    validateNotifications(spec.notificationOverrides.value.notifications);
  }
  validateLabels(spec.labels);
}

/**
 * `CheckAndFetchInputsForExecution`: the inputs an execution runs with. Every given input must be expected
 * and castable to its declared type; missing ones take their default unless required; fixed inputs are
 * added last and may not be overridden. Inputs are checked in name order so the first error is stable.
 *
 * @throws AloftError InvalidArgument "invalid input <name>", "expected_inputs <name> missing",
 *   "Failed to validate literal type for [<name>] with err: …", "invalid <name> input wrong type. Expected
 *   <type>, but got <type>", "fixed_inputs <name> cannot be overridden".
 */
export function checkAndFetchInputsForExecution(options: {
  userInputs: LiteralMap | undefined;
  fixedInputs: LiteralMap | undefined;
  expectedInputs: ParameterMap | undefined;
}): Record<string, Literal> {
  const expected = options.expectedInputs?.parameters ?? {};
  const resolved: Record<string, Literal> = {};
  const given = options.userInputs?.literals ?? {};
  for (const name of Object.keys(given).sort()) {
    if (!(name in expected)) throw AloftError.invalidArgument(`invalid input ${name}`);
    resolved[name] = given[name] as Literal;
  }
  for (const name of Object.keys(expected).sort()) {
    const parameter = expected[name];
    const value = resolved[name];
    if (value === undefined) {
      if (parameter?.behavior.case === "required" && parameter.behavior.value) {
        throw AloftError.invalidArgument(`expected_inputs ${name} missing`);
      }
      if (parameter?.behavior.case === "default") resolved[name] = parameter.behavior.value;
      continue;
    }
    const inputType = validatedLiteralType(name, value);
    const declared = parameter?.var?.type;
    if (declared === undefined || !isCastable(inputType, declared)) {
      throw AloftError.invalidArgument(
        `invalid ${name} input wrong type. Expected ${literalTypeToString(declared)}, but got ${literalTypeToString(inputType)}`,
      );
    }
  }
  const fixed = options.fixedInputs?.literals ?? {};
  for (const name of Object.keys(fixed).sort()) {
    if (name in resolved) throw AloftError.invalidArgument(`fixed_inputs ${name} cannot be overridden`);
    resolved[name] = fixed[name] as Literal;
  }
  return resolved;
}

/**
 * `ValidateCreateWorkflowEventRequest`: an event with an execution id and outputs within the limit.
 * @throws AloftError InvalidArgument "Workflow event handler was called without event" / "Workflow event
 *   handler request event doesn't have an execution id - …"; ResourceExhausted for oversized outputs.
 */
export function validateWorkflowEventRequest(request: WorkflowExecutionEventRequest, maxOutputSizeBytes: number): void {
  const event = request.event;
  if (event === undefined) throw AloftError.invalidArgument("Workflow event handler was called without event");
  if (event.executionId === undefined) {
    throw AloftError.invalidArgument("Workflow event handler request event doesn't have an execution id");
  }
  validateOutputData(
    event.outputResult.case === "outputData" ? event.outputResult.value : undefined,
    maxOutputSizeBytes,
  );
}
