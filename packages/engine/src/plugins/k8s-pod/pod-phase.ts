/*
 * A pod's status as a task phase (propeller.md §7.3 table; flyteplugins k8s/pod/plugin.go
 * `DemystifyPodStatus`, flytek8s/pod_helper.go `DemystifySuccess`, `DemystifyFailure`, `DemystifyPending`,
 * `DeterminePrimaryContainerPhase`).
 */
import type { V1ContainerState, V1ContainerStatus, V1Pod, V1PodStatus } from "@kubernetes/client-node";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executionError } from "../../semantics/execution-errors.js";
import { formatGoDuration } from "../../semantics/go-format.js";
import { isTerminalPluginPhase, PluginPhase, type PhaseInfo } from "../task-plugin.js";
import { PRIMARY_CONTAINER_KEY } from "./primary-container.js";

const OOM_KILLED = "OOMKilled";
const INTERRUPTED = "Interrupted";
const SIGKILL = 137;
const UNSIGNED_SIGKILL = 247;
// Reasons of nodes preempted or shut down (and kubelet admission rejecting the pod).
const SYSTEM_REASONS = new Set(["Shutdown", "Terminated", "NodeShutdown", "NodeAffinity"]);

/** Grace periods of pending pods (Flyte's k8s plugin config). */
export interface PendingGracePeriods {
  /** @default 180000 */
  createContainerErrorMs: number;
  /** @default 0 */
  createContainerConfigErrorMs: number;
  /** @default 180000 */
  imagePullBackoffMs: number;
  /** 0 = off. @default 0 */
  podPendingTimeoutMs: number;
}

function failure(phase: PluginPhase, kind: ExecutionError_ErrorKind, code: string, message: string): PhaseInfo {
  return { phase, reason: message, error: executionError(kind, code, message) };
}

const retryable = (code: string, message: string) =>
  failure(PluginPhase.RetryableFailure, ExecutionError_ErrorKind.USER, code, message);
const systemRetryable = (code: string, message: string) =>
  failure(PluginPhase.RetryableFailure, ExecutionError_ErrorKind.SYSTEM, code, message);
const permanent = (code: string, message: string) =>
  failure(PluginPhase.PermanentFailure, ExecutionError_ErrorKind.USER, code, message);

function killedBySigkill(state: V1ContainerState | undefined): boolean {
  const code = state?.terminated?.exitCode;
  return code === SIGKILL || code === UNSIGNED_SIGKILL;
}

function allStatuses(status: V1PodStatus): V1ContainerStatus[] {
  return [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? []),
  ];
}

function demystifySuccess(status: V1PodStatus): PhaseInfo {
  for (const s of allStatuses(status)) {
    if (s.state?.terminated?.reason?.includes(OOM_KILLED) === true) {
      return retryable(OOM_KILLED, "Pod reported success despite being OOMKilled");
    }
  }
  return { phase: PluginPhase.Success };
}

function demystifyFailure(status: V1PodStatus, primaryContainerName: string): PhaseInfo {
  let code = status.reason || "UnknownError";
  let message = status.message || "Pod failed. No message received from kubernetes.";
  let isSystem = SYSTEM_REASONS.has(code);
  for (const c of allStatuses(status)) {
    const state =
      c.lastState?.terminated !== undefined ? c.lastState : c.state?.terminated !== undefined ? c.state : undefined;
    const terminated = state?.terminated;
    if (terminated === undefined) continue;
    if (terminated.reason?.includes(OOM_KILLED) === true) code = OOM_KILLED;
    else if (killedBySigkill(state)) {
      code = INTERRUPTED;
      if (c.name === primaryContainerName) isSystem = true;
    }
    message +=
      terminated.exitCode === 0
        ? `\r\n[${c.name}] terminated with ExitCode 0.`
        : `\r\n[${c.name}] terminated with exit code (${terminated.exitCode}). Reason [${terminated.reason ?? ""}]. Message: \n${terminated.message ?? ""}.`;
  }
  if (code === "UnknownError") isSystem = true;
  return isSystem ? systemRetryable(INTERRUPTED, message) : retryable(code, message);
}

function graceMessage(message: string, graceMs: number): string {
  return `Grace period [${formatGoDuration(BigInt(graceMs) * 1_000_000n)}] exceeded|${message}`;
}

