import { create } from "@bufbuild/protobuf";
import {
  VariableMapSchema,
  VariableSchema,
  type Variable,
  type VariableMap,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Binding, BindingData } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  LiteralTypeSchema,
  SimpleType,
  type LiteralType,
  type OutputReference,
} from "@aloft/idl/gen/flyteidl/core/types_pb";
import { compileErrors, describeBinding } from "../compile-errors.js";
import { ErrorScope } from "../error-scope.js";
import { literalTypeForScalar } from "../infer-literal-type.js";
import { isCastable, simpleOf } from "../type-compatibility.js";
import { parseVarName } from "../var-name.js";
import { START_NODE_ID, type EdgeDirection, type NodeBuilder, type WorkflowGraph } from "../workflow-graph.js";
import { validateOutputVar } from "./outputs.js";

interface BindingResult {
  /** The bound value's type: a scalar's inferred type, or the full type of the producing output. */
  type: LiteralType | undefined;
  /** Nodes whose outputs the binding reads. */
  upstream: string[];
  ok: boolean;
}

interface BindingContext {
  graph: WorkflowGraph;
  node: NodeBuilder;
  param: string;
  validateParamTypes: boolean;
}

const failed = (errs: ErrorScope): BindingResult => ({ type: undefined, upstream: [], ok: !errs.hasErrors() });

/**
 * Validates a node's input bindings against the interface inputs it should bind (propeller's
 * `ValidateBindings`) and records an edge from every node a binding reads, in `direction`.
 *
 * Each binding must name a declared input (unless `validateParamTypes` is off, as for branch and
 * approve-gate nodes whose inputs are whatever they bind), be set, and be the only binding of that
 * input; each declared input must be bound unless its type is optional (see {@link isOptionalType}).
 * Returns the types the bindings resolved to.
 */
export function validateBindings(options: {
  graph: WorkflowGraph;
  node: NodeBuilder;
  bindings: readonly Binding[];
  params: VariableMap | undefined;
  validateParamTypes: boolean;
  direction: EdgeDirection;
  errs: ErrorScope;
}): { resolved: VariableMap; ok: boolean } {
  const { graph, node, bindings, params, validateParamTypes, direction, errs } = options;
  const resolved: Record<string, Variable> = {};
  const provided = new Set<string>();
  for (const binding of bindings) {
    let param = params?.variables[binding.var];
    if (param === undefined && validateParamTypes) {
      errs.collect(compileErrors.noSuchInput(node.id, binding.var));
    } else if (binding.binding === undefined) {
      errs.collect(compileErrors.valueRequired(node.id, "Binding", `input [${binding.var}] has an empty binding`));
    } else if (provided.has(binding.var)) {
      errs.collect(compileErrors.parameterBoundMoreThanOnce(node.id, binding.var));
    } else {
      param ??= create(VariableSchema, {
        type: create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.NONE } }),
      });
      provided.add(binding.var);
      const context: BindingContext = { graph, node, param: binding.var, validateParamTypes };
      const result = validateBinding(context, binding.binding, param.type, errs.child());
      if (result.ok) {
        for (const up of result.upstream) addEdge(graph, direction, up, node.id);
        resolved[binding.var] = create(VariableSchema, { type: result.type });
      }
    }
  }
  for (const [name, variable] of Object.entries(params?.variables ?? {})) {
    if (!provided.has(name) && !isOptionalType(variable.type))
      errs.collect(compileErrors.parameterNotBound(node.id, name));
  }
  return { resolved: create(VariableMapSchema, { variables: resolved }), ok: !errs.hasErrors() };
}

function addEdge(graph: WorkflowGraph, direction: EdgeDirection, from: string, to: string): void {
  if (direction === "bidirectional") graph.addExecutionEdge(from, to);
  else if (direction === "downstream") graph.addDownstreamEdge(from, to);
  else graph.addUpstreamEdge(from, to);
}

/**
 * Whether an input may stay unbound: its type is a union with a variant that is `none`. Flyte reads a
 * variant's simple type with `GetSimple()`, which is also NONE for any non-simple variant (a list, a
 * blob, …), so such unions count as optional too; kept for parity.
 */
export function isOptionalType(type: LiteralType | undefined): boolean {
  if (type?.type.case !== "unionType") return false;
  return type.type.value.variants.some((v) => simpleOf(v) === SimpleType.NONE);
}

