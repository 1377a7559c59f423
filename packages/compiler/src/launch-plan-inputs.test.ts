import { create, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  ParameterMapSchema,
  TypedInterfaceSchema,
  type ParameterMap,
  type TypedInterface,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { AloftError, Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { launchPlanInterfaceFrom, validateLaunchPlanInputs } from "./index.js";

const workflowInterface: TypedInterface = fromJson(TypedInterfaceSchema, {
  inputs: {
    variables: {
      name: { type: { simple: "STRING" }, description: "who" },
      count: { type: { simple: "INTEGER" } },
      when: { type: { simple: "DATETIME" } },
    },
  },
  outputs: { variables: { o0: { type: { simple: "STRING" } } } },
});
const defaults = (json: object): ParameterMap => fromJson(ParameterMapSchema, { parameters: json } as JsonObject);
const fixed = (json: object): LiteralMap => fromJson(LiteralMapSchema, { literals: json } as JsonObject);
const int = (v: number) => ({ scalar: { primitive: { integer: String(v) } } });
const str = (v: string) => ({ scalar: { primitive: { stringValue: v } } });

describe("validateLaunchPlanInputs", () => {
  it("expects the defaults plus a required input for each workflow input neither defaulted nor fixed", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface,
      defaultInputs: defaults({ count: { var: { type: { simple: "INTEGER" } }, default: int(3) } }),
      fixedInputs: fixed({ when: { scalar: { primitive: { datetime: "2024-05-01T00:00:00Z" } } } }),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(toJson(ParameterMapSchema, result.value.expectedInputs)).toEqual({
      parameters: {
        name: { var: { type: { simple: "STRING" }, description: "who" }, required: true },
        count: { var: { type: { simple: "INTEGER" } }, default: int(3) },
      },
    });
    expect(result.value.expectedOutputs).toBe(workflowInterface.outputs);
  });

  it("rejects default and fixed inputs the workflow does not have", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface,
      defaultInputs: defaults({ colour: { var: { type: { simple: "STRING" } }, default: str("red") } }),
      fixedInputs: fixed({ size: int(1) }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: "VariableNameNotFound",
          nodeId: "",
          message: "Unexpected default input [colour]: the workflow's inputs are [name], [count], [when].",
        },
        {
          code: "VariableNameNotFound",
          nodeId: "",
          message: "Unexpected fixed input [size]: the workflow's inputs are [name], [count], [when].",
        },
      ],
    });
  });

  it("rejects inputs whose type does not cast to the workflow input's", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface,
      defaultInputs: defaults({ count: { var: { type: { simple: "STRING" } }, default: str("3") } }),
      fixedInputs: fixed({ name: int(7) }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: "MismatchingTypes",
          nodeId: "",
          message: "Default input [count] has type string, but the workflow input expects integer.",
        },
        {
          code: "MismatchingTypes",
          nodeId: "",
          message: "Fixed input [name] has type integer, but the workflow input expects string.",
        },
      ],
    });
  });

  it("requires a default value to cast to the parameter's own declared type", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface,
      defaultInputs: defaults({ count: { var: { type: { simple: "INTEGER" } }, default: str("three") } }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: "MismatchingTypes",
          nodeId: "",
          message: "Default input [count] is declared as integer, but its default value has type string.",
        },
      ],
    });
  });

  it("rejects malformed parameters and literals", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface,
      defaultInputs: defaults({
        name: { var: { type: { simple: "STRING" } } },
        count: { var: {}, required: true },
      }),
      fixedInputs: fixed({ when: {}, other: { collection: { literals: [{ scalar: {} }] } } }),
    });
    expect(result.ok ? [] : result.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      "InvalidValue: Default input [name] has neither a default value nor is it required.",
      "ValueRequired: Default input [count] has no variable type.",
      "ValueRequired: Fixed input [when] has no value.",
      "VariableNameNotFound: Unexpected fixed input [other]: the workflow's inputs are [name], [count], [when].",
    ]);
  });

  it("rejects a fixed input whose type cannot be told", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface: fromJson(TypedInterfaceSchema, {
        inputs: { variables: { xs: { type: { collectionType: { simple: "INTEGER" } } } } },
      }),
      fixedInputs: fixed({ xs: { collection: { literals: [{ scalar: {} }] } } }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: "InvalidLiteralType",
          nodeId: "",
          message:
            "Failed to validate literal type for fixed input [xs]: the literal's type is unknown; it may have been written by a newer Flyte version.",
        },
      ],
    });
  });

  it("rejects any default or fixed input when the workflow has no inputs", () => {
    const result = validateLaunchPlanInputs({
      workflowInterface: create(TypedInterfaceSchema),
      fixedInputs: fixed({ x: int(1) }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: "VariableNameNotFound",
          nodeId: "",
          message: "Unexpected fixed input [x]: the workflow has no inputs.",
        },
      ],
    });
  });
});

describe("launchPlanInterfaceFrom", () => {
  it("takes the id and the expected inputs and outputs from the launch plan's closure", () => {
    const lp = fromJson(LaunchPlanSchema, {
      id: { resourceType: "LAUNCH_PLAN", name: "lp" },
      closure: { expectedInputs: { parameters: {} }, expectedOutputs: { variables: {} } },
    });
    const iface = launchPlanInterfaceFrom(lp);
    expect(iface.id.name).toBe("lp");
    expect(iface.expectedInputs).toBe(lp.closure?.expectedInputs);
    expect(iface.expectedOutputs).toBe(lp.closure?.expectedOutputs);
  });

  it("throws InvalidArgument for a launch plan without expected inputs", () => {
    const lp = fromJson(LaunchPlanSchema, { id: { resourceType: "LAUNCH_PLAN", name: "lp" } });
    expect(() => launchPlanInterfaceFrom(lp)).toThrow(AloftError);
    try {
      launchPlanInterfaceFrom(lp);
    } catch (e) {
      expect((e as AloftError).code).toBe(Code.InvalidArgument);
      expect((e as AloftError).rawMessage).toBe(
        "launch plan //lp has no closure with expected inputs and outputs; compute them with validateLaunchPlanInputs",
      );
    }
  });
});
