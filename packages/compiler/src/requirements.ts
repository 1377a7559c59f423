import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Node, WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { compileErrors } from "./compile-errors.js";
import type { ErrorScope } from "./error-scope.js";
import { compareIdentifiers, identifierKey, identifierToString } from "./identifiers.js";

/** A referenced entity and the ids of the nodes that reference it (for messages). */
export interface Requirement {
  id: Identifier;
  nodeIds: string[];
}

/** What a workflow needs supplied before it can compile, in Flyte's order (sorted identifiers). */
export interface WorkflowRequirements {
  tasks: Requirement[];
  launchPlans: Requirement[];
}

/** Input to {@link collectRequirements}. */
export interface CollectRequirementsOptions {
  workflow: WorkflowTemplate;
  /** Sub-workflow templates by {@link identifierKey}. */
  subWorkflows: ReadonlyMap<string, WorkflowTemplate>;
  /** Whether to descend into referenced sub-workflows (their tasks and launch plans count too). */
  followSubWorkflows: boolean;
  /** Where a sub-workflow reference that is not in `subWorkflows` is reported, when following. */
  errs?: ErrorScope;
}

/**
 * Task and launch-plan references of a workflow (propeller's `getRequirements`): every node, branch
 * case and else node, array sub-node and the failure node, and optionally referenced sub-workflows
 * (each visited once, so sub-workflows that reference each other cannot loop).
 */
export function collectRequirements(options: CollectRequirementsOptions): WorkflowRequirements {
  const tasks = new Map<string, { id: Identifier; nodeIds: Set<string> }>();
  const launchPlans = new Map<string, { id: Identifier; nodeIds: Set<string> }>();
  const visited = new Set<string>();

  const add = (into: typeof tasks, id: Identifier, nodeId: string): void => {
    const key = identifierKey(id);
    const found = into.get(key);
    if (found === undefined) into.set(key, { id, nodeIds: new Set([nodeId]) });
    else found.nodeIds.add(nodeId);
  };

  const visitWorkflow = (workflow: WorkflowTemplate): void => {
    for (const node of workflow.nodes) visitNode(node);
    if (workflow.failureNode !== undefined) visitNode(workflow.failureNode);
  };

  const visitNode = (node: Node | undefined): void => {
    if (node === undefined) return;
    const target = node.target;
    switch (target.case) {
      case "taskNode":
        if (target.value.reference.case === "referenceId") add(tasks, target.value.reference.value, node.id);
        return;
      case "workflowNode": {
        const ref = target.value.reference;
        if (ref.case === "launchplanRef") add(launchPlans, ref.value, node.id);
        else if (ref.case === "subWorkflowRef" && options.followSubWorkflows) {
          const key = identifierKey(ref.value);
          const sub = options.subWorkflows.get(key);
          if (sub === undefined) {
            options.errs?.collect(
              compileErrors.workflowReferenceNotFound(node.id, identifierToString(ref.value), [node.id]),
            );
          } else if (!visited.has(key)) {
            visited.add(key);
            visitWorkflow(sub);
          }
        }
        return;
      }
      case "branchNode": {
        const ifElse = target.value.ifElse;
        visitNode(ifElse?.case?.thenNode);
        for (const other of ifElse?.other ?? []) visitNode(other.thenNode);
        if (ifElse?.default.case === "elseNode") visitNode(ifElse.default.value);
        return;
      }
      case "arrayNode":
        visitNode(target.value.node);
        return;
      default:
        return;
    }
  };

  visitWorkflow(options.workflow);
  const sorted = (m: typeof tasks): Requirement[] =>
    [...m.values()]
      .map(({ id, nodeIds }) => ({ id, nodeIds: [...nodeIds] }))
      .sort((a, b) => compareIdentifiers(a.id, b.id));
  return { tasks: sorted(tasks), launchPlans: sorted(launchPlans) };
}
