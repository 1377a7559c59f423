import { create } from "@bufbuild/protobuf";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  type TypedInterface,
  type Variable,
} from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";
import { literalTypesEqual } from "../literal-type-key.js";
import type { NodeBuilder, WorkflowGraph } from "../workflow-graph.js";
import { validateBindings } from "./bindings.js";

/** Derives the interface of a node (passed in to keep this module free of an import cycle). */
export type DeriveInterface = (graph: WorkflowGraph, n: NodeBuilder, errs: ErrorScope) => TypedInterface | undefined;

/** The id a branch case node gets: its branch node's id, a dash, its own id. */
export function branchChildId(branchId: string, childId: string): string {
  return `${branchId}-${childId}`;
}

/**
 * The interface of a branch node (propeller's `validateBranchInterface`). Its case and else nodes are
 * renamed `<branch>-<case>` here, once, and their interfaces derived. The outputs are those every case
 * has, with identical types in all of them; the inputs are whatever the branch node binds (the
 * variables its conditions read), typed from the bindings, which add upstream edges.
 */
export function validateBranchInterface(
  graph: WorkflowGraph,
  n: NodeBuilder,
  errs: ErrorScope,
  deriveInterface: DeriveInterface,
): TypedInterface | undefined {
  if (n.iface !== undefined) return n.iface;
  const ifElse = n.node?.target.case === "branchNode" ? n.node.target.value.ifElse : undefined;
  const missing = (field: string): undefined => {
    errs.collect(compileErrors.valueRequired(n.id, field, `branch node [${n.id}] has no ${field}`));
    return undefined;
  };
  if (n.node?.target.case !== "branchNode") return missing("Branch");
  if (ifElse === undefined) return missing("Branch.IfElse");
  if (ifElse.case === undefined) return missing("Branch.IfElse.Case");
  if (ifElse.case.thenNode === undefined) return missing("Branch.IfElse.Case.ThenNode");

  const cases: Node[] = [ifElse.case.thenNode];
  for (const other of ifElse.other) {
    if (other.thenNode === undefined) {
      errs.collect(
        compileErrors.valueRequired(n.id, "IfElse.Case.ThenNode", `a case of branch node [${n.id}] has no then-node`),
      );
      continue;
    }
    cases.push(other.thenNode);
  }
  if (ifElse.default.case === "elseNode") cases.push(ifElse.default.value);

  let first: Record<string, Variable> | undefined;
  let common = new Set<string>();
  for (const caseNode of cases) {
    const child = graph.builderFor(caseNode);
    child.id = branchChildId(n.id, child.id);
    const childErrs = errs.child();
    const childIface = deriveInterface(graph, child, childErrs);
    if (childErrs.hasErrors() || childIface === undefined) continue;
    const outputs = childIface.outputs?.variables ?? {};
    if (first === undefined) {
      first = outputs;
      common = new Set(Object.keys(outputs));
      continue;
    }
    common = new Set([...common].filter((name) => name in outputs));
    for (const name of common) {
      const expected = first[name]?.type;
      const actual = outputs[name]?.type;
      if (!literalTypesEqual(expected, actual)) {
        errs.collect(compileErrors.branchOutputMismatch(child.id, name, actual, expected));
      }
    }
  }

  const { resolved } = validateBindings({
    graph,
    node: n,
    bindings: n.node.inputs,
    params: create(VariableMapSchema),
    validateParamTypes: false,
    direction: "upstream",
    errs: errs.child(),
  });
  if (errs.hasErrors() || first === undefined) return undefined;
  const outputs: Record<string, Variable> = {};
  for (const [name, variable] of Object.entries(first)) if (common.has(name)) outputs[name] = variable;
  return create(TypedInterfaceSchema, { inputs: resolved, outputs: create(VariableMapSchema, { variables: outputs }) });
}
