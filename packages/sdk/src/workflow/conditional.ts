import { create, equals } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { literalTypeToString } from "@aloft/idl";
import { PrimitiveSchema, type Primitive } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { captureCallSite } from "../entities/call-site.js";
import type { CallSite } from "../entities/entity.js";
import { describeValue } from "@aloft/idl/internal";
import { addNode, requireScope } from "./call.js";
import { definitionError } from "./definition-error.js";
import {
  type BindingSpec,
  type BranchSpec,
  type ComparisonOperator,
  type ConditionSpec,
  NODE_STATE,
  type NodeSpec,
  type OperandSpec,
  REF_STATE,
  type RefState,
  Scope,
} from "./model.js";
import { makeNodeResult, type NodeRef } from "./node-result.js";
import { describeRef, describeRefWithType, type Ref, type RefBase } from "./ref.js";
import { runInScope } from "./scope.js";

const CONDITION: unique symbol = Symbol.for("aloft.sdk.condition") as never;

/** A branch condition made by `eq`, `gt`, `and`… (flyteidl `BooleanExpression`). */
export interface Condition {
  /** @internal */
  readonly [CONDITION]: { spec: ConditionSpec; site: CallSite | undefined };
}

/** What a comparison takes: a ref, or a constant integer, float, string, boolean, date or duration (ms). */
export type Comparable<T> = Ref<T> | T;

const COMPARABLE = new Set([
  SimpleType.INTEGER,
  SimpleType.FLOAT,
  SimpleType.STRING,
  SimpleType.BOOLEAN,
  SimpleType.DATETIME,
  SimpleType.DURATION,
]);

function refStateOf(value: unknown): RefState | undefined {
  return typeof value === "object" && value !== null && REF_STATE in value
    ? (value as { [REF_STATE]: RefState })[REF_STATE]
    : undefined;
}

function primitiveFor(value: unknown, type: LiteralType, op: string, site: CallSite | undefined): Primitive {
  const simple = type.type.case === "simple" ? type.type.value : undefined;
  const bad = (): never => {
    throw definitionError(
      site,
      `${op}(): cannot compare a ${literalTypeToString(type)} ref with ${describeValue(value)}`,
    );
  };
  switch (simple) {
    case SimpleType.INTEGER:
      if (typeof value === "bigint") return create(PrimitiveSchema, { value: { case: "integer", value } });
      if (typeof value === "number" && Number.isSafeInteger(value)) {
        return create(PrimitiveSchema, { value: { case: "integer", value: BigInt(value) } });
      }
      return bad();
    case SimpleType.FLOAT:
      return typeof value === "number" ? create(PrimitiveSchema, { value: { case: "floatValue", value } }) : bad();
    case SimpleType.STRING:
      return typeof value === "string" ? create(PrimitiveSchema, { value: { case: "stringValue", value } }) : bad();
    case SimpleType.BOOLEAN:
      return typeof value === "boolean" ? create(PrimitiveSchema, { value: { case: "boolean", value } }) : bad();
    case SimpleType.DATETIME: {
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) return bad();
      const ms = value.getTime();
      const seconds = Math.floor(ms / 1000);
      return create(PrimitiveSchema, {
        value: {
          case: "datetime",
          value: create(TimestampSchema, { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 }),
        },
      });
    }
    case SimpleType.DURATION: {
      if (typeof value !== "number" || !Number.isFinite(value)) return bad();
      const seconds = Math.trunc(value / 1000);
      return create(PrimitiveSchema, {
        value: {
          case: "duration",
          value: create(DurationSchema, {
            seconds: BigInt(seconds),
            nanos: Math.round((value - seconds * 1000) * 1e6),
          }),
        },
      });
    }
    default:
      return bad();
  }
}

function comparable(state: RefState, op: string, site: CallSite | undefined): void {
  const lt = state.literalType;
  if (lt.type.case !== "simple" || !COMPARABLE.has(lt.type.value)) {
    throw definitionError(
      site,
      `${op}(): ${describeRefWithType(state)} cannot be compared; Flyte compares only integers, floats, strings, ` +
        "booleans, datetimes and durations",
    );
  }
}

