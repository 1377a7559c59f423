import { literalTypeToString } from "@aloft/idl";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { BindingData } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { compileError, type CompileError } from "./compile-error.js";
import { identifierToString } from "./identifiers.js";
import { END_NODE_ID, START_NODE_ID } from "./workflow-graph.js";

/*
 * One factory per error the compiler reports. Each error goes to the node Flyte reports it at and
 * carries only what Flyte's does, so error sets de-duplicate to the same count; the wording is ours.
 */

const t = literalTypeToString;

function inputOf(nodeId: string, param: string): string {
  return nodeId === END_NODE_ID ? `Workflow output [${param}]` : `Input [${param}] of node [${nodeId}]`;
}

/** A union variant as `literalTypeToString` shows it inside a union: with its tag when it has one. */
function withTag(variant: LiteralType): string {
  const s = t(variant);
  const tag = variant.structure?.tag ?? "";
  return tag !== "" && tag !== s ? `${s} (${tag})` : s;
}

/** How many node ids a message lists before summarising the rest. */
const MAX_LISTED_NODES = 10;

/** `[a], [b], [c]`, summarising beyond `max` ids so messages stay readable on huge workflows. */
function listNodes(nodeIds: readonly string[], max = MAX_LISTED_NODES): string {
  const listed = nodeIds.slice(0, max).map((n) => `[${n}]`);
  if (nodeIds.length > max) listed.push(`and ${nodeIds.length - max} more`);
  return listed.join(", ");
}

function usedBy(nodeIds: readonly string[]): string {
  if (nodeIds.length === 0) return "";
  return ` (used by node${nodeIds.length > 1 ? "s" : ""} ${listNodes(nodeIds)})`;
}

/** Describes a binding for messages without dumping it. */
export function describeBinding(binding: BindingData): string {
  const v = binding.value;
  switch (v.case) {
    case "collection":
      return `a list of ${v.value.bindings.length} binding${v.value.bindings.length === 1 ? "" : "s"}`;
    case "map": {
      const n = Object.keys(v.value.bindings).length;
      return `a map of ${n} binding${n === 1 ? "" : "s"}`;
    }
    case "promise":
      return `the output [${v.value.var}] of node [${v.value.nodeId}]`;
    case "scalar":
      return "a scalar value";
    case "offloadedMetadata":
      return "an offloaded value";
    case undefined:
      return "an empty binding";
  }
}