function demystifyPendingHelper(
  status: V1PodStatus,
  grace: PendingGracePeriods,
  nowMs: number,
): { phase: PhaseInfo; sinceMs: number } {
  let since = nowMs;
  for (const c of status.conditions ?? []) {
    since = c.lastTransitionTime === undefined ? nowMs : new Date(c.lastTransitionTime).getTime();
    if ((c.type === "PodScheduled" && c.status === "False") || c.type === "Unschedulable") {
      return { phase: { phase: PluginPhase.Queued, reason: `${c.reason ?? ""}:${c.message ?? ""}` }, sinceMs: since };
    }
    if (c.type === "Ready" && c.status === "False") {
      const waiting = (status.containerStatuses ?? []).find((s) => !s.ready && s.state?.waiting !== undefined);
      if (waiting === undefined) continue;
      const reason = waiting.state?.waiting?.reason ?? "";
      const finalReason = `${c.reason ?? ""}|${reason}`;
      const finalMessage = `${c.message ?? ""}|${waiting.state?.waiting?.message ?? ""}`;
      const initializing: PhaseInfo = { phase: PluginPhase.Initializing, reason: `[${finalReason}]: ${finalMessage}` };
      const elapsed = nowMs - since;
      const result = (phase: PhaseInfo) => ({ phase, sinceMs: since });
      switch (reason) {
        case "ErrImagePull":
        case "ContainerCreating":
        case "PodInitializing":
          return result(initializing);
        case "CreateContainerError":
          return result(
            elapsed >= grace.createContainerErrorMs
              ? permanent(finalReason, graceMessage(finalMessage, grace.createContainerErrorMs))
              : initializing,
          );
        case "CreateContainerConfigError":
          return result(
            elapsed >= grace.createContainerConfigErrorMs
              ? permanent(finalReason, graceMessage(finalMessage, grace.createContainerConfigErrorMs))
              : initializing,
          );
        case "InvalidImageName":
          return result(permanent(finalReason, finalMessage));
        case "ImagePullBackOff":
          return result(
            elapsed >= grace.imagePullBackoffMs
              ? retryable(finalReason, graceMessage(finalMessage, grace.imagePullBackoffMs))
              : initializing,
          );
        default:
          return result(systemRetryable(finalReason, finalMessage));
      }
    }
  }
  // Flyte 1.16 answers this placeholder reason (its "Scheduling" fallback is never reached).
  return { phase: { phase: PluginPhase.Queued, reason: "Demistify Pending" }, sinceMs: since };
}

function demystifyPending(status: V1PodStatus, grace: PendingGracePeriods, nowMs: number): PhaseInfo {
  const { phase, sinceMs } = demystifyPendingHelper(status, grace, nowMs);
  if (isTerminalPluginPhase(phase.phase)) return phase;
  if (grace.podPendingTimeoutMs > 0 && nowMs - sinceMs >= grace.podPendingTimeoutMs) {
    return retryable("PodPendingTimeout", phase.reason ?? "");
  }
  return phase;
}

function primaryContainerPhase(pod: V1Pod, primary: string): PhaseInfo {
  const s = (pod.status?.containerStatuses ?? []).find((c) => c.name === primary);
  if (s === undefined) {
    // The primary container exists but has no status yet.
    if ((pod.spec?.containers ?? []).some((c) => c.name === primary)) return { phase: PluginPhase.Running, version: 0 };
    return permanent(
      "PrimaryContainerNotFound",
      `Primary container [${primary}] not found in pod's container statuses`,
    );
  }
  if (s.state?.waiting !== undefined || s.state?.running !== undefined)
    return { phase: PluginPhase.Running, version: 0 };
  const t = s.state?.terminated;
  if (t === undefined) return { phase: PluginPhase.Running, version: 0 };
  const message = `\r\n[${s.name}] terminated with exit code (${t.exitCode}). Reason [${t.reason ?? ""}]. Message: \n${t.message ?? ""}.`;
  if (t.reason?.includes(OOM_KILLED) === true) return retryable(t.reason, message);
  if (killedBySigkill(s.state)) return systemRetryable(t.reason ?? "", message);
  if (t.exitCode !== 0) return retryable(t.reason ?? "", message);
  return { phase: PluginPhase.Success };
}

/** The task phase of `pod` (without log links, so Running stays at version 0). */
export function podPhase(pod: V1Pod, grace: PendingGracePeriods, nowMs: number = Date.now()): PhaseInfo {
  const status = pod.status ?? {};
  const primary = pod.metadata?.annotations?.[PRIMARY_CONTAINER_KEY];
  switch (status.phase) {
    case "Succeeded":
      return demystifySuccess(status);
    case "Failed":
      return demystifyFailure(status, primary ?? "");
    case "Pending":
      return demystifyPending(status, grace, nowMs);
    case "Unschedulable":
      return { phase: PluginPhase.Queued, reason: "pod unschedulable" };
    default:
      break;
  }
  if (primary !== undefined) return primaryContainerPhase(pod, primary);
  const statuses = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])];
  const allSucceeded =
    (status.containerStatuses ?? []).length > 0 &&
    statuses.every(
      (s) =>
        s.state?.waiting === undefined && s.state?.running === undefined && (s.state?.terminated?.exitCode ?? 0) === 0,
    );
  return allSucceeded ? demystifySuccess(status) : { phase: PluginPhase.Running, version: 0 };
}
