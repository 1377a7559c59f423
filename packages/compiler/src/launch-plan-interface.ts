import { AloftError } from "@aloft/idl";
import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ParameterMap, VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { identifierToString } from "./identifiers.js";

/** What the compiler needs to know about a launch plan a node calls: its id and its expected inputs and outputs. */
export interface LaunchPlanInterface {
  id: Identifier;
  expectedInputs: ParameterMap;
  expectedOutputs: VariableMap;
}

/**
 * The interface of a launch plan whose closure carries expected inputs and outputs, as admin returns
 * it (propeller's `NewLaunchPlanInterfaceProvider`).
 *
 * @throws AloftError `InvalidArgument` when the launch plan has no id or no closure with expected
 * inputs and outputs (e.g. a freshly serialized one that admin has not yet registered).
 */
export function launchPlanInterfaceFrom(launchPlan: LaunchPlan): LaunchPlanInterface {
  const { id, closure } = launchPlan;
  if (id === undefined) throw AloftError.invalidArgument("launch plan has no id");
  if (closure?.expectedInputs === undefined || closure.expectedOutputs === undefined) {
    throw AloftError.invalidArgument(
      `${identifierToString(id)} has no closure with expected inputs and outputs; compute them with validateLaunchPlanInputs`,
    );
  }
  return { id, expectedInputs: closure.expectedInputs, expectedOutputs: closure.expectedOutputs };
}
