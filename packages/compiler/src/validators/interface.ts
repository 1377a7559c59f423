import { create } from "@bufbuild/protobuf";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  type TypedInterface,
  type VariableMap,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";

/**
 * Checks that every variable of an interface has a name and a type, and fills in missing input or
 * output maps with empty ones (propeller's `ValidateInterface`). The interface is completed in place,
 * which is visible in the compiled closure; a missing interface becomes a new empty one.
 */
export function validateInterface(
  nodeId: string,
  iface: TypedInterface | undefined,
  errs: ErrorScope,
): { iface: TypedInterface; ok: boolean } {
  const result = iface ?? create(TypedInterfaceSchema);
  if (result.inputs === undefined) result.inputs = create(VariableMapSchema);
  else validateVariables(nodeId, result.inputs, errs.child());
  if (result.outputs === undefined) result.outputs = create(VariableMapSchema);
  else validateVariables(nodeId, result.outputs, errs.child());
  return { iface: result, ok: !errs.hasErrors() };
}

function validateVariables(nodeId: string, vars: VariableMap, errs: ErrorScope): void {
  for (const [name, variable] of Object.entries(vars.variables)) {
    if (name === "") errs.collect(compileErrors.valueRequired(nodeId, "paramName", "a variable has an empty name"));
    if (variable.type === undefined) {
      errs.collect(compileErrors.valueRequired(nodeId, "param.Type", `variable [${name}] has no type`));
    }
  }
}
