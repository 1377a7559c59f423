import { Code, integerLiteral, integerType, literalMap, stringLiteral, stringType } from "@aloft/idl";
import { create } from "@bufbuild/protobuf";
import { ParameterMapSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { describe, expect, it } from "vitest";
import { AloftError } from "@aloft/idl";
import {
  checkAndFetchInputsForExecution,
  validateExecutionName,
  validateExecutionRequestTarget,
} from "./execution-validation.js";

const expected = create(ParameterMapSchema, {
  parameters: {
    required: { var: { type: stringType() }, behavior: { case: "required", value: true } },
    optional: { var: { type: integerType() }, behavior: { case: "default", value: integerLiteral(7) } },
  },
});

function thrown(fn: () => unknown): AloftError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AloftError) return error;
    throw error;
  }
  throw new Error("expected an AloftError");
}

describe("checkAndFetchInputsForExecution", () => {
  it("takes given inputs, defaults for missing optional ones and adds fixed inputs", () => {
    const inputs = checkAndFetchInputsForExecution({
      userInputs: literalMap({ required: stringLiteral("given") }),
      fixedInputs: literalMap({ fixed: stringLiteral("pinned") }),
      expectedInputs: expected,
    });
    expect(inputs).toEqual({
      required: stringLiteral("given"),
      optional: integerLiteral(7),
      fixed: stringLiteral("pinned"),
    });
  });

  it("names the first problem with flyteadmin's messages", () => {
    const cases: [Parameters<typeof checkAndFetchInputsForExecution>[0], string][] = [
      [
        { userInputs: literalMap({ other: stringLiteral("x") }), fixedInputs: undefined, expectedInputs: expected },
        "invalid input other",
      ],
      [{ userInputs: undefined, fixedInputs: undefined, expectedInputs: expected }, "expected_inputs required missing"],
      [
        { userInputs: literalMap({ required: integerLiteral(1) }), fixedInputs: undefined, expectedInputs: expected },
        "invalid required input wrong type. Expected string, but got integer",
      ],
      [
        {
          userInputs: literalMap({ required: stringLiteral("x") }),
          fixedInputs: literalMap({ required: stringLiteral("y") }),
          expectedInputs: expected,
        },
        "fixed_inputs required cannot be overridden",
      ],
    ];
    for (const [input, message] of cases) {
      const error = thrown(() => checkAndFetchInputsForExecution(input));
      expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, message]);
    }
  });

  it("rejects a literal whose type cannot be told", () => {
    const error = thrown(() =>
      checkAndFetchInputsForExecution({
        userInputs: literalMap({ required: create(LiteralSchema, { value: { case: "scalar", value: {} } }) }),
        fixedInputs: undefined,
        expectedInputs: expected,
      }),
    );
    expect(error.rawMessage).toMatch(
      /^Failed to validate literal type for \[required\] with err: got unknown literal type/,
    );
  });
});

describe("execution names", () => {
  it("accepts lower-case Kubernetes names up to 63 characters", () => {
    expect(() => validateExecutionName("a-b-1")).not.toThrow();
    expect(thrown(() => validateExecutionName("-a")).rawMessage).toBe(
      "invalid name format: -a, does not match regex '^[a-z][a-z\\-0-9]*$'",
    );
  });

  it("checks the name lower-cased, as flyteadmin", () => {
    expect(() => validateExecutionRequestTarget({ project: "p", domain: "d", name: "MyRun" })).not.toThrow();
    expect(thrown(() => validateExecutionRequestTarget({ project: "", domain: "d", name: "" })).rawMessage).toBe(
      "missing project",
    );
  });
});
