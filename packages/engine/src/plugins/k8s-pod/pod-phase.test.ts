import type { V1Pod, V1PodStatus } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { PluginPhase } from "../task-plugin.js";
import { DEFAULT_PENDING_GRACE_PERIODS, podPhase } from "./index.js";

const pod = (status: V1PodStatus, primary?: string): V1Pod => ({
  metadata: { name: "p", annotations: primary === undefined ? {} : { primary_container_name: primary } },
  spec: { containers: [{ name: "main" }] },
  status,
});
const phaseOf = (p: V1Pod, nowMs = Date.parse("2024-01-01T00:10:00Z")) => {
  const info = podPhase(p, DEFAULT_PENDING_GRACE_PERIODS, nowMs);
  return [info.phase, info.error?.code, info.error?.kind, info.reason];
};

// Cases of flyteplugins pod_helper_test.go (TestDemystifyFailure, TestDemystifyPending…) and plugin.go.
describe("podPhase", () => {
  it("maps failed pods as DemystifyFailure does", () => {
    expect(phaseOf(pod({ phase: "Failed" }))).toEqual([
      PluginPhase.RetryableFailure,
      "Interrupted",
      ExecutionError_ErrorKind.SYSTEM,
      "Pod failed. No message received from kubernetes.",
    ]);
    expect(phaseOf(pod({ phase: "Failed", reason: "hello" })).slice(0, 3)).toEqual([
      PluginPhase.RetryableFailure,
      "hello",
      ExecutionError_ErrorKind.USER,
    ]);
    const oom = {
      phase: "Failed",
      containerStatuses: [{ name: "main", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }],
    };
    expect(phaseOf(pod(oom as V1PodStatus)).slice(0, 3)).toEqual([
      PluginPhase.RetryableFailure,
      "OOMKilled",
      ExecutionError_ErrorKind.USER,
    ]);
    const sigkill = (name: string) =>
      pod(
        {
          phase: "Failed",
          containerStatuses: [{ name, lastState: { terminated: { reason: "some reason", exitCode: 137 } } }],
        } as V1PodStatus,
        "primary-container",
      );
    expect(phaseOf(sigkill("non-primary-container")).slice(0, 3)).toEqual([
      PluginPhase.RetryableFailure,
      "Interrupted",
      ExecutionError_ErrorKind.USER,
    ]);
    expect(phaseOf(sigkill("primary-container")).slice(0, 3)).toEqual([
      PluginPhase.RetryableFailure,
      "Interrupted",
      ExecutionError_ErrorKind.SYSTEM,
    ]);
    const preempted = podPhase(
      pod({ phase: "Failed", reason: "NodeShutdown", message: "node going away" }),
      DEFAULT_PENDING_GRACE_PERIODS,
    );
    expect([preempted.error?.code, preempted.error?.kind, preempted.error?.message]).toEqual([
      "Interrupted",
      ExecutionError_ErrorKind.SYSTEM,
      "node going away",
    ]);
  });

  it("follows the primary container of a running pod", () => {
    const running = { phase: "Running", containerStatuses: [{ name: "main", state: { running: {} } }] } as V1PodStatus;
    expect(phaseOf(pod(running, "main"))).toEqual([PluginPhase.Running, undefined, undefined, undefined]);
    const done = {
      phase: "Running",
      containerStatuses: [{ name: "main", state: { terminated: { exitCode: 0 } } }],
    } as V1PodStatus;
    expect(phaseOf(pod(done, "main"))[0]).toBe(PluginPhase.Success);
    const failed = {
      phase: "Running",
      containerStatuses: [{ name: "main", state: { terminated: { exitCode: 2, reason: "Error", message: "boom" } } }],
    } as V1PodStatus;
    const info = podPhase(pod(failed, "main"), DEFAULT_PENDING_GRACE_PERIODS);
    expect([info.phase, info.error?.code, info.error?.kind, info.error?.message]).toEqual([
      PluginPhase.RetryableFailure,
      "Error",
      ExecutionError_ErrorKind.USER,
      "\r\n[main] terminated with exit code (2). Reason [Error]. Message: \nboom.",
    ]);
    // Without the annotation every container must have exited 0.
    expect(phaseOf(pod(done))[0]).toBe(PluginPhase.Success);
    expect(phaseOf(pod(running))[0]).toBe(PluginPhase.Running);
    expect(phaseOf(pod({ phase: "Succeeded" }))[0]).toBe(PluginPhase.Success);
    const oomSuccess = {
      phase: "Succeeded",
      containerStatuses: [{ name: "main", state: { terminated: { reason: "OOMKilled", exitCode: 0 } } }],
    };
    expect(phaseOf(pod(oomSuccess as V1PodStatus)).slice(0, 2)).toEqual([PluginPhase.RetryableFailure, "OOMKilled"]);
  });

  it("explains pending pods, failing image and container errors after their grace periods", () => {
    const waiting = (reason: string, since: string) =>
      pod({
        phase: "Pending",
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "ContainersNotReady",
            message: "not ready",
            lastTransitionTime: new Date(since),
          },
        ],
        containerStatuses: [{ name: "main", ready: false, state: { waiting: { reason, message: "m" } } }],
      } as V1PodStatus);
    expect(phaseOf(waiting("ContainerCreating", "2024-01-01T00:09:00Z"))).toEqual([
      PluginPhase.Initializing,
      undefined,
      undefined,
      "[ContainersNotReady|ContainerCreating]: not ready|m",
    ]);
    expect(phaseOf(waiting("ImagePullBackOff", "2024-01-01T00:09:00Z"))[0]).toBe(PluginPhase.Initializing);
    const backoff = podPhase(
      waiting("ImagePullBackOff", "2024-01-01T00:00:00Z"),
      DEFAULT_PENDING_GRACE_PERIODS,
      Date.parse("2024-01-01T00:10:00Z"),
    );
    expect([backoff.phase, backoff.error?.code, backoff.error?.message]).toEqual([
      PluginPhase.RetryableFailure,
      "ContainersNotReady|ImagePullBackOff",
      "Grace period [3m0s] exceeded|not ready|m",
    ]);
    expect(phaseOf(waiting("InvalidImageName", "2024-01-01T00:09:00Z")).slice(0, 2)).toEqual([
      PluginPhase.PermanentFailure,
      "ContainersNotReady|InvalidImageName",
    ]);
    expect(phaseOf(waiting("CreateContainerConfigError", "2024-01-01T00:09:00Z"))[0]).toBe(
      PluginPhase.PermanentFailure,
    );
    expect(phaseOf(waiting("Mystery", "2024-01-01T00:09:00Z")).slice(0, 3)).toEqual([
      PluginPhase.RetryableFailure,
      "ContainersNotReady|Mystery",
      ExecutionError_ErrorKind.SYSTEM,
    ]);
    const unscheduled = pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" }],
    } as V1PodStatus);
    expect(phaseOf(unscheduled)).toEqual([PluginPhase.Queued, undefined, undefined, "Unschedulable:0/3 nodes"]);
    expect(phaseOf(pod({ phase: "Pending" }))).toEqual([PluginPhase.Queued, undefined, undefined, "Demistify Pending"]);
  });
});
