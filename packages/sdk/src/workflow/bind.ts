import { AloftError, Code, literalFromJs, literalTypeToString } from "@aloft/idl";
import { isCastable } from "@aloft/compiler";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { CallSite } from "../entities/entity.js";
import type { AnyType } from "../types/type.js";
import { describeValue } from "@aloft/idl/internal";
import { definitionError } from "./definition-error.js";
import { type BindingDataSpec, NODE_STATE, type NodeSpec, REF_STATE, type RefState, type Scope } from "./model.js";
import { describeRef, describeRefWithType } from "./ref.js";

/** What binding a value needs to know about where it goes. @internal */
export interface BindContext {
  scope: Scope;
  site: CallSite | undefined;
  /** How messages name the receiving variable: `input "x" of sayHello`. */
  what: string;
  /** Upstream nodes found in the value, appended to in order, without duplicates. */
  deps: NodeSpec[];
}

/** The receiving variable's type. @internal */
export interface BindTarget {
  literalType: LiteralType;
  type: AnyType | undefined;
}

/**
 * Turns what a body passes for a variable into binding data, the way flytekit's
 * `binding_data_from_python_std` does: a ref becomes a promise; a constant becomes its literal's
 * scalar; lists and maps holding refs become collection and map bindings (so do constant lists and
 * maps); a container for a union is bound through the first variant that takes it. Refs are checked
 * for castability to the variable's type (`isCastable`) and constants for validity, failing with the
 * user's call site.
 * @internal
 */
export function bindValue(value: unknown, target: BindTarget, ctx: BindContext): BindingDataSpec {
  const state = refStateOf(value);
  if (state !== undefined) return bindRef(state, target, ctx);
  rejectNodeResult(value, ctx);
  if (containsRef(value)) return bindMixed(value, target, ctx);
  return literalToBindingData(constantLiteral(value, target, ctx));
}

function refStateOf(value: unknown): RefState | undefined {
  return typeof value === "object" && value !== null && REF_STATE in value
    ? (value as { [REF_STATE]: RefState })[REF_STATE]
    : undefined;
}

function bindRef(state: RefState, target: BindTarget, ctx: BindContext): BindingDataSpec {
  if (state.scope.root !== ctx.scope.root) {
    throw definitionError(
      ctx.site,
      `${ctx.what}: ${describeRef(state)} belongs to another workflow body; refs can only be used in the body that made them`,
    );
  }
  if (!ctx.scope.sees(state.scope)) {
    throw definitionError(
      ctx.site,
      `${ctx.what}: ${describeRef(state)} was made inside a conditional branch and cannot be used outside it; use the conditional's result instead`,
    );
  }
  if (!isCastable(state.literalType, target.literalType)) {
    throw definitionError(
      ctx.site,
      `${ctx.what} expects ${literalTypeToString(target.literalType)}, got ${describeRefWithType(state)}`,
    );
  }
  if (state.node !== undefined && !ctx.deps.includes(state.node)) ctx.deps.push(state.node);
  return { kind: "promise", ref: state };
}

function rejectNodeResult(value: unknown, ctx: BindContext): void {
  if (typeof value !== "object" || value === null || !(NODE_STATE in value)) return;
  const node = (value as { [NODE_STATE]: NodeSpec })[NODE_STATE];
  const outputs = Object.keys(node.outputs);
  const hint =
    outputs.length === 0
      ? `${node.label} (node ${node.id}) produces no outputs`
      : `pick one of its outputs: ${outputs.map((o) => `.${o}`).join(", ")}`;
  throw definitionError(ctx.site, `${ctx.what}: got the call of ${node.label} (node ${node.id}) itself; ${hint}`);
}

