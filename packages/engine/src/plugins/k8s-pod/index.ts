/**
 * `@aloft/engine/k8s-pod`: the kubernetes-pod plugin (Flyte's pod plugin), kept out of the main entry point so
 * engines that never run pods do not load `@kubernetes/client-node`. `FakeKubeApiServer` is a fake API server
 * for tests (no real Kubernetes API server can run on a development machine here).
 */
export { createK8sPodPlugin, DEFAULT_PENDING_GRACE_PERIODS } from "./k8s-pod-plugin.js";
export type { K8sPodPlugin } from "./k8s-pod-plugin.js";
export { compileK8sPodOptions } from "./k8s-pod-options.js";
export type {
  CoPilotConfig,
  CompiledCoPilotConfig,
  CompiledK8sPodOptions,
  K8sPodPluginOptions,
  PlatformResources,
} from "./k8s-pod-options.js";
export { buildPod, PodBuildError } from "./build-pod.js";
export { PRIMARY_CONTAINER_KEY } from "./primary-container.js";
export type { BuiltPod } from "./build-pod.js";
export { podPhase } from "./pod-phase.js";
export type { PendingGracePeriods } from "./pod-phase.js";
export { secretAnnotations, SECRETS_POD_LABEL } from "./secret-annotations.js";
export { FakeKubeApiServer } from "./fake-kube-api-server.js";
export type { FakeApiFailure } from "./fake-kube-api-server.js";
