/**
 * Node execution request checks (flyteadmin `node_execution_validator.go`).
 */
import type { NodeExecutionEventRequest } from "@aloft/idl/gen/flyteidl/admin/event_pb";
import type { NodeExecutionListRequest } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { type NodeExecutionIdentifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { missingArgument, requireLimit } from "./field-validation.js";
import { validateIdentifier, validateWorkflowExecutionIdentifier } from "./identifier-validation.js";
import { validateOutputData } from "./literal-validation.js";

/**
 * `ValidateNodeExecutionIdentifier`.
 * @throws AloftError InvalidArgument "missing id", "missing execution_id", "missing node_id", or the
 *   execution identifier's "missing project" / "missing domain" / "missing name".
 */
export function validateNodeExecutionIdentifier(
  id: NodeExecutionIdentifier | undefined,
): asserts id is NodeExecutionIdentifier & { executionId: NonNullable<NodeExecutionIdentifier["executionId"]> } {
  if (id === undefined) throw missingArgument("id");
  if (id.executionId === undefined) throw missingArgument("execution_id");
  if (id.nodeId === "") throw missingArgument("node_id");
  validateWorkflowExecutionIdentifier(id.executionId);
}

/**
 * `ValidateNodeExecutionEventRequest`: a node execution id, a well-formed dynamic workflow if one is
 * attached, outputs within the limit. flyteadmin only logs these failures and processes the event anyway.
 * @throws AloftError InvalidArgument ("missing event", identifier messages, "missing compiled dynamic
 *   workflow", "missing primary dynamic workflow", "missing primary dynamic workflow template");
 *   ResourceExhausted for oversized outputs.
 */
export function validateNodeEventRequest(request: NodeExecutionEventRequest, maxOutputSizeBytes: number): void {
  const event = request.event;
  if (event === undefined) throw missingArgument("event");
  validateNodeExecutionIdentifier(event.id);
  const taskNode = event.targetMetadata.case === "taskNodeMetadata" ? event.targetMetadata.value : undefined;
  const dynamic = taskNode?.dynamicWorkflow;
  if (dynamic !== undefined) {
    validateIdentifier(dynamic.id, ResourceType.WORKFLOW);
    const compiled = dynamic.compiledWorkflow;
    if (compiled === undefined) throw missingArgument("compiled dynamic workflow");
    if (compiled.primary === undefined) throw missingArgument("primary dynamic workflow");
    if (compiled.primary.template === undefined) throw missingArgument("primary dynamic workflow template");
    validateIdentifier(compiled.primary.template.id, ResourceType.WORKFLOW);
  }
  validateOutputData(
    event.outputResult.case === "outputData" ? event.outputResult.value : undefined,
    maxOutputSizeBytes,
  );
}

/**
 * `ValidateNodeExecutionListRequest`.
 * @throws AloftError InvalidArgument "missing execution_id" (for any problem with the execution id) or
 *   "invalid value for limit".
 */
export function validateNodeExecutionListRequest(request: NodeExecutionListRequest): void {
  try {
    validateWorkflowExecutionIdentifier(request.workflowExecutionId);
  } catch {
    throw missingArgument("execution_id");
  }
  requireLimit(request.limit);
}