/** Whether a value is, or holds inside arrays and plain objects, a ref. @internal */
export function containsRef(value: unknown): boolean {
  if (refStateOf(value) !== undefined) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (isPlainObject(value)) return Object.values(value).some(containsRef);
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function bindMixed(value: unknown, target: BindTarget, ctx: BindContext): BindingDataSpec {
  const lt = target.literalType;
  if (lt.type.case === "unionType") {
    const variants = lt.type.value.variants;
    const variantTypes = subTypes(target.type, "variants");
    const problems: string[] = [];
    for (const [i, variant] of variants.entries()) {
      const attempt: NodeSpec[] = [];
      try {
        const data = bindMixed(
          value,
          { literalType: variant, type: variantTypes?.[i] },
          { ...ctx, site: undefined, deps: attempt },
        );
        for (const d of attempt) if (!ctx.deps.includes(d)) ctx.deps.push(d);
        return data;
      } catch (e) {
        if (!(e instanceof AloftError) || e.code !== Code.InvalidArgument) throw e;
        problems.push(e.rawMessage);
      }
    }
    throw definitionError(
      ctx.site,
      `${ctx.what} expects ${literalTypeToString(lt)}, and no variant takes ${describeValue(value)} (${problems.join("; ")})`,
    );
  }
  if (Array.isArray(value)) {
    if (lt.type.case !== "collectionType") {
      throw definitionError(ctx.site, `${ctx.what} expects ${literalTypeToString(lt)}, got a list`);
    }
    const element: BindTarget = { literalType: lt.type.value, type: subType(target.type, "element") };
    return {
      kind: "collection",
      items: value.map((v, i) => bindValue(v, element, { ...ctx, what: `${ctx.what}[${i}]` })),
    };
  }
  if (isPlainObject(value)) {
    if (lt.type.case !== "mapValueType") {
      throw definitionError(
        ctx.site,
        `${ctx.what} expects ${literalTypeToString(lt)}: refs can only be mixed with constants in lists and maps`,
      );
    }
    const valueTarget: BindTarget = { literalType: lt.type.value, type: subType(target.type, "valueType") };
    const entries: Record<string, BindingDataSpec> = {};
    for (const [k, v] of Object.entries(value)) {
      entries[k] = bindValue(v, valueTarget, { ...ctx, what: `${ctx.what}[${JSON.stringify(k)}]` });
    }
    return { kind: "map", entries };
  }
  throw definitionError(ctx.site, `${ctx.what}: cannot bind ${describeValue(value)}`);
}

// The SDK's container types expose what they hold (`t.list(x).element`, `t.map(x).valueType`,
// `t.union(...).variants`); a constant inside a list that also holds refs is encoded with it.
function subType(type: AnyType | undefined, field: "element" | "valueType"): AnyType | undefined {
  const sub = (type as Record<string, unknown> | undefined)?.[field];
  return isType(sub) ? sub : undefined;
}

function subTypes(type: AnyType | undefined, field: "variants"): (AnyType | undefined)[] | undefined {
  const subs = (type as Record<string, unknown> | undefined)?.[field];
  return Array.isArray(subs) ? subs.map((s) => (isType(s) ? s : undefined)) : undefined;
}

function isType(value: unknown): value is AnyType {
  return typeof value === "object" && value !== null && typeof (value as AnyType).toLiteralSync === "function";
}

/**
 * A constant's literal, encoded by the variable's SDK type (or, for interfaces known only as literal
 * types, by `@aloft/idl`'s `literalFromJs`). `undefined` counts as `null`.
 * @internal
 */
export function constantLiteral(value: unknown, target: BindTarget, ctx: Pick<BindContext, "site" | "what">): Literal {
  const v = value === undefined ? null : value;
  try {
    if (target.type === undefined) return literalFromJs(v, target.literalType, { path: ctx.what });
    // The type's own conversion names the exact problem (`input "xs" of f[2]: expected integer, got "a"`).
    return target.type.toLiteralSync(v as never, { path: ctx.what });
  } catch (e) {
    if (!(e instanceof AloftError) || e.code !== Code.InvalidArgument) throw e;
    throw definitionError(ctx.site, e.rawMessage);
  }
}

/**
 * A constant literal as binding data, as flytekit binds constants: collections and maps element by
 * element, a union holding a collection or map through that container, anything else as its scalar.
 * @internal
 */
export function literalToBindingData(literal: Literal): BindingDataSpec {
  const v = literal.value;
  switch (v.case) {
    case "collection":
      return { kind: "collection", items: v.value.literals.map(literalToBindingData) };
    case "map": {
      const entries: Record<string, BindingDataSpec> = {};
      for (const [k, l] of Object.entries(v.value.literals)) entries[k] = literalToBindingData(l);
      return { kind: "map", entries };
    }
    case "scalar": {
      const s = v.value.value;
      if (s.case === "union") {
        const inner = s.value.value?.value.case;
        if ((inner === "collection" || inner === "map") && s.value.value !== undefined) {
          return literalToBindingData(s.value.value);
        }
      }
      return { kind: "scalar", scalar: v.value };
    }
    default:
      throw AloftError.invalidArgument(`a ${v.case ?? "empty"} literal cannot be bound as a constant`);
  }
}
