import type { BranchNode } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { compileErrors } from "../compile-errors.js";
import type { ErrorScope } from "../error-scope.js";
import { sortIds } from "../identifiers.js";
import { NodeKind } from "../nodes/node-kind.js";
import { END_NODE_ID, START_NODE_ID, type NodeBuilder, type WorkflowGraph } from "../workflow-graph.js";
import { validateBooleanExpression } from "./condition.js";
import { effectiveOutputs } from "./outputs.js";
import { validateUnderlyingInterface } from "./underlying-interface.js";

/**
 * Validates one node (propeller's `ValidateNode`): its interface and output aliases, then by kind a
 * branch's conditions and case nodes (whose bindings add upstream-only edges), a sub-workflow (compiled
 * once), a task reference. Sorts the node's explicit upstream ids in place. Sentinel nodes pass as is.
 */
export function validateNode(
  graph: WorkflowGraph,
  n: NodeBuilder,
  requireParamType: boolean,
  errs: ErrorScope,
): boolean {
  if (n.id === "") errs.collect(compileErrors.valueRequired("<node>", "Id", "a node has no id"));
  if (n.id === START_NODE_ID || n.id === END_NODE_ID) return true;

  const ifaceErrs = errs.child();
  validateUnderlyingInterface(graph, n, ifaceErrs);
  if (!ifaceErrs.hasErrors()) effectiveOutputs(n, errs.child());

  const node = n.node;
  // Sorted so the compiled closure does not depend on the order clients list dependencies in.
  if (node !== undefined) sortIds(node.upstreamNodeIds);

  const kind = NodeKind.of(node);
  if (kind.kind === "branch") {
    const branchErrs = errs.child();
    const children = validateBranchNode(graph, n, kind.branch, requireParamType, branchErrs);
    if (!branchErrs.hasErrors()) for (const child of children) graph.addEdges(child, "upstream", errs.child());
  } else if (kind.kind === "subWorkflow") {
    graph.compileSubWorkflow(n, kind.ref, errs.child());
  } else if (kind.kind === "task" && kind.ref !== undefined && graph.findTask(kind.ref) === undefined) {
    errs.collect(compileErrors.taskReferenceNotFound(n.id, kind.ref, [n.id]));
  }
  return !errs.hasErrors();
}

/**
 * Validates a branch node's cases (propeller's `ValidateBranchNode`): each needs a condition and a
 * then-node, and there must be an else-node or an else-error. Returns the case nodes that validated.
 */
function validateBranchNode(
  graph: WorkflowGraph,
  n: NodeBuilder,
  branch: BranchNode,
  requireParamType: boolean,
  errs: ErrorScope,
): NodeBuilder[] {
  const ifElse = branch.ifElse;
  const blocks = [];
  if (ifElse?.case === undefined) errs.collect(compileErrors.branchHasNoCondition(n.id));
  else blocks.push(ifElse.case);
  blocks.push(...(ifElse?.other ?? []));

  const children: NodeBuilder[] = [];
  for (const block of blocks) {
    validateBooleanExpression(n, block.condition, requireParamType, errs.child());
    if (block.thenNode === undefined) errs.collect(compileErrors.branchCaseHasNoNode(n.id));
    else children.push(graph.builderFor(block.thenNode));
  }
  if (ifElse?.default.case === "elseNode") children.push(graph.builderFor(ifElse.default.value));
  else if (ifElse?.default.case !== "error") errs.collect(compileErrors.branchHasNoDefault(n.id));

  return children.filter((child) => validateNode(graph, child, requireParamType, errs.child()));
}