function compare(op: ComparisonOperator, left: unknown, right: unknown): Condition {
  const site = captureCallSite();
  const l = refStateOf(left);
  const r = refStateOf(right);
  if (left === null || right === null || left === undefined || right === undefined) {
    const other = left === null || left === undefined ? right : left;
    if ((op === "eq" || op === "ne") && refStateOf(other) !== undefined) return noneComparison(op, other, site);
    throw definitionError(site, `${op}(): only eq and ne compare with null, and only against a ref`);
  }
  if (l === undefined && r === undefined) {
    throw definitionError(site, `${op}(): at least one side must be a ref; comparing two constants is decided already`);
  }
  const operand = (value: unknown, state: RefState | undefined, other: RefState): OperandSpec => {
    if (state !== undefined) {
      comparable(state, op, site);
      return { kind: "var", ref: state };
    }
    return { kind: "primitive", primitive: primitiveFor(value, other.literalType, op, site) };
  };
  if (l !== undefined && r !== undefined) {
    comparable(l, op, site);
    comparable(r, op, site);
    // propeller requires identical operand types (`op1Type.String() != op2Type.String()`).
    if (!equals(LiteralTypeSchema, l.literalType, r.literalType)) {
      throw definitionError(
        site,
        `${op}(): both sides must have the same type, got ${describeRefWithType(l)} and ${describeRefWithType(r)}`,
      );
    }
  }
  const spec: ConditionSpec = {
    kind: "comparison",
    op,
    left: operand(left, l, (r ?? l) as RefState),
    right: operand(right, r, (l ?? r) as RefState),
  };
  return { [CONDITION]: { spec, site } };
}

/** `left == right` (refs compare with refs of the same type, or with constants of their type). */
export function eq<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("eq", left, right);
}

/** `left != right`. */
export function ne<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("ne", left, right);
}

/** `left > right`. */
export function gt<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("gt", left, right);
}

/** `left >= right`. */
export function gte<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("gte", left, right);
}

/** `left < right`. */
export function lt<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("lt", left, right);
}

/** `left <= right`. */
export function lte<T>(left: Comparable<T>, right: Comparable<T>): Condition {
  return compare("lte", left, right);
}

/** Whether a boolean ref is true (flytekit's `is_true`). */
export function isTrue(ref: Ref<boolean>): Condition {
  return compare("eq", ref, true);
}

/** Whether a boolean ref is false (flytekit's `is_false`). */
export function isFalse(ref: Ref<boolean>): Condition {
  return compare("eq", ref, false);
}

/**
 * Whether an optional ref is none (flytekit's `is_none`). Serialized as flytekit writes it, a comparison
 * with the scalar none. Aloft's compiler and engine accept it; Flyte 1's compiler rejects that operand,
 * so such a workflow registers only on Aloft (docs/compatibility.md).
 */
export function isNone(ref: RefBase<unknown>): Condition {
  return noneComparison("eq", ref, captureCallSite());
}

function noneComparison(op: "eq" | "ne", ref: unknown, site: CallSite | undefined): Condition {
  const state = refStateOf(ref);
  if (state === undefined)
    throw definitionError(site, `${op === "eq" ? "isNone" : "ne"}(): expected a ref, got ${describeValue(ref)}`);
  const lt = state.literalType;
  const optional =
    (lt.type.case === "simple" && lt.type.value === SimpleType.NONE) ||
    (lt.type.case === "unionType" &&
      lt.type.value.variants.some((v) => v.type.case === "simple" && v.type.value === SimpleType.NONE));
  if (!optional) {
    throw definitionError(
      site,
      `${op === "eq" ? "isNone" : "ne"}(): ${describeRefWithType(state)} is not optional, so it is never none`,
    );
  }
  const spec: ConditionSpec = { kind: "comparison", op, left: { kind: "var", ref: state }, right: { kind: "none" } };
  return { [CONDITION]: { spec, site } };
}

function conditionOf(value: unknown, what: string): { spec: ConditionSpec; site: CallSite | undefined } {
  if (typeof value === "object" && value !== null && CONDITION in value) {
    return (value as Condition)[CONDITION];
  }
  throw definitionError(
    captureCallSite(),
    `${what}: expected a condition made by eq, ne, gt, gte, lt, lte, and, or, isTrue, isFalse or isNone; JS operators ` +
      "(==, <, &&) cannot be used on refs",
  );
}

function conjunction(op: "and" | "or", conditions: readonly Condition[]): Condition {
  if (conditions.length < 2) throw definitionError(captureCallSite(), `${op}(): give at least two conditions`);
  const specs = conditions.map((c, i) => conditionOf(c, `${op}() argument ${i + 1}`).spec);
  // (a and b and c) is ((a and b) and c): flytekit's `&` chains left to right.
  const spec = specs
    .slice(1)
    .reduce<ConditionSpec>((left, right) => ({ kind: "conjunction", op, left, right }), specs[0] as ConditionSpec);
  return { [CONDITION]: { spec, site: captureCallSite() } };
}

