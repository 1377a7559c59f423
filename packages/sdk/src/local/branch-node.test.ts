import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  booleanLiteral,
  booleanType,
  datetimeLiteral,
  datetimeType,
  durationLiteral,
  durationType,
  floatLiteral,
  floatType,
  integerLiteral,
  integerType,
  literalMap,
  noneLiteral,
  noneType,
  optionalType,
  stringLiteral,
  stringType,
  unionLiteral,
} from "@aloft/idl";
import {
  ComparisonExpression_Operator as Op,
  ConjunctionExpression_LogicalOperator as Logic,
  type BooleanExpression,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import {
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { PrimitiveSchema, type Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { OperandSchema } from "@aloft/idl/gen/flyteidl/core/condition_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { executeWorkflow } from "./index.js";
import {
  both,
  branchNode,
  compare,
  compile,
  fakeRunner,
  jsOf,
  ref,
  task,
  taskNode,
  workflow,
} from "./local-workflows.test-helper.js";

const yes = task("yes", { outputs: { o0: stringType() } });
const no = task("no", { outputs: { o0: stringType() } });
const runner = () => fakeRunner({ yes: () => ({ o0: "then" }), no: () => ({ o0: "else" }) });

async function decide(type: LiteralType, a: Literal, b: Literal, condition: BooleanExpression) {
  const closure = compile({
    workflow: workflow("decide", {
      inputs: { a: type, b: type },
      outputs: { y: stringType() },
      nodes: [
        branchNode(
          "n0",
          { a: ref("", "a"), b: ref("", "b") },
          [[condition, taskNode("n1", "yes")]],
          taskNode("n2", "no"),
        ),
      ],
      outputBindings: { y: ref("n0", "o0") },
    }),
    tasks: [yes, no],
  });
  return executeWorkflow({ closure, inputs: literalMap({ a, b }), runner: runner() });
}

const at = (seconds: number, nanos: number) =>
  datetimeLiteral(create(TimestampSchema, { seconds: BigInt(seconds), nanos }));
const int = integerType();

describe("branch comparisons, as propeller evaluates them", () => {
  it.each([
    ["2 > 1", "then", int, integerLiteral(2), Op.GT, integerLiteral(1)],
    ["1 > 2", "else", int, integerLiteral(1), Op.GT, integerLiteral(2)],
    ["2 >= 2", "then", int, integerLiteral(2), Op.GTE, integerLiteral(2)],
    ["1 < 2", "then", int, integerLiteral(1), Op.LT, integerLiteral(2)],
    ["2 < 2", "else", int, integerLiteral(2), Op.LT, integerLiteral(2)],
    ["3 <= 2", "else", int, integerLiteral(3), Op.LTE, integerLiteral(2)],
    ["2 == 2", "then", int, integerLiteral(2), Op.EQ, integerLiteral(2)],
    ["2 != 3", "then", int, integerLiteral(2), Op.NEQ, integerLiteral(3)],
    ["1.5 > 1.25", "then", floatType(), floatLiteral(1.5), Op.GT, floatLiteral(1.25)],
    ["0.1 + 0.2 == 0.3 (exact)", "else", floatType(), floatLiteral(0.1 + 0.2), Op.EQ, floatLiteral(0.3)],
    ['"b" > "a"', "then", stringType(), stringLiteral("b"), Op.GT, stringLiteral("a")],
    ['"B" > "a" (bytewise)', "else", stringType(), stringLiteral("B"), Op.GT, stringLiteral("a")],
    [
      '"\u{1F600}" > "\uFFFD" (code points)',
      "then",
      stringType(),
      stringLiteral("\u{1F600}"),
      Op.GT,
      stringLiteral("\uFFFD"),
    ],
    ["datetimes equal on whole seconds", "then", datetimeType(), at(10, 900_000_000), Op.EQ, at(10, 100_000_000)],
    ["datetimes ordered on whole seconds", "then", datetimeType(), at(11, 0), Op.GT, at(10, 999_000_000)],
    [
      "durations equal on whole seconds",
      "then",
      durationType(),
      durationLiteral({ seconds: 1, nanos: 900_000_000 }),
      Op.EQ,
      durationLiteral({ seconds: 1 }),
    ],
    ["true == true", "then", booleanType(), booleanLiteral(true), Op.EQ, booleanLiteral(true)],
    ["true != false", "then", booleanType(), booleanLiteral(true), Op.NEQ, booleanLiteral(false)],
  ])("%s takes the %s case", async (_name, expected, type, a, op, b) => {
    const result = await decide(type, a, b, compare(op, "a", "b"));
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: expected });
  });

  it.each([
    [Op.GT, "[GT] not defined for boolean operands."],
    [Op.GTE, "[GTE] not defined for boolean operands."],
    [Op.LT, "[LT] not defined for boolean operands."],
    [Op.LTE, "[LTE] not defined for boolean operands."],
  ])("refuses ordering operator %s on booleans", async (op, message) => {
    const result = await decide(booleanType(), booleanLiteral(true), booleanLiteral(false), compare(op, "a", "b"));
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("MalformedBranchUserError");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe(`[MalformedBranchUserError] ${message}`);
  });

  it("combines comparisons with AND and OR", async () => {
    const gt = compare(Op.GT, "a", "b");
    const lt = compare(Op.LT, "a", "b");
    const two = integerLiteral(2);
    const one = integerLiteral(1);
    expect(jsOf((await decide(int, two, one, both(Logic.OR, lt, gt))).outputs)).toEqual({ y: "then" });
    expect(jsOf((await decide(int, two, one, both(Logic.AND, lt, gt))).outputs)).toEqual({ y: "else" });
  });

  it("compares an input with a primitive constant", async () => {
    const ten = create(PrimitiveSchema, { value: { case: "integer", value: 10n } });
    const result = await decide(int, integerLiteral(11), integerLiteral(0), compare(Op.GT, "a", ten));
    expect(jsOf(result.outputs)).toEqual({ y: "then" });
  });

  it("refuses to compare an input that is not a primitive", async () => {
    const optionalInt = optionalType(int);
    const a = unionLiteral(integerLiteral(1), int);
    const result = await decide(optionalInt, a, a, compare(Op.EQ, "a", "b"));
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.message).toBe(
      "[MalformedBranchUserError] Only primitives can be compared. LHS Variable is non primitive.",
    );
  });

  it("compares an optional input with none (flytekit's is_none, an Aloft extension)", async () => {
    const isNoneA = compare(Op.EQ, "a", "a");
    if (isNoneA.expr.case !== "comparison") throw new Error("unexpected expression");
    isNoneA.expr.value.rightValue = create(OperandSchema, {
      val: { case: "scalar", value: { value: { case: "noneType", value: {} } } },
    });
    const closure = compile({
      workflow: workflow("decide", {
        inputs: { a: optionalType(int) },
        outputs: { y: stringType() },
        nodes: [branchNode("n0", { a: ref("", "a") }, [[isNoneA, taskNode("n1", "yes")]], taskNode("n2", "no"))],
        outputBindings: { y: ref("n0", "o0") },
      }),
      tasks: [yes, no],
    });
    const run = (a: Literal) => executeWorkflow({ closure, inputs: literalMap({ a }), runner: runner() });
    expect(jsOf((await run(unionLiteral(noneLiteral(), noneType()))).outputs)).toEqual({ y: "then" });
    expect(jsOf((await run(unionLiteral(integerLiteral(1), int))).outputs)).toEqual({ y: "else" });
  });
});