/** Factories for every compile error, by situation (internal; the public surface is `CompileError`). */
export const compileErrors = {
  valueRequired(nodeId: string, field: string, why?: string): CompileError {
    return compileError("ValueRequired", nodeId, `Value required [${field}]${why === undefined ? "." : `: ${why}.`}`);
  },

  parameterNotBound(nodeId: string, param: string): CompileError {
    return compileError("ParameterNotBound", nodeId, `${inputOf(nodeId, param)} is not bound.`);
  },

  aliasNotBound(nodeId: string, alias: string): CompileError {
    return compileError(
      "ParameterNotBound",
      nodeId,
      `Output alias [${alias}] of node [${nodeId}] renames an output the node does not have.`,
    );
  },

  nodeReferenceNotFound(missingNodeId: string): CompileError {
    return compileError(
      "NodeReferenceNotFound",
      missingNodeId,
      `Referenced node [${missingNodeId}] not found: a binding reads an output of a node the workflow does not have.`,
    );
  },

  workflowReferenceNotFound(nodeId: string, ref: string, nodeIds: readonly string[] = []): CompileError {
    return compileError(
      "WorkflowReferenceNotFound",
      nodeId,
      `Referenced workflow [${ref}] not found${usedBy(nodeIds)}.`,
    );
  },

  launchPlanReferenceNotFound(id: Identifier, nodeIds: readonly string[]): CompileError {
    return compileError(
      "WorkflowReferenceNotFound",
      START_NODE_ID,
      `Referenced launch plan [${identifierToString(id)}] not found${usedBy(nodeIds)}.`,
    );
  },

  taskReferenceNotFound(nodeId: string, id: Identifier, nodeIds: readonly string[] = []): CompileError {
    return compileError(
      "TaskReferenceNotFound",
      nodeId,
      `Referenced task [${identifierToString(id)}] not found${usedBy(nodeIds)}.`,
    );
  },

  noSuchInput(nodeId: string, name: string): CompileError {
    const where = nodeId === END_NODE_ID ? "The workflow has no output" : `Node [${nodeId}] has no input`;
    return compileError("VariableNameNotFound", nodeId, `${where} [${name}].`);
  },

  noSuchOutput(nodeId: string, name: string): CompileError {
    const where = nodeId === START_NODE_ID ? "The workflow has no input" : `Node [${nodeId}] has no output`;
    return compileError("VariableNameNotFound", nodeId, `${where} [${name}].`);
  },

  parameterBoundMoreThanOnce(nodeId: string, param: string): CompileError {
    return compileError("ParameterBoundMoreThanOnce", nodeId, `${inputOf(nodeId, param)} is bound more than once.`);
  },

  duplicateAlias(nodeId: string, alias: string): CompileError {
    return compileError(
      "DuplicateAlias",
      nodeId,
      `Duplicate alias [${alias}] on node [${nodeId}]: an output can only be aliased once.`,
    );
  },

  duplicateNodeId(nodeId: string): CompileError {
    const reserved = nodeId === START_NODE_ID || nodeId === END_NODE_ID;
    return compileError(
      "DuplicateId",
      nodeId,
      reserved
        ? `Node id [${nodeId}] is reserved for the compiler's sentinel node.`
        : `Two nodes share the id [${nodeId}].`,
    );
  },

  duplicateWorkflowId(id: Identifier): CompileError {
    const s = identifierToString(id);
    return compileError("DuplicateId", s, `Two sub-workflows share the id [${s}].`);
  },

  mismatchingTypes(
    nodeId: string,
    param: string,
    from: LiteralType | undefined,
    to: LiteralType | undefined,
  ): CompileError {
    return compileError(
      "MismatchingTypes",
      nodeId,
      `${inputOf(nodeId, param)} expects ${t(to)}, but is bound to a value of type ${t(from)}.`,
    );
  },

  mismatchingVariables(options: {
    nodeId: string;
    param: string;
    producerId: string;
    output: string;
    from: LiteralType | undefined;
    to: LiteralType | undefined;
  }): CompileError {
    const { nodeId, param, producerId, output, from, to } = options;
    const source =
      producerId === START_NODE_ID ? `Workflow input [${output}]` : `Output [${output}] of node [${producerId}]`;
    const target = nodeId === END_NODE_ID ? `workflow output [${param}]` : `input [${param}] of node [${nodeId}]`;
    return compileError("MismatchingTypes", nodeId, `${source} has type ${t(from)}, but ${target} expects ${t(to)}.`);
  },

  conditionOperandsMismatch(nodeId: string, right: LiteralType, left: LiteralType): CompileError {
    return compileError(
      "MismatchingTypes",
      nodeId,
      `Branch node [${nodeId}] compares operands of different types: ${t(left)} (left) and ${t(right)} (right).`,
    );
  },

  branchOutputMismatch(
    caseNodeId: string,
    param: string,
    actual: LiteralType | undefined,
    expected: LiteralType | undefined,
  ): CompileError {
    return compileError(
      "MismatchingTypes",
      caseNodeId,
      `Output [${param}] of branch case [${caseNodeId}] has type ${t(actual)}, but another case gives it type ${t(expected)}.`,
    );
  },

  mismatchingBindings(
    nodeId: string,
    param: string,
    expected: LiteralType | undefined,
    received: string,
  ): CompileError {
    return compileError(
      "MismatchingBindings",
      nodeId,
      `${inputOf(nodeId, param)} expects ${t(expected)}, but is bound to ${received}.`,
    );
  },

  fieldNotFound(nodeId: string, promiseVar: string, type: LiteralType, field: string): CompileError {
    return compileError(
      "FieldNotFound",
      nodeId,
      `Variable [${promiseVar}] (type ${t(type)}) has no field [${field}] (read by node [${nodeId}]).`,
    );
  },

  illegalEnumValue(nodeId: string, param: string, value: string, allowed: readonly string[]): CompileError {
    return compileError(
      "IllegalEnumValue",
      nodeId,
      `${inputOf(nodeId, param)} is an enum of [${allowed.join(", ")}], but is bound to [${value}].`,
    );
  },

  ambiguousUnion(options: {
    nodeId: string;
    param: string;
    expected: LiteralType;
    binding: BindingData;
    first: LiteralType;
    second: LiteralType;
  }): CompileError {
    const { nodeId, param, expected, binding, first, second } = options;
    return compileError(
      "AmbiguousBindingUnionValue",
      nodeId,
      `${inputOf(nodeId, param)} expects ${t(expected)}, but ${describeBinding(binding)} matches both variants ${withTag(first)} and ${withTag(second)}.`,
    );
  },

  incompatibleUnion(nodeId: string, param: string, expected: LiteralType, binding: BindingData): CompileError {
    return compileError(
      "IncompatibleBindingUnionValue",
      nodeId,
      `${inputOf(nodeId, param)} expects ${t(expected)}, but ${describeBinding(binding)} matches none of its variants.`,
    );
  },

  noConditionFound(nodeId: string): CompileError {
    return compileError(
      "NoConditionFound",
      nodeId,
      `Gate node [${nodeId}] has no condition: set approve, signal or sleep.`,
    );
  },

  cycleDetected(path: readonly string[]): CompileError {
    return compileError("CycleDetected", START_NODE_ID, `A cycle was detected in the workflow: ${path.join(" > ")}.`);
  },

  subWorkflowCycle(nodeId: string, path: readonly string[]): CompileError {
    return compileError(
      "CycleDetected",
      nodeId,
      `Sub-workflows call each other in a cycle: ${path.join(" > ")} (at node [${nodeId}]).`,
    );
  },

  unreachableNodes(nodeIds: readonly string[]): CompileError {
    return compileError(
      "UnreachableNodes",
      START_NODE_ID,
      `The workflow contains nodes that cannot be reached from the start node: ${listNodes(nodeIds, 100)}.`,
    );
  },

  noNodesFound(workflowId: Identifier | undefined): CompileError {
    const s = identifierToString(workflowId);
    return compileError("NoNodesFound", s, `Workflow [${s}] has no nodes.`);
  },

  syntaxError(nodeId: string, element: string): CompileError {
    return compileError(
      "SyntaxError",
      nodeId,
      `Failed to parse [${element}] (read by node [${nodeId}]): expected an output name or [index].name.`,
    );
  },

  unrecognizedScalar(nodeId: string, param: string): CompileError {
    return compileError(
      "UnrecognizedValue",
      nodeId,
      `${inputOf(nodeId, param)} is bound to a scalar whose type cannot be told.`,
    );
  },

  branchHasNoCondition(nodeId: string): CompileError {
    return compileError("BranchNodeHasNoCondition", nodeId, `Branch node [${nodeId}] has a case without a condition.`);
  },

  branchCaseHasNoNode(nodeId: string): CompileError {
    return compileError("BranchNodeIdNotFound", nodeId, `Branch node [${nodeId}] has a case without a then-node.`);
  },

  branchHasNoDefault(nodeId: string): CompileError {
    return compileError(
      "BranchNodeHasNoDefault",
      nodeId,
      `Branch node [${nodeId}] must have an else-node or an else-error.`,
    );
  },
};
