import type { LaunchPlanSpec } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import type { Workflow } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import type { WorkflowSpec } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";

/** Whether the launch plan runs on a schedule (and so must be checked before registration). */
export function isScheduled(spec: LaunchPlanSpec | undefined): boolean {
  return spec?.entityMetadata?.schedule !== undefined;
}

/** The input names of a workflow spec from a package (its template's interface). */
export function inputsOfWorkflowSpec(spec: WorkflowSpec): string[] {
  return Object.keys(spec.template?.interface?.inputs?.variables ?? {});
}

/** The input names of a registered workflow (its compiled primary template's interface). */
export function inputsOfRegisteredWorkflow(workflow: Workflow): string[] {
  return Object.keys(workflow.closure?.compiledWorkflow?.primary?.template?.interface?.inputs?.variables ?? {});
}

/**
 * flytectl's `validateLPWithSchedule`: a scheduled run supplies only the kickoff time, so every other input of
 * the workflow needs a default or a fixed value in the launch plan. Returns the problem, or undefined.
 */
export function scheduledLaunchPlanProblem(
  spec: LaunchPlanSpec,
  workflowInputs: readonly string[],
): string | undefined {
  const kickoff = spec.entityMetadata?.schedule?.kickoffTimeInputArg ?? "";
  const supplied = new Set<string>(Object.keys(spec.fixedInputs?.literals ?? {}));
  for (const [name, parameter] of Object.entries(spec.defaultInputs?.parameters ?? {})) {
    if (name !== kickoff && parameter.behavior.case === "default") supplied.add(name);
  }
  const missing = workflowInputs.filter((name) => name !== kickoff && !supplied.has(name)).sort();
  if (missing.length === 0) return undefined;
  return (
    `param values are missing on scheduled workflow for the following params [${missing.join(" ")}]. ` +
    "Either specify them having a default or fixed value"
  );
}