/** All conditions hold (flytekit's `&`). */
export function and(...conditions: readonly Condition[]): Condition {
  return conjunction("and", conditions);
}

/** Any condition holds (flytekit's `|`). */
export function or(...conditions: readonly Condition[]): Condition {
  return conjunction("or", conditions);
}

/** What a branch's result is: a call's result, or one output ref of it. */
export type BranchValue = { readonly [NODE_STATE]: NodeSpec } | RefBase<unknown>;

/** The result of a finished conditional: shaped like each branch's result, for the branch node. */
export type BranchResult<R> = R extends RefBase<infer T> ? NodeRef<T> : R;

/** A conditional with at least one case: add cases, then end it with `else` or `fail`. */
export interface ConditionalChain<R extends BranchValue> {
  /** Another case, tried when the earlier ones do not hold. */
  elif(condition: Condition, then: () => R): ConditionalChain<R>;
  /** The branch run when no case holds; ends the conditional and returns its result. */
  else(then: () => R): BranchResult<R>;
  /** Fails the workflow with `message` when no case holds; ends the conditional. */
  fail(message: string): BranchResult<R>;
}

/** A conditional just started: give its first case. */
export interface ConditionalStart {
  /** The first case: when `condition` holds, the node `then` creates runs. */
  if<R extends BranchValue>(condition: Condition, then: () => R): ConditionalChain<R>;
}

interface CaseResult {
  node: NodeSpec;
  outputs: Record<string, LiteralType>;
  single: boolean;
}

interface Section {
  name: string;
  scope: Scope;
  counter: { next: number };
  site: CallSite | undefined;
  cases: { condition: ConditionSpec; result: CaseResult; site: CallSite | undefined }[];
  elseCase: CaseResult | undefined;
  done: boolean;
  marker: { name: string; site: CallSite | undefined };
}

function runCase(section: Section, then: unknown, what: string, site: CallSite | undefined): CaseResult {
  if (typeof then !== "function")
    throw definitionError(site, `${what}: expected a function that makes the branch's call`);
  const caseScope = new Scope({
    kind: "branch-case",
    parent: section.scope,
    prefix: section.scope.prefix,
    counter: section.counter,
    owner: section.scope.owner,
    site,
  });
  const returned = runInScope(caseScope, () => (then as () => unknown)());
  const [node, ...extra] = caseScope.nodes;
  if (node === undefined || extra.length > 0) {
    throw definitionError(
      site,
      `${what}: a branch must make exactly one call (a task, workflow, launch plan or nested conditional), it made ${caseScope.nodes.length}`,
    );
  }
  if (typeof returned === "object" && returned !== null && NODE_STATE in returned) {
    if ((returned as { [NODE_STATE]: NodeSpec })[NODE_STATE] !== node) {
      throw definitionError(site, `${what}: the branch must return the result of the call it makes`);
    }
    return { node, outputs: { ...node.outputs }, single: REF_STATE in returned };
  }
  const state = refStateOf(returned);
  if (state !== undefined && state.node === node && state.attrPath.length === 0) {
    const lt = node.outputs[state.var] as LiteralType;
    return { node, outputs: { [state.var]: lt }, single: true };
  }
  throw definitionError(site, `${what}: the branch must return the result of its call (or one of its outputs)`);
}

function sameOutputs(a: CaseResult, b: CaseResult): boolean {
  const ak = Object.keys(a.outputs).sort();
  const bk = Object.keys(b.outputs).sort();
  if (ak.join("\0") !== bk.join("\0")) return false;
  return ak.every((k) => equals(LiteralTypeSchema, a.outputs[k] as LiteralType, b.outputs[k] as LiteralType));
}

function describeOutputs(r: CaseResult): string {
  const entries = Object.entries(r.outputs);
  if (entries.length === 0) return "no outputs";
  return entries.map(([k, v]) => `${k}: ${literalTypeToString(v)}`).join(", ");
}

function collectRefs(spec: ConditionSpec, out: RefState[]): void {
  if (spec.kind === "conjunction") {
    collectRefs(spec.left, out);
    collectRefs(spec.right, out);
    return;
  }
  for (const o of [spec.left, spec.right]) if (o.kind === "var") out.push(o.ref);
}

/**
 * The variable a branch node binds a ref of its conditions to: `<node id>.<output>` (flytekit's
 * `create_branch_node_promise_var`; workflow inputs have the empty node id, so `.x`), with the
 * attribute path appended when there is one, so two paths into one output stay apart.
 * @internal
 */
export function branchVarName(ref: Pick<RefState, "node" | "var" | "attrPath">): string {
  return `${ref.node?.id ?? ""}.${ref.var}${ref.attrPath.map((s) => `.${s}`).join("")}`;
}

