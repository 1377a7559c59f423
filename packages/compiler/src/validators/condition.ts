import type { BooleanExpression, Operand } from "@aloft/idl/gen/flyteidl/core/condition_pb";
import { create } from "@bufbuild/protobuf";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";
import { literalTypeForPrimitive } from "../infer-literal-type.js";
import { literalTypesEqual } from "../literal-type-key.js";
import type { NodeBuilder } from "../workflow-graph.js";
import { validateInputVar } from "./outputs.js";

/**
 * Validates a branch condition (propeller's `ValidateBooleanExpression`): comparisons need two
 * operands, each a primitive or the name of one of the branch node's inputs, and the two must have
 * the same type; conjunctions are checked on both sides. Aloft also accepts the scalar `none` as an
 * operand against an optional variable (flytekit's `is_none`, which Flyte 1 rejects).
 */
export function validateBooleanExpression(
  node: NodeBuilder,
  expr: BooleanExpression | undefined,
  requireParamType: boolean,
  errs: ErrorScope,
): boolean {
  const e = expr?.expr;
  if (e === undefined) {
    errs.collect(compileErrors.branchHasNoCondition(node.id));
  } else if (e.case === "comparison") {
    const right = validateOperand(node, "RightValue", e.value.rightValue, requireParamType, errs.child());
    const left = validateOperand(node, "LeftValue", e.value.leftValue, requireParamType, errs.child());
    if (right.ok && left.ok && right.type !== undefined && left.type !== undefined) {
      if (isNoneType(right.type) !== isNoneType(left.type)) {
        // Aloft extension (docs/compatibility.md): flytekit's is_none compares a variable with the scalar none.
        const other = isNoneType(right.type) ? left.type : right.type;
        if (!acceptsNone(other)) errs.collect(compileErrors.conditionOperandsMismatch(node.id, right.type, left.type));
      } else if (!literalTypesEqual(right.type, left.type)) {
        errs.collect(compileErrors.conditionOperandsMismatch(node.id, right.type, left.type));
      }
    }
  } else if (e.case === "conjunction") {
    validateBooleanExpression(node, e.value.leftExpression, requireParamType, errs.child());
    validateBooleanExpression(node, e.value.rightExpression, requireParamType, errs.child());
  } else {
    errs.collect(compileErrors.valueRequired(node.id, "Expr", "a condition is neither a comparison nor a conjunction"));
  }
  return !errs.hasErrors();
}

const NONE_TYPE = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.NONE } });

function isNoneType(type: LiteralType): boolean {
  return type.type.case === "simple" && type.type.value === SimpleType.NONE;
}

function acceptsNone(type: LiteralType): boolean {
  return isNoneType(type) || (type.type.case === "unionType" && type.type.value.variants.some(isNoneType));
}

function validateOperand(
  node: NodeBuilder,
  side: "RightValue" | "LeftValue",
  operand: Operand | undefined,
  requireParamType: boolean,
  errs: ErrorScope,
): { type: LiteralType | undefined; ok: boolean } {
  const val = operand?.val;
  let type: LiteralType | undefined;
  if (operand === undefined) {
    errs.collect(compileErrors.valueRequired(node.id, side, `a comparison on branch node [${node.id}] has no ${side}`));
  } else if (val?.case === "primitive") {
    type = literalTypeForPrimitive(val.value);
  } else if (val?.case === "scalar" && val.value.value.case === "noneType") {
    type = NONE_TYPE;
  } else if (val?.case === "var" && val.value !== "") {
    if (node.iface === undefined) {
      errs.collect(compileErrors.valueRequired(node.id, val.value, "the branch node's inputs could not be determined"));
    } else {
      const input = validateInputVar(node, val.value, requireParamType, errs.child());
      if (input.ok) type = input.variable?.type;
    }
  } else {
    errs.collect(
      compileErrors.valueRequired(node.id, `${side}.Val`, "an operand must be a primitive, none or an input variable"),
    );
  }
  return { type, ok: !errs.hasErrors() };
}
