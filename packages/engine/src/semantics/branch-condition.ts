/*
 * Branch decisions exactly as propeller makes them (nodes/branch/evaluator.go, comparator.go):
 * operands are primitive constants or the branch node's input variables, both sides must be the same
 * primitive kind, datetimes and durations compare whole seconds only, booleans allow only EQ/NEQ,
 * LT is "not GT and not EQ", LTE is "not GT", and AND/OR evaluate both sides. One Aloft extension:
 * an operand that is the scalar `none` (flytekit's `is_none`, which Flyte 1 rejects) compares with EQ or
 * NEQ against a variable that is none or an optional holding none (see docs/compatibility.md).
 */
import {
  ComparisonExpression_Operator,
  ConjunctionExpression_LogicalOperator,
  type BooleanExpression,
  type ComparisonExpression,
} from "@aloft/idl/gen/flyteidl/core/condition_pb";
import type { Literal, LiteralMap, Primitive } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { BranchNode, IfBlock, Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { CodedError } from "./execution-errors.js";
import { compareCodePoints } from "./msgpack-value.js";

/** Code of user mistakes in conditions (propeller's `ErrorCodeMalformedBranch`). */
export const MALFORMED_BRANCH = "MalformedBranchUserError";
/** Code of a branch's `else: fail(...)` (propeller's `ErrorCodeUserProvidedError`). */
export const USER_PROVIDED_ERROR = "UserProvidedError";

const GO_TYPES: Record<string, string> = {
  integer: "*core.Primitive_Integer",
  floatValue: "*core.Primitive_FloatValue",
  stringValue: "*core.Primitive_StringValue",
  boolean: "*core.Primitive_Boolean",
  datetime: "*core.Primitive_Datetime",
  duration: "*core.Primitive_Duration",
};

/** The taken case and the cases not taken, or a {@link CodedError}. */
export interface BranchDecision {
  chosen: Node;
  skipped: Node[];
}

/**
 * Picks the case of a branch node (propeller's `DecideBranch`): `if`, then each `elif` in order
 * (later ones are not evaluated once one is taken), then `else`. Throws {@link CodedError} with
 * {@link USER_PROVIDED_ERROR} for `else: fail`, {@link MALFORMED_BRANCH} when nothing matches or a
 * condition is malformed, and another code for conditions propeller cannot evaluate at all.
 */
export function decideBranch(branch: BranchNode, inputs: LiteralMap): BranchDecision {
  const ifElse = branch.ifElse;
  const skipped: Node[] = [];
  let chosen: Node | undefined;
  const consider = (block: IfBlock | undefined): void => {
    if (chosen !== undefined) {
      if (block?.thenNode !== undefined) skipped.push(block.thenNode);
      return;
    }
    if (evaluateBooleanExpression(block?.condition, inputs)) chosen = block?.thenNode;
    else if (block?.thenNode !== undefined) skipped.push(block.thenNode);
  };
  consider(ifElse?.case);
  for (const block of ifElse?.other ?? []) consider(block);
  const otherwise = ifElse?.default;
  if (otherwise?.case === "elseNode") {
    if (chosen === undefined) chosen = otherwise.value;
    else skipped.push(otherwise.value);
  }
  if (chosen === undefined) {
    if (otherwise?.case === "error") throw new CodedError(USER_PROVIDED_ERROR, otherwise.value.message);
    throw new CodedError(MALFORMED_BRANCH, "No branch satisfied");
  }
  return { chosen, skipped };
}

/** Evaluates a condition against the branch node's inputs. */
export function evaluateBooleanExpression(expr: BooleanExpression | undefined, inputs: LiteralMap): boolean {
  const e = expr?.expr;
  if (e?.case === "comparison") return evaluateComparison(e.value, inputs);
  if (e?.case !== "conjunction") {
    throw new CodedError(MALFORMED_BRANCH, "No Comparison or Conjunction found in Branch node expression.");
  }
  const left = evaluateBooleanExpression(e.value.leftExpression, inputs);
  const right = evaluateBooleanExpression(e.value.rightExpression, inputs);
  return e.value.operator === ConjunctionExpression_LogicalOperator.OR ? left || right : left && right;
}

function evaluateComparison(expr: ComparisonExpression, inputs: LiteralMap): boolean {
  if (isNoneOperand(expr.leftValue?.val) || isNoneOperand(expr.rightValue?.val))
    return evaluateNoneComparison(expr, inputs);
  // Both variables are looked up before either is checked to be a primitive, as in Go.
  const left = operand(expr.leftValue?.val, inputs);
  const right = operand(expr.rightValue?.val, inputs);
  if (left.kind === "literal" && right.kind === "literal") {
    return comparePrimitives(
      primitiveOf(left.literal, "Only primitives can be compared. LHS Variable is non primitive."),
      primitiveOf(right.literal, "Only primitives can be compared. RHS Variable is non primitive"),
      expr.operator,
    );
  }
  const l =
    left.kind === "literal"
      ? primitiveOf(left.literal, "Only primitives can be compared. LHS Variable is non primitive.")
      : left.primitive;
  const r =
    right.kind === "literal"
      ? primitiveOf(right.literal, "Only primitives can be compared. RHS Variable is non primitive.")
      : right.primitive;
  return comparePrimitives(l, r, expr.operator);
}

type OperandVal = NonNullable<ComparisonExpression["leftValue"]>["val"] | undefined;

function isNoneOperand(val: OperandVal): boolean {
  return val?.case === "scalar" && val.value.value.case === "noneType";
}

function evaluateNoneComparison(expr: ComparisonExpression, inputs: LiteralMap): boolean {
  const other = isNoneOperand(expr.leftValue?.val) ? expr.rightValue?.val : expr.leftValue?.val;
  if (other?.case !== "var")
    throw new CodedError(MALFORMED_BRANCH, "A comparison with none needs a variable on the other side.");
  const literal = inputs.literals[other.value];
  if (literal === undefined)
    throw new CodedError(MALFORMED_BRANCH, `Failed to find Value for Variable [${other.value}]`);
  const none = isNoneLiteral(literal);
  if (expr.operator === ComparisonExpression_Operator.EQ) return none;
  if (expr.operator === ComparisonExpression_Operator.NEQ) return !none;
  throw new CodedError(MALFORMED_BRANCH, "Only EQ and NEQ are defined for comparisons with none.");
}

function isNoneLiteral(literal: Literal): boolean {
  const scalar = literal.value.case === "scalar" ? literal.value.value : undefined;
  if (scalar?.value.case === "noneType") return true;
  if (scalar?.value.case === "union" && scalar.value.value.value !== undefined)
    return isNoneLiteral(scalar.value.value.value);
  return false;
}

type OperandValue = { kind: "primitive"; primitive: Primitive } | { kind: "literal"; literal: Literal };

function operand(val: OperandVal, inputs: LiteralMap): OperandValue {
  if (val?.case === "primitive") return { kind: "primitive", primitive: val.value };
  // Anything but a primitive is read as a variable; GetVar() of a scalar operand is "".
  const name = val?.case === "var" ? val.value : "";
  const literal = inputs.literals[name];
  if (literal === undefined) throw new CodedError(MALFORMED_BRANCH, `Failed to find Value for Variable [${name}]`);
  return { kind: "literal", literal };
}

function primitiveOf(literal: Literal, message: string): Primitive {
  const scalar = literal.value.case === "scalar" ? literal.value.value : undefined;
  if (scalar?.value.case !== "primitive") throw new CodedError(MALFORMED_BRANCH, message);
  return scalar.value.value;
}

/** propeller's `Evaluate` on two primitives. */
export function comparePrimitives(left: Primitive, right: Primitive, op: ComparisonExpression_Operator): boolean {
  const l = left.value;
  const r = right.value;
  if (l.case !== r.case) {
    throw new CodedError(
      MALFORMED_BRANCH,
      `Comparison between different primitives types. lVal[${goType(l.case)}]:rVal[${goType(r.case)}]`,
    );
  }
  if (l.case === undefined) throw new CodedError("UnknownComparator", "comparator not defined for type: [<nil>]");
  const isBoolean = l.case === "boolean";
  const gt = (): boolean => greaterThan(left, right);
  const eq = (): boolean => equalTo(left, right);
  const noBooleans = (name: string): void => {
    if (isBoolean) throw new CodedError(MALFORMED_BRANCH, `[${name}] not defined for boolean operands.`);
  };
  switch (op) {
    case ComparisonExpression_Operator.GT:
      noBooleans("GT");
      return gt();
    case ComparisonExpression_Operator.GTE:
      noBooleans("GTE");
      return eq() || gt();
    case ComparisonExpression_Operator.LT:
      noBooleans("LT");
      return !(gt() || eq());
    case ComparisonExpression_Operator.LTE:
      noBooleans("LTE");
      return !gt();
    case ComparisonExpression_Operator.EQ:
      return eq();
    case ComparisonExpression_Operator.NEQ:
      return !eq();
    default:
      throw new CodedError(MALFORMED_BRANCH, "Unsupported operator type in Propeller. System error.");
  }
}

function goType(kind: string | undefined): string {
  return kind === undefined ? "<nil>" : (GO_TYPES[kind] ?? kind);
}

function greaterThan(left: Primitive, right: Primitive): boolean {
  const l = left.value;
  const r = right.value;
  switch (l.case) {
    case "integer":
      return l.value > (r.value as bigint);
    case "floatValue":
      return l.value > (r.value as number);
    case "stringValue":
      return compareCodePoints(l.value, r.value as string) > 0;
    case "datetime":
      return l.value.seconds > (r.case === "datetime" ? r.value.seconds : 0n);
    case "duration":
      return l.value.seconds > (r.case === "duration" ? r.value.seconds : 0n);
    default:
      return false;
  }
}

function equalTo(left: Primitive, right: Primitive): boolean {
  const l = left.value;
  const r = right.value;
  switch (l.case) {
    case "integer":
    case "floatValue":
    case "stringValue":
    case "boolean":
      return l.value === r.value;
    case "datetime":
      return l.value.seconds === (r.case === "datetime" ? r.value.seconds : 0n);
    case "duration":
      return l.value.seconds === (r.case === "duration" ? r.value.seconds : 0n);
    default:
      return false;
  }
}
