/*
 * Container tasks as Kubernetes pods (opt-in): Flyte's pod plugin behind propeller's k8s plugin manager
 * (propeller.md §7.2–7.3; flytepropeller nodes/task/k8s/plugin_manager.go, flyteplugins k8s/pod/plugin.go).
 */
import { ApiException, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { JsonValue } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executionError, messageOf } from "../../semantics/execution-errors.js";
import {
  isTerminalPluginPhase,
  PluginPhase,
  type PhaseInfo,
  type TaskExecutionContext,
  type TaskPlugin,
} from "../task-plugin.js";
import { buildPod, PodBuildError } from "./build-pod.js";
import { compileK8sPodOptions, type CompiledK8sPodOptions, type K8sPodPluginOptions } from "./k8s-pod-options.js";
import { podPhase, type PendingGracePeriods } from "./pod-phase.js";
import { PodWatcher } from "./pod-watcher.js";

/** What the plugin persists: whether the pod was created, and the last phase reported (for versions). */
interface K8sPodState {
  started: boolean;
  namespace: string;
  name: string;
  phase: PluginPhase;
  version: number;
  reason: string;
}

function stateFromJson(json: JsonValue | undefined): K8sPodState | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  if (typeof json.namespace !== "string" || typeof json.name !== "string") return undefined;
  return {
    started: json.started === true,
    namespace: json.namespace,
    name: json.name,
    phase: typeof json.phase === "number" ? json.phase : PluginPhase.Undefined,
    version: typeof json.version === "number" ? json.version : 0,
    reason: typeof json.reason === "string" ? json.reason : "",
  };
}

/** The k8s-pod plugin, with its watches' control. */
export interface K8sPodPlugin extends TaskPlugin {
  readonly options: CompiledK8sPodOptions;
  /** Stops the watches (engine shutdown); pods keep running. */
  close(): Promise<void>;
}

/** Grace periods of pending pods beyond the plugin options (Flyte's defaults). */
export const DEFAULT_PENDING_GRACE_PERIODS: PendingGracePeriods = {
  createContainerErrorMs: 180_000,
  createContainerConfigErrorMs: 0,
  imagePullBackoffMs: 180_000,
  podPendingTimeoutMs: 0,
};

function httpCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    const parsed =
      typeof body === "string" ? (JSON.parse(body || "{}") as { message?: string }) : (body as { message?: string });
    return parsed?.message ?? error.message;
  }
  return messageOf(error);
}

function failed(phase: PluginPhase, kind: ExecutionError_ErrorKind, code: string, message: string): PhaseInfo {
  return { phase, reason: message, error: executionError(kind, code, message) };
}

/** `MaybeUpdatePhaseVersion`: an unchanged non-Running phase with a new reason gets the next version. */
function withPhaseVersion(phase: PhaseInfo, previous: K8sPodState): PhaseInfo {
  const version = phase.version ?? 0;
  if (
    phase.phase !== PluginPhase.Running &&
    phase.phase === previous.phase &&
    version <= previous.version &&
    (phase.reason ?? "") !== previous.reason
  ) {
    return { ...phase, version: previous.version + 1 };
  }
  return phase;
}

/**
 * Creates the k8s-pod plugin (see {@link K8sPodPluginOptions}).
 *
 * First round: builds the pod exactly as Flyte (a task that cannot become a pod fails permanently with
 * `FailedToBuildResource`), creates it in the execution's namespace under the generated name (AlreadyExists
 * is fine; quota exceeded ⇒ WaitingForResources; Forbidden ⇒ retryable `RuntimeFailure`; BadRequest or
 * Invalid ⇒ permanent `BadTaskFormat`; too large ⇒ permanent `EntityTooLarge`) and reports Queued "task
 * submitted to K8s". Later rounds read the pod from the namespace's watch (each change wakes the engine) and
 * map its status as Flyte does; a pod gone ⇒ retryable SYSTEM `ResourceDeletedExternally`, a pod being
 * deleted while not done ⇒ retryable SYSTEM `UnexpectedObjectDeletion`. Abort deletes the pod; finalize
 * deletes it too unless `deleteResourceOnFinalize` is false.
 */
