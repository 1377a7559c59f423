import { create } from "@bufbuild/protobuf";
import { integerLiteral, literalMap, noneLiteral, stringLiteral, unionLiteral, noneType } from "@aloft/idl";
import {
  BooleanExpressionSchema,
  ComparisonExpression_Operator as Op,
  type BooleanExpression,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import { BranchNodeSchema, type BranchNode } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { describe, expect, it } from "vitest";
import { decideBranch, MALFORMED_BRANCH, USER_PROVIDED_ERROR } from "../index.js";

/** `x <op> <constant>`, or `x <op> none` for the is_none extension. */
function xIs(op: Op, constant: bigint | "none"): BooleanExpression {
  const right =
    constant === "none"
      ? { val: { case: "scalar" as const, value: { value: { case: "noneType" as const, value: {} } } } }
      : { val: { case: "primitive" as const, value: { value: { case: "integer" as const, value: constant } } } };
  return create(BooleanExpressionSchema, {
    expr: {
      case: "comparison",
      value: { operator: op, leftValue: { val: { case: "var", value: "x" } }, rightValue: right },
    },
  });
}

/** if x == 1 → n1, elif x > 1 → n2, elif x > 0 → n3, else → n4 (or fail). */
function ladder(otherwise: "else" | "fail"): BranchNode {
  const block = (condition: BooleanExpression, id: string) => ({ condition, thenNode: { id } });
  return create(BranchNodeSchema, {
    ifElse: {
      case: block(xIs(Op.EQ, 1n), "n1"),
      other: [block(xIs(Op.GT, 1n), "n2"), block(xIs(Op.GT, 0n), "n3")],
      default:
        otherwise === "else"
          ? { case: "elseNode", value: { id: "n4" } }
          : { case: "error", value: { failedNodeId: "b", message: "x must be positive" } },
    },
  });
}

/** What `decideBranch` throws: a CodedError with propeller's code and `[code] message`. */
function codedError(code: string, detail: string) {
  return expect.objectContaining({ name: "CodedError", code, message: `[${code}] ${detail}` });
}

describe("decideBranch", () => {
  it("takes the first case that holds and lists every other case as skipped", () => {
    const decision = decideBranch(ladder("else"), literalMap({ x: integerLiteral(5) }));
    expect(decision.chosen.id).toBe("n2");
    expect(decision.skipped.map((node) => node.id)).toEqual(["n1", "n3", "n4"]);
  });

  it("falls through to else when no case holds", () => {
    expect(decideBranch(ladder("else"), literalMap({ x: integerLiteral(-1) })).chosen.id).toBe("n4");
  });

  it("fails with the else-error's message, or with propeller's message when there is no else", () => {
    expect(() => decideBranch(ladder("fail"), literalMap({ x: integerLiteral(-1) }))).toThrow(
      codedError(USER_PROVIDED_ERROR, "x must be positive"),
    );
    const noElse = create(BranchNodeSchema, {
      ifElse: { case: { condition: xIs(Op.EQ, 1n), thenNode: { id: "n1" } } },
    });
    expect(() => decideBranch(noElse, literalMap({ x: integerLiteral(2) }))).toThrow(
      codedError(MALFORMED_BRANCH, "No branch satisfied"),
    );
  });

  it("refuses to compare primitives of different kinds, naming their Go types", () => {
    expect(() => decideBranch(ladder("else"), literalMap({ x: stringLiteral("1") }))).toThrow(
      codedError(
        MALFORMED_BRANCH,
        "Comparison between different primitives types. lVal[*core.Primitive_StringValue]:rVal[*core.Primitive_Integer]",
      ),
    );
  });

  it("compares an optional input with none, with EQ and NEQ only (the is_none extension)", () => {
    const isNone = create(BranchNodeSchema, {
      ifElse: {
        case: { condition: xIs(Op.EQ, "none"), thenNode: { id: "n1" } },
        default: { case: "elseNode", value: { id: "n2" } },
      },
    });
    expect(decideBranch(isNone, literalMap({ x: unionLiteral(noneLiteral(), noneType()) })).chosen.id).toBe("n1");
    expect(decideBranch(isNone, literalMap({ x: integerLiteral(0) })).chosen.id).toBe("n2");
    const ordered = create(BranchNodeSchema, {
      ifElse: { case: { condition: xIs(Op.GT, "none"), thenNode: { id: "n1" } } },
    });
    expect(() => decideBranch(ordered, literalMap({ x: noneLiteral() }))).toThrow(
      codedError(MALFORMED_BRANCH, "Only EQ and NEQ are defined for comparisons with none."),
    );
  });
});
