import { create } from "@bufbuild/protobuf";
import {
  ParameterMapSchema,
  ParameterSchema,
  VariableMapSchema,
  VariableSchema,
  type Parameter,
  type ParameterMap,
  type TypedInterface,
  type VariableMap,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Literal, LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { literalTypeToString } from "@aloft/idl";
import { compileError, type CompileResult } from "./compile-error.js";
import { ErrorScope } from "./error-scope.js";
import { inferLiteralType, literalTypeProblem } from "./infer-literal-type.js";
import { isCastable } from "./type-compatibility.js";

/** Input to {@link validateLaunchPlanInputs}. */
export interface LaunchPlanInputsInput {
  /** The interface of the workflow the launch plan launches. */
  workflowInterface: TypedInterface;
  /** The launch plan's default inputs (overridable at launch). */
  defaultInputs?: ParameterMap;
  /** The launch plan's fixed inputs (not overridable). */
  fixedInputs?: LiteralMap;
  /**
   * Whether parameters may take their value from an artifact query (flyteadmin's `EnableArtifacts`).
   * @default false
   */
  allowArtifactQueries?: boolean;
}

/** What a valid launch plan expects: inputs a launch may give, and the outputs it yields. */
export interface LaunchPlanExpectations {
  expectedInputs: ParameterMap;
  expectedOutputs: VariableMap;
}

const t = literalTypeToString;

/**
 * flyteadmin's launch-plan input checks (launch_plan_validator.go and validation.go), collecting every
 * problem instead of stopping at the first:
 * - fixed inputs carry a value (datetimes a valid one); defaults declare a type, have a value or are
 *   required, and a default value casts to its own declared type (`InvalidValue`, `ValueRequired`,
 *   `InvalidLiteralType`, `MismatchingTypes`);
 * - every default and fixed input names a workflow input (`VariableNameNotFound`) and casts to its type
 *   (`MismatchingTypes`).
 *
 * Expected inputs are the defaults plus a required parameter for each workflow input neither defaulted
 * nor fixed; expected outputs are the workflow's outputs. Errors have node id `""` and name the input.
 */
export function validateLaunchPlanInputs(input: LaunchPlanInputsInput): CompileResult<LaunchPlanExpectations> {
  const errs = ErrorScope.root();
  const defaults = input.defaultInputs?.parameters ?? {};
  const fixed = input.fixedInputs?.literals ?? {};
  const workflowInputs = input.workflowInterface.inputs?.variables ?? {};

  for (const [name, literal] of Object.entries(fixed)) validateFixedValue(name, literal, errs);
  for (const [name, param] of Object.entries(defaults)) {
    validateDefaultParameter(name, param, input.allowArtifactQueries ?? false, errs);
  }

  for (const [name, param] of Object.entries(defaults)) {
    const target = workflowInputs[name];
    if (target === undefined) {
      errs.collect(
        compileError("VariableNameNotFound", "", `Unexpected default input [${name}]: ${noSuchInput(workflowInputs)}.`),
      );
    } else if (param.var?.type !== undefined && target.type !== undefined && !isCastable(param.var.type, target.type)) {
      errs.collect(
        compileError(
          "MismatchingTypes",
          "",
          `Default input [${name}] has type ${t(param.var.type)}, but the workflow input expects ${t(target.type)}.`,
        ),
      );
    }
  }
  for (const [name, literal] of Object.entries(fixed)) {
    const target = workflowInputs[name];
    if (target === undefined) {
      errs.collect(
        compileError("VariableNameNotFound", "", `Unexpected fixed input [${name}]: ${noSuchInput(workflowInputs)}.`),
      );
      continue;
    }
    // A fixed input without a value was reported above.
    if (literal.value.case === undefined) continue;
    const type = inferLiteralType(literal);
    const problem = literalTypeProblem(type);
    if (problem !== undefined) {
      errs.collect(
        compileError(
          "InvalidLiteralType",
          "",
          `Failed to validate literal type for fixed input [${name}]: ${problem}.`,
        ),
      );
    } else if (type !== undefined && target.type !== undefined && !isCastable(type, target.type)) {
      errs.collect(
        compileError(
          "MismatchingTypes",
          "",
          `Fixed input [${name}] has type ${t(type)}, but the workflow input expects ${t(target.type)}.`,
        ),
      );
    }
  }
  if (errs.hasErrors()) return { ok: false, errors: errs.list() };

  const expected: Record<string, Parameter> = {};
  for (const [name, variable] of Object.entries(workflowInputs)) {
    const param = defaults[name];
    if (param !== undefined) {
      expected[name] = param;
    } else if (!(name in fixed)) {
      expected[name] = create(ParameterSchema, {
        var: create(VariableSchema, { type: variable.type, description: variable.description }),
        behavior: { case: "required", value: true },
      });
    }
  }
  return {
    ok: true,
    value: {
      expectedInputs: create(ParameterMapSchema, { parameters: expected }),
      expectedOutputs: input.workflowInterface.outputs ?? create(VariableMapSchema),
    },
  };
}

function noSuchInput(workflowInputs: Record<string, unknown>): string {
  const names = Object.keys(workflowInputs);
  return names.length === 0
    ? "the workflow has no inputs"
    : `the workflow's inputs are ${names.map((n) => `[${n}]`).join(", ")}`;
}

function validateFixedValue(name: string, literal: Literal, errs: ErrorScope): void {
  if (name === "") errs.collect(compileError("InvalidValue", "", "A fixed input has an empty name."));
  if (literal.value.case === undefined) {
    errs.collect(compileError("ValueRequired", "", `Fixed input [${name}] has no value.`));
    return;
  }
  validateDatetime(`Fixed input [${name}]`, literal, errs);
}

function validateDefaultParameter(name: string, param: Parameter, allowArtifacts: boolean, errs: ErrorScope): void {
  const behavior = param.behavior;
  if (behavior.case === "artifactQuery" && !allowArtifacts) {
    errs.collect(
      compileError(
        "InvalidValue",
        "",
        `Default input [${name}] uses an artifact query, but artifacts are not enabled.`,
      ),
    );
  }
  if (name === "") errs.collect(compileError("InvalidValue", "", "A default input has an empty name."));
  const declared = param.var?.type;
  if (declared === undefined) {
    errs.collect(compileError("ValueRequired", "", `Default input [${name}] has no variable type.`));
    return;
  }
  if (
    behavior.case !== "default" &&
    behavior.case !== "artifactQuery" &&
    !(behavior.case === "required" && behavior.value)
  ) {
    errs.collect(
      compileError("InvalidValue", "", `Default input [${name}] has neither a default value nor is it required.`),
    );
  }
  if (behavior.case !== "default") return;
  const type = inferLiteralType(behavior.value);
  const problem = literalTypeProblem(type);
  if (problem !== undefined) {
    errs.collect(
      compileError(
        "InvalidLiteralType",
        "",
        `Failed to validate literal type for default input [${name}]: ${problem}.`,
      ),
    );
    return;
  }
  if (type !== undefined && !isCastable(type, declared)) {
    errs.collect(
      compileError(
        "MismatchingTypes",
        "",
        `Default input [${name}] is declared as ${t(declared)}, but its default value has type ${t(type)}.`,
      ),
    );
  }
  validateDatetime(`Default input [${name}]`, behavior.value, errs);
}

/** google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z up to 9999-12-31T23:59:59.999999999Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

function validateDatetime(what: string, literal: Literal, errs: ErrorScope): void {
  const v = literal.value;
  if (v.case !== "scalar" || v.value.value.case !== "primitive") return;
  const p = v.value.value.value.value;
  if (p.case !== "datetime") return;
  const { seconds, nanos } = p.value;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos >= 1_000_000_000) {
    errs.collect(compileError("InvalidValue", "", `${what} is a datetime outside the valid timestamp range.`));
  }
}