export function createK8sPodPlugin(options: K8sPodPluginOptions = {}): K8sPodPlugin {
  const opts = compileK8sPodOptions(options);
  const grace: PendingGracePeriods = { ...DEFAULT_PENDING_GRACE_PERIODS, ...opts.pendingGracePeriods };
  const kubeConfig = opts.kubeConfig instanceof KubeConfig ? opts.kubeConfig : new KubeConfig();
  if (typeof opts.kubeConfig === "string") kubeConfig.loadFromString(opts.kubeConfig);
  else if (opts.kubeConfig === undefined) kubeConfig.loadFromDefault();
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const watcher = new PodWatcher(kubeConfig, api);

  const deletePod = async (namespace: string, name: string): Promise<void> => {
    try {
      await api.deleteNamespacedPod({ namespace, name });
    } catch (e) {
      if (httpCode(e) !== 404) throw e;
    }
  };

  const launch = async (ctx: TaskExecutionContext): Promise<PhaseInfo> => {
    let pod: V1Pod;
    try {
      pod = (await buildPod(ctx, opts)).pod;
    } catch (e) {
      if (!(e instanceof PodBuildError)) throw e;
      const message = `could not build resource for task: ${e.message}`;
      return failed(PluginPhase.PermanentFailure, ExecutionError_ErrorKind.USER, "FailedToBuildResource", message);
    }
    const namespace = pod.metadata?.namespace ?? ctx.namespace;
    const name = pod.metadata?.name ?? ctx.generatedName;
    watcher.ensureWatching(namespace);
    watcher.onChange(namespace, name, () => ctx.wake());
    try {
      await api.createNamespacedPod({ namespace, body: pod });
    } catch (e) {
      const code = httpCode(e);
      const message = apiMessage(e);
      if (code !== 409) {
        if (code === 403 && message.includes("exceeded quota")) {
          return { phase: PluginPhase.WaitingForResources, reason: `Exceeded resourcequota: ${message}` };
        }
        if (code === 403)
          return failed(PluginPhase.RetryableFailure, ExecutionError_ErrorKind.USER, "RuntimeFailure", message);
        if (code === 400 || code === 422) {
          return failed(PluginPhase.PermanentFailure, ExecutionError_ErrorKind.USER, "BadTaskFormat", message);
        }
        if (code === 413)
          return failed(PluginPhase.PermanentFailure, ExecutionError_ErrorKind.USER, "EntityTooLarge", message);
        throw e;
      }
    }
    const phase: PhaseInfo = { phase: PluginPhase.Queued, reason: "task submitted to K8s" };
    ctx.setState({ started: true, namespace, name, phase: phase.phase, version: 0, reason: phase.reason ?? "" });
    return phase;
  };

  const observe = async (ctx: TaskExecutionContext, state: K8sPodState): Promise<PhaseInfo> => {
    watcher.ensureWatching(state.namespace);
    watcher.onChange(state.namespace, state.name, () => ctx.wake());
    let pod = watcher.cached(state.namespace, state.name);
    // Not in the watch's view may only mean the watch lags behind (a pod just created): ask the server.
    if (pod === undefined || pod === null) {
      try {
        pod = await api.readNamespacedPod({ namespace: state.namespace, name: state.name });
      } catch (e) {
        if (httpCode(e) !== 404 && httpCode(e) !== 410) throw e;
        pod = null;
      }
    }
    let phase: PhaseInfo;
    if (pod === null) {
      const message = `resource not found, name [${state.namespace}/${state.name}]. reason: pods "${state.name}" not found`;
      phase = failed(
        PluginPhase.RetryableFailure,
        ExecutionError_ErrorKind.SYSTEM,
        "ResourceDeletedExternally",
        message,
      );
    } else {
      phase = withPhaseVersion(podPhase(pod, grace), state);
      if (!isTerminalPluginPhase(phase.phase) && pod.metadata?.deletionTimestamp !== undefined) {
        const message = `object [${state.namespace}/${state.name}] terminated in the background, manually`;
        phase = failed(
          PluginPhase.RetryableFailure,
          ExecutionError_ErrorKind.SYSTEM,
          "UnexpectedObjectDeletion",
          message,
        );
      }
    }
    ctx.setState({ ...state, phase: phase.phase, version: phase.version ?? 0, reason: phase.reason ?? "" });
    return phase;
  };

  return {
    id: opts.id,
    taskTypes: opts.taskTypes,
    options: opts,

    async handle(ctx) {
      const state = stateFromJson(ctx.state);
      return state?.started === true ? observe(ctx, state) : launch(ctx);
    },

    async abort(ctx) {
      const state = stateFromJson(ctx.state);
      if (state?.started === true) await deletePod(state.namespace, state.name);
    },

    async finalize(ctx) {
      const state = stateFromJson(ctx.state);
      if (state === undefined) return;
      watcher.forget(state.namespace, state.name);
      if (opts.deleteResourceOnFinalize && state.started) await deletePod(state.namespace, state.name);
    },

    close() {
      watcher.close();
      return Promise.resolve();
    },
  };
}