function validateBinding(
  ctx: BindingContext,
  binding: BindingData,
  expected: LiteralType | undefined,
  errs: ErrorScope,
): BindingResult {
  const value = binding.value;
  // Lists, maps and unset bindings cannot be typed through a union, so pick the one variant they fit.
  if (value.case !== "scalar" && value.case !== "promise" && expected?.type.case === "unionType") {
    return validateAgainstUnion(ctx, binding, { expected, variants: expected.type.value.variants }, errs);
  }
  const nodeId = ctx.node.id;
  switch (value.case) {
    case "collection": {
      if (expected?.type.case !== "collectionType") {
        errs.collect(compileErrors.mismatchingBindings(nodeId, ctx.param, expected, describeBinding(binding)));
        return failed(errs);
      }
      return validateElements(ctx, value.value.bindings, expected.type.value, "collectionType", errs);
    }
    case "map": {
      if (expected?.type.case !== "mapValueType") {
        errs.collect(compileErrors.mismatchingBindings(nodeId, ctx.param, expected, describeBinding(binding)));
        return failed(errs);
      }
      return validateElements(ctx, Object.values(value.value.bindings), expected.type.value, "mapValueType", errs);
    }
    case "promise":
      return validatePromise(ctx, value.value, expected, errs);
    case "scalar": {
      const type = literalTypeForScalar(value.value);
      if (type === undefined) {
        errs.collect(compileErrors.unrecognizedScalar(nodeId, ctx.param));
      } else if (ctx.validateParamTypes && (expected === undefined || !isCastable(type, expected))) {
        errs.collect(compileErrors.mismatchingTypes(nodeId, ctx.param, type, expected));
      }
      if (expected?.type.case === "enumType") {
        const s = value.value.value.case === "primitive" ? value.value.value.value.value : undefined;
        const text = s?.case === "stringValue" ? s.value : "";
        const allowed = expected.type.value.values;
        if (!allowed.includes(text)) errs.collect(compileErrors.illegalEnumValue(nodeId, ctx.param, text, allowed));
      }
      return { type, upstream: [], ok: !errs.hasErrors() };
    }
    default:
      errs.collect(compileErrors.mismatchingBindings(nodeId, ctx.param, expected, describeBinding(binding)));
      return failed(errs);
  }
}

function validateAgainstUnion(
  ctx: BindingContext,
  binding: BindingData,
  union: { expected: LiteralType; variants: readonly LiteralType[] },
  errs: ErrorScope,
): BindingResult {
  const { expected, variants } = union;
  let match: { variant: LiteralType; result: BindingResult } | undefined;
  for (const variant of variants) {
    // Trial runs report into a throw-away scope, as in Flyte.
    const result = validateBinding(ctx, binding, variant, ErrorScope.root());
    if (!result.ok) continue;
    if (match !== undefined) {
      errs.collect(
        compileErrors.ambiguousUnion({
          nodeId: ctx.node.id,
          param: ctx.param,
          expected,
          binding,
          first: match.variant,
          second: variant,
        }),
      );
      return failed(errs);
    }
    match = { variant, result };
  }
  if (match !== undefined) return match.result;
  errs.collect(compileErrors.incompatibleUnion(ctx.node.id, ctx.param, expected, binding));
  return failed(errs);
}

function validateElements(
  ctx: BindingContext,
  elements: readonly BindingData[],
  elementType: LiteralType,
  kind: "collectionType" | "mapValueType",
  errs: ErrorScope,
): BindingResult {
  const upstream: string[] = [];
  let subType: LiteralType | undefined;
  for (const element of elements) {
    const result = validateBinding(ctx, element, elementType, errs.child());
    if (result.ok) {
      upstream.push(...result.upstream);
      subType = result.type;
    }
  }
  const type = subType === undefined ? undefined : create(LiteralTypeSchema, { type: { case: kind, value: subType } });
  return { type, upstream, ok: !errs.hasErrors() };
}

function validatePromise(
  ctx: BindingContext,
  promise: OutputReference,
  expected: LiteralType | undefined,
  errs: ErrorScope,
): BindingResult {
  const nodeId = ctx.node.id;
  const producer = findProducer(ctx.graph, promise.nodeId, errs.child());
  if (producer !== undefined) {
    const varName = parseVarName(promise.var);
    if (varName === undefined) {
      errs.collect(compileErrors.syntaxError(nodeId, promise.var));
      return failed(errs);
    }
    const param = validateOutputVar(producer, varName.name, errs.child());
    if (param !== undefined) {
      let source = param.type;
      if (varName.index !== undefined) {
        if (param.type?.type.case === "collectionType") {
          source = param.type.type.value;
        } else {
          errs.collect(
            compileErrors.mismatchingVariables({
              nodeId,
              param: ctx.param,
              producerId: producer.id,
              output: promise.var,
              from: param.type,
              to: expected,
            }),
          );
        }
      }
      for (const attr of promise.attrPath) {
        const t = source?.type;
        if (t?.case === "collectionType" || t?.case === "mapValueType") {
          source = t.value;
        } else if (source !== undefined && Object.keys(source.structure?.dataclassType ?? {}).length > 0) {
          const field = attr.value.case === "stringValue" ? attr.value.value : "";
          const fieldType: LiteralType | undefined = source.structure?.dataclassType[field];
          if (fieldType === undefined) {
            errs.collect(compileErrors.fieldNotFound(nodeId, promise.var, source, field));
            return failed(errs);
          }
          source = fieldType;
        }
      }
      if (!ctx.validateParamTypes || (source !== undefined && expected !== undefined && isCastable(source, expected))) {
        promise.nodeId = producer.id;
        // Flyte answers ok here even if the index check above reported an error.
        return { type: param.type, upstream: [producer.id], ok: true };
      }
      errs.collect(
        compileErrors.mismatchingVariables({
          nodeId,
          param: ctx.param,
          producerId: producer.id,
          output: promise.var,
          from: source,
          to: expected,
        }),
      );
      return failed(errs);
    }
  }
  errs.collect(compileErrors.parameterNotBound(nodeId, ctx.param));
  return failed(errs);
}

/** The node a promise reads from: the start node when its id is empty. */
function findProducer(graph: WorkflowGraph, nodeId: string, errs: ErrorScope): NodeBuilder | undefined {
  const producer = graph.getNode(nodeId === "" ? START_NODE_ID : nodeId);
  if (producer === undefined) errs.collect(compileErrors.nodeReferenceNotFound(nodeId));
  return producer;
}
