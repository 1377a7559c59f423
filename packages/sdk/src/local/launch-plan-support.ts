/*
 * What flyteadmin does for propeller when a node launches a launch plan: find it, work out the inputs
 * it expects, and merge the node's inputs with its defaults and fixed inputs
 * (flyteadmin validation/execution_validator.go `CheckAndFetchInputsForExecution`).
 */
import { create } from "@bufbuild/protobuf";
import { formatCompileError, inferLiteralType, isCastable, validateLaunchPlanInputs } from "@aloft/compiler";
import type { LaunchPlanInterface } from "@aloft/compiler";
import { formatIdentifier, literalTypeToString } from "@aloft/idl";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ParameterMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Literal,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LaunchPlanResolver, LocalLaunchPlan } from "./execute-workflow-options.js";

/** A launch plan found and checked, or why not. */
export type ResolvedLaunchPlan =
  | { ok: true; launchPlan: LocalLaunchPlan; expectedInputs: ParameterMap; interface: LaunchPlanInterface }
  | { ok: false; message: string };

/** Finds a launch plan and computes its expected inputs and outputs as admin does when registering it. */
export async function resolveLaunchPlan(
  resolver: LaunchPlanResolver | undefined,
  id: Identifier,
): Promise<ResolvedLaunchPlan> {
  const name = formatIdentifier(id);
  if (resolver === undefined) {
    return { ok: false, message: `${name} cannot be launched: no launch plans were given to the local executor` };
  }
  const launchPlan = await resolver(id);
  if (launchPlan === undefined) return { ok: false, message: `${name} not found` };
  const workflowInterface = launchPlan.closure.primary?.template?.interface;
  if (workflowInterface === undefined) return { ok: false, message: `${name} has no workflow interface` };
  const checked = validateLaunchPlanInputs({
    workflowInterface,
    defaultInputs: launchPlan.defaultInputs,
    fixedInputs: launchPlan.fixedInputs,
  });
  if (!checked.ok) {
    return { ok: false, message: `${name} is invalid: ${checked.errors.map(formatCompileError).join("; ")}` };
  }
  return {
    ok: true,
    launchPlan,
    expectedInputs: checked.value.expectedInputs,
    interface: { id, expectedInputs: checked.value.expectedInputs, expectedOutputs: checked.value.expectedOutputs },
  };
}

/**
 * The inputs of a launch: the given ones (each must be expected and castable), defaults for the
 * missing ones (a missing required one is an error), then the fixed inputs (which must not be
 * given). Returns the message admin would reject the launch with, on error.
 */
export function mergeLaunchInputs(
  given: LiteralMap,
  fixed: LiteralMap | undefined,
  expected: ParameterMap,
): { ok: true; inputs: LiteralMap } | { ok: false; message: string } {
  const merged: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(given.literals)) {
    if (expected.parameters[name] === undefined) return { ok: false, message: `invalid input ${name}` };
    merged[name] = value;
  }
  for (const [name, parameter] of Object.entries(expected.parameters)) {
    const value = merged[name];
    if (value === undefined) {
      if (parameter.behavior.case === "required" && parameter.behavior.value) {
        return { ok: false, message: `expected_inputs ${name} missing` };
      }
      merged[name] = parameter.behavior.case === "default" ? parameter.behavior.value : create(LiteralSchema);
      continue;
    }
    const actual = inferLiteralType(value);
    const want = parameter.var?.type;
    if (actual === undefined) return { ok: false, message: `invalid ${name} input: its type cannot be inferred` };
    if (want !== undefined && !isCastable(actual, want)) {
      return {
        ok: false,
        message: `invalid ${name} input wrong type. Expected ${literalTypeToString(want)}, but got ${literalTypeToString(actual)}`,
      };
    }
  }
  for (const [name, value] of Object.entries(fixed?.literals ?? {})) {
    if (merged[name] !== undefined) return { ok: false, message: `fixed_inputs ${name} cannot be overridden` };
    merged[name] = value;
  }
  return { ok: true, inputs: create(LiteralMapSchema, { literals: merged }) };
}