function finish(section: Section, error: string | undefined, site: CallSite | undefined): object {
  if (section.done) throw definitionError(site, `conditional "${section.name}" is already finished`);
  section.done = true;
  section.scope.root.openConditionals.delete(section.marker);
  const results = [
    ...section.cases.map((c) => c.result),
    ...(section.elseCase === undefined ? [] : [section.elseCase]),
  ];
  const first = results[0] as CaseResult;
  for (const r of results.slice(1)) {
    if (!sameOutputs(first, r)) {
      throw definitionError(
        r.node.callSite ?? site,
        `conditional "${section.name}": every branch must produce the same outputs; ${first.node.label} gives ` +
          `${describeOutputs(first)} but ${r.node.label} gives ${describeOutputs(r)}`,
      );
    }
  }
  // The branch node binds what its conditions read, as `<node>.<output>` (flytekit's naming).
  const refs: RefState[] = [];
  for (const c of section.cases) collectRefs(c.condition, refs);
  const bindings = new Map<string, BindingSpec>();
  const deps: NodeSpec[] = [];
  for (const ref of refs) {
    const name = branchVarName(ref);
    if (!bindings.has(name)) bindings.set(name, { var: name, data: { kind: "promise", ref } });
    if (ref.node !== undefined && !deps.includes(ref.node)) deps.push(ref.node);
  }
  const branch: BranchSpec = {
    name: section.name,
    cases: section.cases.map((c) => ({ condition: c.condition, node: c.result.node })),
    elseNode: section.elseCase?.node,
    error,
  };
  const node = addNode(section.scope, {
    target: { kind: "branch", branch },
    bindings: [...bindings.values()].sort((a, b) => (a.var < b.var ? -1 : a.var > b.var ? 1 : 0)),
    upstream: deps,
    metadata: { name: section.name, retries: 0 },
    outputs: first.outputs,
    label: `conditional "${section.name}"`,
    site: section.site,
  });
  return makeNodeResult(node, first.single);
}

function checkConditionRefs(section: Section, spec: ConditionSpec, site: CallSite | undefined): void {
  const refs: RefState[] = [];
  collectRefs(spec, refs);
  for (const ref of refs) {
    if (ref.scope.root !== section.scope.root || !section.scope.sees(ref.scope)) {
      throw definitionError(site, `conditional "${section.name}": ${describeRef(ref)} cannot be used here`);
    }
  }
}

/**
 * Starts a conditional (a branch node) in a workflow body, as flytekit's `conditional`:
 *
 * ```ts
 * const result = conditional("sign")
 *   .if(gt(x, 0), () => positive({ x }))
 *   .elif(lt(x, 0), () => negative({ x }))
 *   .else(() => zero({ x }));   // or .fail("x must not be 0")
 * ```
 *
 * Each branch function makes exactly one call (nested conditionals included); all branches must give
 * the same outputs, and the result carries them. Only the chosen branch runs.
 */
export function conditional(name: string): ConditionalStart {
  const site = captureCallSite();
  const scope = requireScope(`conditional("${String(name)}")`, site);
  if (typeof name !== "string" || name === "") throw definitionError(site, "conditional(): give it a non-empty name");
  const marker = { name, site };
  scope.root.openConditionals.add(marker);
  const section: Section = {
    name,
    scope,
    counter: Scope.newCounter(),
    site,
    cases: [],
    elseCase: undefined,
    done: false,
    marker,
  };
  const addCase = (condition: unknown, then: unknown, what: string): void => {
    const caseSite = captureCallSite();
    if (section.done) throw definitionError(caseSite, `conditional "${name}" is already finished`);
    const c = conditionOf(condition, what);
    checkConditionRefs(section, c.spec, caseSite);
    section.cases.push({ condition: c.spec, result: runCase(section, then, what, caseSite), site: caseSite });
  };
  const chain: ConditionalChain<BranchValue> = {
    elif(condition, then) {
      addCase(condition, then, `conditional "${name}".elif()`);
      return chain;
    },
    else(then) {
      const elseSite = captureCallSite();
      section.elseCase = runCase(section, then, `conditional "${name}".else()`, elseSite);
      return finish(section, undefined, elseSite) as never;
    },
    fail(message) {
      const failSite = captureCallSite();
      if (typeof message !== "string") throw definitionError(failSite, `conditional "${name}".fail(): give a message`);
      return finish(section, message, failSite) as never;
    },
  };
  return {
    if(condition, then) {
      addCase(condition, then, `conditional "${name}".if()`);
      return chain as never;
    },
  };
}
