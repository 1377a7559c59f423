/**
 * SignalService request checks (flyteadmin `signal_validator.go`); the castability check of SetSignal
 * needs the stored signal and lives in the signal manager.
 */
import type {
  SignalGetOrCreateRequest,
  SignalListRequest,
  SignalSetRequest,
} from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import type { SignalIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { missingArgument, requireLimit } from "./field-validation.js";
import { validateWorkflowExecutionIdentifier } from "./identifier-validation.js";

/**
 * `ValidateSignalIdentifier`.
 * @throws AloftError InvalidArgument "missing execution_id", "missing signal_id", or the execution id messages.
 */
export function validateSignalIdentifier(id: SignalIdentifier): void {
  if (id.executionId === undefined) throw missingArgument("execution_id");
  if (id.signalId === "") throw missingArgument("signal_id");
  validateWorkflowExecutionIdentifier(id.executionId);
}

/**
 * `ValidateSignalGetOrCreateRequest`.
 * @throws AloftError InvalidArgument "missing id", identifier messages, "missing type".
 */
export function validateSignalGetOrCreateRequest(
  request: SignalGetOrCreateRequest,
): asserts request is SignalGetOrCreateRequest & { id: SignalIdentifier; type: LiteralType } {
  if (request.id === undefined) throw missingArgument("id");
  validateSignalIdentifier(request.id);
  if (request.type === undefined) throw missingArgument("type");
}

/**
 * `ValidateSignalListRequest`.
 * @throws AloftError InvalidArgument "missing execution_id" (for any problem with the execution id) or
 *   "invalid value for limit".
 */
export function validateSignalListRequest(request: SignalListRequest): void {
  try {
    validateWorkflowExecutionIdentifier(request.workflowExecutionId);
  } catch {
    throw missingArgument("execution_id");
  }
  requireLimit(request.limit);
}

/**
 * The request-only part of `ValidateSignalSetRequest`.
 * @throws AloftError InvalidArgument "missing id", identifier messages, "missing value".
 */
export function validateSignalSetRequest(
  request: SignalSetRequest,
): asserts request is SignalSetRequest & { id: SignalIdentifier; value: Literal } {
  if (request.id === undefined) throw missingArgument("id");
  validateSignalIdentifier(request.id);
  if (request.value === undefined) throw missingArgument("value");
}
