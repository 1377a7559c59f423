import { clone, create } from "@bufbuild/protobuf";
import { VariableSchema, VariableMapSchema, type Variable } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { compileErrors } from "../compile-errors.js";
import type { CompileError } from "../compile-error.js";
import type { ErrorScope } from "../error-scope.js";
import type { EffectiveOutputs, NodeBuilder } from "../workflow-graph.js";

/**
 * A node's outputs after its output aliases are applied (propeller's `validateEffectiveOutputParameters`):
 * an aliased output appears under its alias only. An output aliased twice is a `DuplicateAlias`; an
 * alias of an output the node lacks is `ParameterNotBound`.
 *
 * Computed once per node and replayed into `errs` on every call, so each caller still sees the errors
 * in its own scope as Flyte's recomputation would.
 */
export function effectiveOutputs(n: NodeBuilder, errs: ErrorScope): EffectiveOutputs {
  let result = n.iface === undefined ? undefined : n.effectiveOutputs;
  if (result === undefined) {
    result = computeEffectiveOutputs(n);
    // Only a node with its final interface can be memoised; without one the answer may still change.
    if (n.iface !== undefined) n.effectiveOutputs = result;
  }
  for (const e of result.errors) errs.collect(e);
  return result;
}

function computeEffectiveOutputs(n: NodeBuilder): EffectiveOutputs {
  const errors: CompileError[] = [];
  const aliases = new Map<string, string>();
  for (const alias of n.node?.outputAliases ?? []) {
    if (aliases.has(alias.var)) errors.push(compileErrors.duplicateAlias(n.id, alias.alias));
    else aliases.set(alias.var, alias.alias);
  }
  if (n.iface === undefined) return { outputs: undefined, errors };
  const variables: Record<string, Variable> = {};
  for (const [name, variable] of Object.entries(n.iface.outputs?.variables ?? {})) {
    const alias = aliases.get(name);
    if (alias === undefined) {
      variables[name] = variable;
    } else {
      variables[alias] = clone(VariableSchema, variable);
      aliases.delete(name);
    }
  }
  // Whatever is left names outputs the node does not have.
  for (const alias of aliases.values()) errors.push(compileErrors.aliasNotBound(n.id, alias));
  return { outputs: create(VariableMapSchema, { variables }), errors };
}

/** The output `name` of node `n`, or `undefined` (reported) when it has none by that name. */
export function validateOutputVar(n: NodeBuilder, name: string, errs: ErrorScope): Variable | undefined {
  const scope = errs.child();
  const effective = effectiveOutputs(n, scope.child());
  if (scope.hasErrors()) return undefined;
  const variable = effective.outputs?.variables[name];
  if (variable === undefined) errs.collect(compileErrors.noSuchOutput(n.id, name));
  return variable;
}

/**
 * The input `name` of node `n` (propeller's `validateInputVar`). When types are not required, an input
 * the node binds without declaring it is accepted silently (and `undefined` returned, as in Flyte).
 */
export function validateInputVar(
  n: NodeBuilder,
  name: string,
  requireParamType: boolean,
  errs: ErrorScope,
): { variable: Variable | undefined; ok: boolean } {
  if (n.iface === undefined) return { variable: undefined, ok: false };
  const variable = n.iface.inputs?.variables[name];
  if (variable !== undefined) return { variable, ok: true };
  if (!requireParamType && (n.node?.inputs ?? []).some((b) => b.var === name))
    return { variable: undefined, ok: false };
  errs.collect(compileErrors.noSuchInput(n.id, name));
  return { variable: undefined, ok: false };
}
