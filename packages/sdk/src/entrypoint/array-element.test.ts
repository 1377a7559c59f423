import { describe, expect, it } from "vitest";
import { Code, collectionLiteral, integerLiteral, literalMap, stringLiteral } from "@aloft/idl";
import { arrayElementInputs, arrayJobIndex } from "./array-element.js";

describe("arrayJobIndex", () => {
  it("reads the variable BATCH_JOB_ARRAY_INDEX_VAR_NAME names, plus the offset, as flytekit does", () => {
    expect(arrayJobIndex({ BATCH_JOB_ARRAY_INDEX_VAR_NAME: "FLYTE_K8S_ARRAY_INDEX", FLYTE_K8S_ARRAY_INDEX: "2" })).toBe(
      2,
    );
    expect(
      arrayJobIndex({
        BATCH_JOB_ARRAY_INDEX_VAR_NAME: "AWS_BATCH_JOB_ARRAY_INDEX",
        AWS_BATCH_JOB_ARRAY_INDEX: "1",
        BATCH_JOB_ARRAY_INDEX_OFFSET: "10",
      }),
    ).toBe(11);
    expect(arrayJobIndex({})).toBe(0);
    expect(() => arrayJobIndex({ BATCH_JOB_ARRAY_INDEX_VAR_NAME: "I", I: "x" })).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument, rawMessage: "I is not a non-negative integer: x" }),
    );
  });
});

describe("arrayElementInputs", () => {
  const inputs = literalMap({
    x: collectionLiteral([integerLiteral(10n), integerLiteral(20n)]),
    factors: collectionLiteral([integerLiteral(1n), integerLiteral(2n), integerLiteral(3n)]),
    label: stringLiteral("already picked"),
  });

  it("picks element i of mapped collections and passes bound inputs and non-collections whole", () => {
    const element = arrayElementInputs(inputs, 1, ["factors"]);
    expect(element.literals.x).toEqual(integerLiteral(20n));
    expect(element.literals.factors).toEqual(inputs.literals.factors);
    expect(element.literals.label).toEqual(stringLiteral("already picked"));
  });

  it("rejects an index past the end of a collection", () => {
    expect(() => arrayElementInputs(inputs, 2, ["factors"])).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: 'index 2 out of bounds for input "x" of 2 elements',
      }),
    );
  });
});
