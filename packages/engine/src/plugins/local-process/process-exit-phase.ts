/*
 * A finished process as the pod plugin would report its primary container
 * (flyteplugins flytek8s/pod_helper.go `DeterminePrimaryContainerPhase`, `DemystifyFailure`): exit 0 ⇒
 * Success; SIGKILL (137) ⇒ retryable SYSTEM `Interrupted` (preemption, OOM killer, an operator); any other
 * exit ⇒ retryable USER with Kubernetes's reason `Error`, the message carrying the tail of stderr where a
 * pod carries the container's termination message.
 */
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executionError } from "../../semantics/execution-errors.js";
import { PluginPhase, type PhaseInfo, type TaskInfo } from "../task-plugin.js";
import type { ProcessExit } from "./process-table.js";

const SIGKILL_EXIT_CODE = 137;

/** The phase of an attempt whose process (named `containerName` in messages) exited. */
export function processExitPhase(
  exit: ProcessExit,
  options: { containerName: string; stderrTail: string; info?: TaskInfo },
): PhaseInfo {
  const info = options.info === undefined ? {} : { info: options.info };
  if (exit.exitCode === 0) return { phase: PluginPhase.Success, ...info };
  const reason = "Error";
  const message =
    `\r\n[${options.containerName}] terminated with exit code (${exit.exitCode}). Reason [${reason}]. ` +
    `Message: \n${options.stderrTail}.`;
  if (exit.exitCode === SIGKILL_EXIT_CODE) {
    return {
      phase: PluginPhase.RetryableFailure,
      reason: message,
      error: executionError(ExecutionError_ErrorKind.SYSTEM, "Interrupted", message),
      ...info,
    };
  }
  return {
    phase: PluginPhase.RetryableFailure,
    reason: message,
    error: executionError(ExecutionError_ErrorKind.USER, reason, message),
    ...info,
  };
}
