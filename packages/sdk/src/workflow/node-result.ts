import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { captureCallSite } from "../entities/call-site.js";
import type { CallSite } from "../entities/entity.js";
import type { Infer, Shape } from "../types/type.js";
import { definitionError } from "./definition-error.js";
import { NODE_STATE, type NodeSpec, REF_STATE, type RefState } from "./model.js";
import { applyOverrides, type NodeOverrides } from "./overrides.js";
import { describeRef, makeRef, type Ref, type RefBase } from "./ref.js";

/** What every call in a workflow body returns besides its outputs: ways to adjust the node. */
export interface NodeMethods<Self> {
  /** @internal */
  readonly [NODE_STATE]: NodeSpec;
  /** Changes this node's retries, timeout, resources, image… (flytekit's `with_overrides`). Returns the same value. */
  withOverrides(overrides: NodeOverrides): Self;
  /**
   * Makes this node wait for other nodes without passing data (flytekit's `>>`). Accepts call results
   * and refs to node outputs. Returns the same value.
   */
  after(...nodes: readonly NodeLike[]): Self;
}

/** Anything that stands for a node: a call's result or a ref to one of its outputs. */
export type NodeLike = { readonly [NODE_STATE]: NodeSpec } | RefBase<unknown>;

/** The result of calling something with a single output (`output:`): the output's ref, plus node methods. */
export type NodeRef<T> = Ref<T> & NodeMethods<NodeRef<T>>;

/** The result of calling something with named outputs: one ref per output, plus node methods. */
export type NodeOutputs<O extends Shape> = { readonly [K in keyof O]: Ref<Infer<O[K]>> } & NodeMethods<NodeOutputs<O>>;

/** The result of calling something without outputs: only node methods. */
export type NodeHandle = NodeMethods<NodeHandle>;

/**
 * Names outputs (and fields of a single record output) may not take, because the call's result offers
 * methods or JS reads them (`then` would make results look like promises).
 */
export const RESERVED_OUTPUT_NAMES: ReadonlySet<string> = new Set([
  "withOverrides",
  "after",
  "at",
  "key",
  "then",
  "constructor",
  "toString",
  "toJSON",
  "valueOf",
  "__proto__",
  "__ref",
]);

/**
 * Refuses output names that would collide with the methods of a call's result, naming the declaration.
 * @internal
 */
export function checkOutputNames(
  outputs: Readonly<Record<string, LiteralType>>,
  single: boolean,
  label: string,
  site: CallSite | undefined,
): void {
  const names = single ? Object.keys(Object.values(outputs)[0]?.structure?.dataclassType ?? {}) : Object.keys(outputs);
  for (const name of names) {
    if (RESERVED_OUTPUT_NAMES.has(name)) {
      const what = single ? `field "${name}" of the output of ${label}` : `output "${name}" of ${label}`;
      throw definitionError(
        site,
        `${what} collides with a method of call results (${[...RESERVED_OUTPUT_NAMES].join(", ")}); rename it`,
      );
    }
  }
}

/**
 * The value a call returns in a body: for a single output, a ref to it; for named outputs, an object of
 * refs; without outputs, a handle. Each carries the node and its methods.
 * @internal
 */
export function makeNodeResult(node: NodeSpec, single: boolean): object {
  const outputs = Object.entries(node.outputs);
  let result: object;
  if (single && outputs.length === 1) {
    const [name, literalType] = outputs[0] as [string, LiteralType];
    result = makeRef(outputRef(node, name, literalType));
  } else {
    result = {};
    for (const [name, literalType] of outputs) {
      Object.defineProperty(result, name, { value: makeRef(outputRef(node, name, literalType)), enumerable: true });
    }
  }
  Object.defineProperty(result, NODE_STATE, { value: node, enumerable: false });
  Object.defineProperty(result, "withOverrides", {
    value: (overrides: NodeOverrides) => {
      applyOverrides(node, overrides, captureCallSite());
      return result;
    },
    enumerable: false,
  });
  Object.defineProperty(result, "after", {
    value: (...others: NodeLike[]) => {
      const site = captureCallSite();
      for (const other of others) addUpstream(node, nodeOf(other, site), site);
      return result;
    },
    enumerable: false,
  });
  return result;
}

function outputRef(node: NodeSpec, name: string, literalType: LiteralType): RefState {
  return { scope: node.scope, node, var: name, attrPath: [], literalType };
}

/** The node a call result or ref stands for. @internal */
export function nodeOf(value: unknown, site: CallSite | undefined): NodeSpec {
  if (typeof value === "object" && value !== null) {
    if (NODE_STATE in value) return (value as { [NODE_STATE]: NodeSpec })[NODE_STATE];
    if (REF_STATE in value) {
      const state = (value as { [REF_STATE]: RefState })[REF_STATE];
      if (state.node !== undefined) return state.node;
      throw definitionError(site, `after(): ${describeRef(state)} is not produced by a node`);
    }
  }
  throw definitionError(site, `after(): expected the result of a call in this workflow, got ${String(value)}`);
}

/**
 * Makes `node` run after `upstream`, refusing nodes of other bodies, branches the node cannot see and
 * edges that would close a cycle.
 * @internal
 */
export function addUpstream(node: NodeSpec, upstream: NodeSpec, site: CallSite | undefined): void {
  if (upstream.scope.root !== node.scope.root) {
    throw definitionError(site, `after(): ${upstream.label} (node ${upstream.id}) belongs to another workflow body`);
  }
  if (!node.scope.sees(upstream.scope)) {
    throw definitionError(
      site,
      `after(): ${upstream.label} (node ${upstream.id}) is inside a conditional branch that ${node.label} (node ${node.id}) is not in`,
    );
  }
  if (upstream === node)
    throw definitionError(site, `after(): node ${node.id} (${node.label}) cannot run after itself`);
  const path = pathBetween(upstream, node);
  if (path !== undefined) {
    throw definitionError(
      site,
      `after(): making node ${node.id} (${node.label}) run after node ${upstream.id} (${upstream.label}) creates a cycle: ` +
        [...path, node].map((n) => n.id).join(" -> "),
    );
  }
  if (!node.upstream.includes(upstream)) node.upstream.push(upstream);
}

// A path from `to` back through upstream edges reaching `from`: `from` already depends on `to`.
function pathBetween(from: NodeSpec, to: NodeSpec): NodeSpec[] | undefined {
  const seen = new Set<NodeSpec>();
  const walk = (n: NodeSpec, path: NodeSpec[]): NodeSpec[] | undefined => {
    if (n === to) return path;
    if (seen.has(n)) return undefined;
    seen.add(n);
    for (const up of n.upstream) {
      const found = walk(up, [...path, up]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const found = walk(from, [from]);
  return found?.reverse();
}
