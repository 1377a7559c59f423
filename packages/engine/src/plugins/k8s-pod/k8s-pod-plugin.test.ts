import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { PluginPhase } from "../task-plugin.js";
import { createK8sPodPlugin, FakeKubeApiServer, type K8sPodPlugin } from "./index.js";
import { createPluginHarness, type PluginHarness } from "../testing/plugin-harness.test-helper.js";
import { containerTask } from "../testing/templates.test-helper.js";

const NAMESPACE = "flytesnacks-development";
const POD = "abc123-n0-0";

let server: FakeKubeApiServer;
let plugin: K8sPodPlugin;
const harnesses: PluginHarness[] = [];
beforeEach(async () => {
  server = await FakeKubeApiServer.start();
  plugin = createK8sPodPlugin({ kubeConfig: server.kubeConfigYaml() });
});
afterEach(async () => {
  await plugin.close();
  for (const h of harnesses.splice(0)) await h.cleanup();
  await server.close();
});

async function harness(): Promise<PluginHarness> {
  const h = await createPluginHarness({
    template: containerTask(["pyflyte-execute"], {
      type: "python-task",
      container: { image: "ghcr.io/me/app:1", args: ["--output-prefix", "{{.outputPrefix}}"] },
    }),
    labels: { "execution-id": "abc123" },
  });
  harnesses.push(h);
  return h;
}

const running = {
  phase: "Running",
  containerStatuses: [{ name: POD, ready: true, restartCount: 0, image: "", imageID: "", state: { running: {} } }],
};
const exited = (exitCode: number) => ({
  phase: exitCode === 0 ? "Succeeded" : "Failed",
  containerStatuses: [
    {
      name: POD,
      ready: false,
      restartCount: 0,
      image: "",
      imageID: "",
      state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error" } },
    },
  ],
});

describe("k8s-pod plugin on the fake API server", () => {
  it("creates the pod, follows it through the watch, and deletes it at finalize", async () => {
    const h = await harness();
    const queued = await h.round(plugin);
    expect([queued.phase, queued.reason]).toEqual([PluginPhase.Queued, "task submitted to K8s"]);
    const created = server.pod(NAMESPACE, POD);
    expect(created?.metadata?.labels).toEqual({ "execution-id": "abc123" });
    expect(created?.spec?.containers[0]?.args).toEqual(["--output-prefix", h.context().paths.outputPrefix]);
    expect(created?.metadata?.annotations?.primary_container_name).toBe(POD);

    const second = await h.round(plugin);
    expect([second.phase, second.reason]).toEqual([PluginPhase.Queued, "Demistify Pending"]);
    let wakes = h.wakes;
    server.setPodStatus(NAMESPACE, POD, running);
    await h.nextWake(wakes);
    expect((await h.round(plugin)).phase).toBe(PluginPhase.Running);

    wakes = h.wakes;
    server.setPodStatus(NAMESPACE, POD, exited(0));
    await h.nextWake(wakes);
    expect((await h.round(plugin)).phase).toBe(PluginPhase.Success);
    await plugin.finalize(h.context());
    expect(server.pod(NAMESPACE, POD)).toBeUndefined();
    expect(server.requests.filter((r) => r.startsWith("DELETE"))).toEqual([
      `DELETE /api/v1/namespaces/${NAMESPACE}/pods/${POD}`,
    ]);
  });

  it("reports a failed pod without a pod-level reason as Flyte does: a retryable SYSTEM Interrupted", async () => {
    const h = await harness();
    await h.round(plugin);
    const wakes = h.wakes;
    server.setPodStatus(NAMESPACE, POD, exited(3));
    await h.nextWake(wakes);
    const phase = await h.round(plugin);
    expect([phase.phase, phase.error?.kind]).toEqual([PluginPhase.RetryableFailure, ExecutionError_ErrorKind.SYSTEM]);
    // A Failed pod without a pod-level reason is Flyte's "UnknownError", counted as a system failure.
    expect(phase.error?.code).toBe("Interrupted");
    expect(phase.error?.message).toContain(`[${POD}] terminated with exit code (3). Reason [Error].`);
  });

  it("bumps the phase version when the reason changes within a phase", async () => {
    const h = await harness();
    expect((await h.round(plugin)).version ?? 0).toBe(0);
    let wakes = h.wakes;
    server.setPodStatus(NAMESPACE, POD, {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "no nodes" }],
    });
    await h.nextWake(wakes);
    const first = await h.round(plugin);
    expect([first.phase, first.version, first.reason]).toEqual([PluginPhase.Queued, 1, "Unschedulable:no nodes"]);
    wakes = h.wakes;
    server.setPodStatus(NAMESPACE, POD, {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "still none" }],
    });
    await h.nextWake(wakes);
    expect((await h.round(plugin)).version).toBe(2);
  });

  it("fails with a retryable SYSTEM error when the pod disappears or is deleted behind its back", async () => {
    const h = await harness();
    await h.round(plugin);
    let wakes = h.wakes;
    server.markPodDeleting(NAMESPACE, POD);
    await h.nextWake(wakes);
    const deleting = await h.round(plugin);
    expect([deleting.phase, deleting.error?.code, deleting.error?.kind]).toEqual([
      PluginPhase.RetryableFailure,
      "UnexpectedObjectDeletion",
      ExecutionError_ErrorKind.SYSTEM,
    ]);
    wakes = h.wakes;
    server.removePod(NAMESPACE, POD);
    await h.nextWake(wakes);
    const gone = await h.round(plugin);
    expect([gone.phase, gone.error?.code]).toEqual([PluginPhase.RetryableFailure, "ResourceDeletedExternally"]);
  });

  it("maps API errors on create: quota ⇒ waiting, Forbidden ⇒ retryable, Invalid ⇒ permanent; AlreadyExists is fine", async () => {
    const h = await harness();
    server.failNextCreate({
      code: 403,
      reason: "Forbidden",
      message: 'pods "x" is forbidden: exceeded quota: compute',
    });
    const waiting = await h.round(plugin);
    expect([waiting.phase, waiting.reason]).toEqual([
      PluginPhase.WaitingForResources,
      'Exceeded resourcequota: pods "x" is forbidden: exceeded quota: compute',
    ]);
    server.failNextCreate({ code: 403, reason: "Forbidden", message: "no" });
    expect((await h.round(plugin)).error?.code).toBe("RuntimeFailure");
    server.failNextCreate({ code: 422, reason: "Invalid", message: "bad spec" });
    const invalid = await h.round(plugin);
    expect([invalid.phase, invalid.error?.code, invalid.error?.message]).toEqual([
      PluginPhase.PermanentFailure,
      "BadTaskFormat",
      "bad spec",
    ]);
    expect((await h.round(plugin)).phase).toBe(PluginPhase.Queued);
    // The engine crashed before saving the state: the same pod again is AlreadyExists, which is fine.
    h.state = undefined;
    expect((await h.round(plugin)).phase).toBe(PluginPhase.Queued);
    expect(server.pods()).toHaveLength(1);
  });

  it("deletes the pod on abort, and a new plugin (engine restart) finds the pod again", async () => {
    const h = await harness();
    await h.round(plugin);
    server.setPodStatus(NAMESPACE, POD, running);
    const restarted = createK8sPodPlugin({ kubeConfig: server.kubeConfigYaml() });
    try {
      expect((await h.round(restarted)).phase).toBe(PluginPhase.Running);
      await restarted.abort(h.context(), "aborted");
      await restarted.abort(h.context(), "aborted");
      expect(server.pod(NAMESPACE, POD)).toBeUndefined();
    } finally {
      await restarted.close();
    }
  });
});
