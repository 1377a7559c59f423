/**
 * CreateWorkflow checks (flyteadmin `workflow_validator.go`) apart from the project-domain gate.
 */
import { AloftError } from "@aloft/idl";
import { toBinary } from "@bufbuild/protobuf";
import {
  type WorkflowClosure,
  WorkflowClosureSchema,
  type WorkflowCreateRequest,
  type WorkflowSpec,
} from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { WorkflowTemplate } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { missingArgument } from "./field-validation.js";
import { identifierText, validateIdentifier } from "./identifier-validation.js";

/** A compiled workflow always has the start and end nodes the platform adds. */
const SYSTEM_NODES = 2;

/** The identifier: type WORKFLOW and fully set. @throws AloftError InvalidArgument (identifier messages). */
export function validateWorkflowIdentifier(
  request: WorkflowCreateRequest,
): asserts request is WorkflowCreateRequest & { id: Identifier } {
  validateIdentifier(request.id, ResourceType.WORKFLOW);
}

/** `spec.template` is present. @throws AloftError InvalidArgument "missing spec". */
export function requireWorkflowTemplate(
  request: WorkflowCreateRequest,
): asserts request is WorkflowCreateRequest & { spec: WorkflowSpec & { template: WorkflowTemplate } } {
  if (request.spec?.template === undefined) throw missingArgument("spec");
}

/** Registration limits from `config.registration`. */
export interface WorkflowLimits {
  /** Largest serialized closure; undefined = unlimited. */
  workflowSizeLimitBytes: number | undefined;
  /** Most user nodes in the primary workflow; 0 = unlimited. */
  maxWorkflowNodes: number;
}

/**
 * `ValidateCompiledWorkflow`: the serialized closure fits the size limit and the primary workflow has at most
 * `maxWorkflowNodes` nodes besides the start and end nodes.
 *
 * @throws AloftError InvalidArgument "Workflow closure size exceeds max limit [n bytes]" or "number of nodes in
 *   workflow [<id>] exceeds limit (n > max)".
 */
export function validateCompiledWorkflow(id: Identifier, closure: WorkflowClosure, limits: WorkflowLimits): void {
  if (limits.workflowSizeLimitBytes !== undefined) {
    const size = toBinary(WorkflowClosureSchema, closure).length;
    if (size > limits.workflowSizeLimitBytes) {
      throw AloftError.invalidArgument(
        `Workflow closure size exceeds max limit [${limits.workflowSizeLimitBytes} bytes]`,
      );
    }
  }
  if (limits.maxWorkflowNodes === 0) return;
  const nodes = closure.compiledWorkflow?.primary?.template?.nodes;
  if (nodes === undefined) return;
  const userNodes = nodes.length - SYSTEM_NODES;
  if (userNodes > limits.maxWorkflowNodes) {
    throw AloftError.invalidArgument(
      `number of nodes in workflow [${identifierText(id)}] exceeds limit (${userNodes} > ${limits.maxWorkflowNodes})`,
    );
  }
}