describe("branch nodes", () => {
  function ladder(otherwise: "else" | "fail") {
    const isTwo = compare(Op.EQ, "x", create(PrimitiveSchema, { value: { case: "integer", value: 2n } }));
    const isThree = compare(Op.EQ, "x", create(PrimitiveSchema, { value: { case: "integer", value: 3n } }));
    const isBig = compare(Op.GT, "x", create(PrimitiveSchema, { value: { case: "integer", value: 1n } }));
    return compile({
      workflow: workflow("ladder", {
        inputs: { x: int },
        outputs: { y: stringType() },
        nodes: [
          branchNode(
            "n0",
            { x: ref("", "x") },
            [
              [isTwo, taskNode("n1", "yes")],
              [isThree, taskNode("n2", "yes")],
              [isBig, taskNode("n3", "no")],
            ],
            otherwise === "else" ? taskNode("n4", "no") : "x must be positive",
          ),
        ],
        outputBindings: { y: ref("n0", "o0") },
      }),
      tasks: [yes, no],
    });
  }

  it("takes the first case that holds and records the others as skipped, without events", async () => {
    const events: string[] = [];
    const result = await executeWorkflow({
      closure: ladder("else"),
      inputs: literalMap({ x: integerLiteral(3) }),
      runner: runner(),
      onEvent: (e) => events.push(`${e.kind} ${e.path}`),
    });
    expect(jsOf(result.outputs)).toEqual({ y: "then" });
    expect(events).toEqual(["started n0", "started n0/n0-n2", "succeeded n0/n0-n2", "succeeded n0"]);
    expect(result.nodes.get("n0/n0-n1")?.phase).toBe(NodeExecution_Phase.SKIPPED);
    expect(result.nodes.get("n0/n0-n3")?.phase).toBe(NodeExecution_Phase.SKIPPED);
    expect(result.nodes.get("n0/n0-n4")?.phase).toBe(NodeExecution_Phase.SKIPPED);
    expect(result.nodes.get("n0/n0-n2")?.phase).toBe(NodeExecution_Phase.SUCCEEDED);
  });

  it("fails with the else-error's message when no case holds", async () => {
    const result = await executeWorkflow({
      closure: ladder("fail"),
      inputs: literalMap({ x: integerLiteral(0) }),
      runner: runner(),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.FAILED);
    expect(result.error?.code).toBe("UserProvidedError");
    expect(result.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(result.error?.message).toBe("[UserProvidedError] x must be positive");
  });

  it("runs the taken case with inputs read from upstream nodes", async () => {
    const double = task("double", { inputs: { x: int }, outputs: { o0: int } });
    const closure = compile({
      workflow: workflow("upstream", {
        inputs: { x: int },
        outputs: { y: int },
        nodes: [
          taskNode("n0", "double", { x: ref("", "x") }),
          branchNode(
            "n1",
            { x: ref("", "x") },
            [
              [
                compare(Op.GT, "x", create(PrimitiveSchema, { value: { case: "integer", value: 0n } })),
                taskNode("n2", "double", { x: ref("n0", "o0") }),
              ],
            ],
            taskNode("n3", "double", { x: ref("", "x") }),
          ),
        ],
        outputBindings: { y: ref("n1", "o0") },
      }),
      tasks: [double],
    });
    const result = await executeWorkflow({
      closure,
      inputs: literalMap({ x: integerLiteral(5) }),
      runner: fakeRunner({ double: ({ x }) => ({ o0: Number(x) * 2 }) }),
    });
    expect(result.phase).toBe(WorkflowExecution_Phase.SUCCEEDED);
    expect(jsOf(result.outputs)).toEqual({ y: 20 });
  });
});
