import { create } from "@bufbuild/protobuf";
import {
  collectionLiteral,
  collectionType,
  integerLiteral,
  integerType,
  literalMap,
  literalsEqual,
  noneLiteral,
  stringLiteral,
} from "@aloft/idl";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { ArrayNodeSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import {
  arrayElementInputs,
  arrayElementTask,
  arrayMinSuccesses,
  arrayNodeSize,
  arrayParallelism,
  gatherArrayOutputs,
} from "../index.js";
import { jsOf } from "./semantics.test-helper.js";

const xs = collectionLiteral([integerLiteral(1), integerLiteral(2), integerLiteral(3)]);

describe("array node rules", () => {
  it("sizes the node by its mapped lists, which must agree, or as one element when every input is bound", () => {
    expect(arrayNodeSize(literalMap({ xs, k: integerLiteral(9) }), new Set())).toEqual({ ok: true, size: 3 });
    expect(arrayNodeSize(literalMap({ xs }), new Set(["xs"]))).toEqual({ ok: true, size: 1 });
    const mismatch = arrayNodeSize(literalMap({ xs, ys: collectionLiteral([]) }), new Set());
    expect(mismatch.ok === false && [mismatch.error.code, mismatch.error.message]).toEqual([
      "InvalidArrayLength",
      "input arrays have different lengths: expecting '3' found '0'",
    ]);
    const scalars = arrayNodeSize(literalMap({ k: integerLiteral(9) }), new Set());
    expect(scalars.ok === false && scalars.error.message).toBe("no input array provided");
  });

  it("needs every element, min_successes, or the float32 ratio of the size rounded up", () => {
    expect(arrayMinSuccesses(create(ArrayNodeSchema), 10)).toBe(10);
    expect(
      arrayMinSuccesses(create(ArrayNodeSchema, { successCriteria: { case: "minSuccesses", value: 2 } }), 10),
    ).toBe(2);
    const ratio = create(ArrayNodeSchema, { successCriteria: { case: "minSuccessRatio", value: 0.3 } });
    expect(arrayMinSuccesses(ratio, 10)).toBe(4);
    expect(arrayParallelism(create(ArrayNodeSchema, { parallelismOption: { case: "parallelism", value: 5 } }))).toBe(5);
    expect(arrayParallelism(create(ArrayNodeSchema))).toBe(0);
  });

  it("gives element i the i-th item of each mapped list and bound inputs whole", () => {
    const inputs = literalMap({ xs, whole: collectionLiteral([stringLiteral("a")]), k: integerLiteral(9) });
    expect(jsOf(arrayElementInputs(inputs, new Set(["whole"]), 1))).toEqual({ xs: 2, whole: ["a"], k: 9 });
  });

  it("gathers outputs in index order, with none for elements that did not succeed", () => {
    const outputs = gatherArrayOutputs({
      elements: [literalMap({ y: integerLiteral(10) }), undefined, literalMap({ y: integerLiteral(30) })],
      outputNames: ["y"],
    });
    const expected = collectionLiteral([integerLiteral(10), noneLiteral(), integerLiteral(30)]);
    expect(literalsEqual(outputs.literals.y ?? noneLiteral(), expected)).toBe(true);
  });

  it("shows each element a task whose list outputs are their element types", () => {
    const task = create(TaskTemplateSchema, {
      interface: {
        outputs: { variables: { ys: { type: collectionType(integerType()) }, n: { type: integerType() } } },
      },
    });
    const element = arrayElementTask(task);
    expect(element.interface?.outputs?.variables.ys?.type?.type.case).toBe("simple");
    expect(task.interface?.outputs?.variables.ys?.type?.type.case).toBe("collectionType");
    const scalarOnly = create(TaskTemplateSchema, {
      interface: { outputs: { variables: { n: { type: integerType() } } } },
    });
    expect(arrayElementTask(scalarOnly)).toBe(scalarOnly);
  });
});
