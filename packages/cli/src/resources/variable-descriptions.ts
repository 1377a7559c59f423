import type { Parameter, Variable } from "@aloft/idl/gen/flyteidl/core/interface_pb";

/** flytectl cuts each line of the input/output columns to this width (printer.go's defaultLineWidth). */
const LINE_WIDTH = 25;

/**
 * flytectl's Inputs/Outputs cell (printer.FormatVariableDescriptions): one line per variable, sorted by name,
 * `name: description` (just `name` when the description is empty or repeats the name), each cut to 25
 * characters with `...`.
 */
export function describeVariables(variables: Readonly<Record<string, Variable>> | undefined): string {
  if (variables === undefined) return "";
  return Object.keys(variables)
    .sort()
    .map((name) => describe(name, variables[name]?.description ?? ""))
    .join("\n");
}

/** {@link describeVariables} for a launch plan's parameters (printer.FormatParameterDescriptions). */
export function describeParameters(parameters: Readonly<Record<string, Parameter>> | undefined): string {
  if (parameters === undefined) return "";
  return Object.keys(parameters)
    .sort()
    .flatMap((name) => {
      const variable = parameters[name]?.var;
      return variable === undefined ? [] : [describe(name, variable.description)];
    })
    .join("\n");
}

function describe(name: string, description: string): string {
  const line = description === "" || description === name ? name : `${name}: ${description}`;
  return line.length > LINE_WIDTH ? line.slice(0, LINE_WIDTH - 3) + "..." : line;
}
