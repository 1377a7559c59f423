import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { identifierKey } from "./identifiers.js";
import { collectRequirements } from "./requirements.js";

/**
 * Task and launch-plan ids a workflow references (propeller's `GetRequirements`), recursing into the
 * sub-workflows it calls, branch cases, array sub-nodes and the failure node. Each list is
 * de-duplicated and sorted by resource type, project, domain, name and version. Sub-workflows not in
 * `subWorkflows` are skipped (compiling then reports them).
 */
export function getRequirements(
  primary: WorkflowTemplate,
  subWorkflows: readonly WorkflowTemplate[] = [],
): { taskIds: Identifier[]; launchPlanIds: Identifier[] } {
  const index = new Map<string, WorkflowTemplate>();
  for (const sub of subWorkflows) {
    const key = identifierKey(sub.id);
    if (sub.id !== undefined && !index.has(key)) index.set(key, sub);
  }
  const reqs = collectRequirements({ workflow: primary, subWorkflows: index, followSubWorkflows: true });
  return { taskIds: reqs.tasks.map((r) => r.id), launchPlanIds: reqs.launchPlans.map((r) => r.id) };
}
