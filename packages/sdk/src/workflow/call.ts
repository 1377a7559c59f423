import { literalTypeToString } from "@aloft/idl";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { CallSite } from "../entities/entity.js";
import { bindValue } from "./bind.js";
import { definitionError } from "./definition-error.js";
import type { BindingSpec, CalleeSpec, NodeMetadataSpec, NodeSpec, NodeTarget, Scope } from "./model.js";
import { makeNodeResult } from "./node-result.js";
import { currentScope } from "./scope.js";

/** What a new node is made of, besides what {@link addNode} fills in. @internal */
export interface NodeInit {
  target: NodeTarget;
  bindings: BindingSpec[];
  upstream: NodeSpec[];
  metadata: NodeMetadataSpec;
  subMetadata?: NodeMetadataSpec;
  outputs: Readonly<Record<string, LiteralType>>;
  label: string;
  site: CallSite | undefined;
}

/** Creates a node in `scope`, numbered next (`<prefix>n<k>`). @internal */
export function addNode(scope: Scope, init: NodeInit): NodeSpec {
  const node: NodeSpec = {
    id: scope.peekId(),
    scope,
    target: init.target,
    bindings: init.bindings,
    upstream: init.upstream,
    metadata: init.metadata,
    subMetadata: init.subMetadata,
    overrides: {},
    outputs: init.outputs,
    callSite: init.site,
    label: init.label,
  };
  scope.add(node);
  return node;
}

/**
 * The scope a call happens in, or the error for a call outside any workflow body (which is how a
 * task would be run in plain code: that needs `run()`).
 * @internal
 */
export function requireScope(what: string, site: CallSite | undefined): Scope {
  const scope = currentScope();
  if (scope === undefined) {
    throw definitionError(
      site,
      `${what} was called outside a workflow body. Calls only make nodes while a workflow (or dynamic task) is ` +
        `being defined; to run it, use \`await run(${what}, inputs)\``,
    );
  }
  return scope;
}

/**
 * Makes the node for a call of a task, workflow or launch plan in the current body: checks the inputs
 * (unknown, fixed, unbound, wrongly typed) and binds them sorted by name (as flytekit), with defaults
 * for inputs left out and none for optional ones.
 * @internal
 */
export function callEntity(calleeOf: () => CalleeSpec, inputs: unknown, site: CallSite | undefined): object {
  const callee = calleeOf();
  const scope = requireScope(callee.label, site);
  const given = inputs === undefined ? {} : inputs;
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw definitionError(site, `${callee.label} takes its inputs as one object ({ name: value, … })`);
  }
  const values = given as Record<string, unknown>;
  const names = Object.keys(callee.inputs);
  for (const key of Object.keys(values)) {
    if (!(key in callee.inputs)) {
      const takes = names.length === 0 ? "it takes no inputs" : `it takes ${names.join(", ")}`;
      throw definitionError(site, `unknown input "${key}" of ${callee.label} (${takes})`);
    }
    if (callee.fixed.has(key) && values[key] !== undefined) {
      throw definitionError(site, `input "${key}" of ${callee.label} is fixed by the launch plan and cannot be bound`);
    }
  }
  const bindings: BindingSpec[] = [];
  const deps: NodeSpec[] = [];
  for (const name of [...names].sort()) {
    if (callee.fixed.has(name)) continue;
    const variable = callee.inputs[name];
    if (variable === undefined) continue;
    let value = values[name];
    if (value === undefined) {
      if (name in callee.defaults) value = callee.defaults[name];
      else if (variable.optional) value = null;
      else {
        throw definitionError(
          site,
          `input "${name}" (${literalTypeToString(variable.literalType)}) of ${callee.label} is not bound`,
        );
      }
    }
    const data = bindValue(value, variable, { scope, site, what: `input "${name}" of ${callee.label}`, deps });
    bindings.push({ var: name, data });
  }
  const node = addNode(scope, {
    target: { kind: "call", callee: calleeOf },
    bindings,
    upstream: deps,
    metadata: callee.nodeMetadata(),
    subMetadata: callee.subNodeMetadata?.(),
    outputs: callee.outputs,
    label: callee.label,
    site,
  });
  return makeNodeResult(node, callee.single);
}
