/*
 * Pods of the namespaces the plugin created pods in, kept current by the Kubernetes Watch API (Flyte's pod
 * informer): a namespace is listed once, then watched from that list's resource version; every change wakes
 * whoever waits on that pod, and rounds read pods from here instead of asking the API server. A watch that
 * ends (server timeout, error, "410 Gone") is started again from a fresh list.
 */
import { type CoreV1Api, type KubeConfig, type V1Pod, Watch } from "@kubernetes/client-node";

interface NamespaceWatch {
  pods: Map<string, V1Pod>;
  synced: boolean;
  controller: AbortController | undefined;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Delay before a failed watch is started again. */
const RESTART_DELAY_MS = 500;

/** Watches pods by namespace; see the module comment. */
export class PodWatcher {
  readonly #watch: Watch;
  readonly #api: CoreV1Api;
  readonly #namespaces = new Map<string, NamespaceWatch>();
  readonly #listeners = new Map<string, () => void>();
  #closed = false;

  constructor(config: KubeConfig, api: CoreV1Api) {
    this.#watch = new Watch(config);
    this.#api = api;
  }

  /** Starts watching `namespace` (once). */
  ensureWatching(namespace: string): void {
    if (this.#closed || this.#namespaces.has(namespace)) return;
    const ns: NamespaceWatch = { pods: new Map(), synced: false, controller: undefined, restartTimer: undefined };
    this.#namespaces.set(namespace, ns);
    void this.#start(namespace, ns);
  }

  /**
   * The pod as last seen by the watch; `null` when the watch is in sync and has no such pod (it may lag
   * behind a create); `undefined` when the namespace is not (yet) in sync. Ask the API server for both.
   */
  cached(namespace: string, name: string): V1Pod | null | undefined {
    const ns = this.#namespaces.get(namespace);
    if (ns === undefined || !ns.synced) return undefined;
    return ns.pods.get(name) ?? null;
  }

  /** Calls `listener` whenever the pod changes (replacing the previous listener of that pod). */
  onChange(namespace: string, name: string, listener: () => void): void {
    this.#listeners.set(`${namespace}/${name}`, listener);
  }

  /** Forgets the listener of a pod. */
  forget(namespace: string, name: string): void {
    this.#listeners.delete(`${namespace}/${name}`);
  }

  /** Stops every watch. */
  close(): void {
    this.#closed = true;
    for (const ns of this.#namespaces.values()) {
      ns.controller?.abort();
      if (ns.restartTimer !== undefined) clearTimeout(ns.restartTimer);
    }
    this.#namespaces.clear();
  }

  #notify(namespace: string, name: string): void {
    this.#listeners.get(`${namespace}/${name}`)?.();
  }

  async #start(namespace: string, ns: NamespaceWatch): Promise<void> {
    if (this.#closed) return;
    try {
      const list = await this.#api.listNamespacedPod({ namespace });
      const seen = new Set<string>();
      for (const pod of list.items) {
        const name = pod.metadata?.name ?? "";
        seen.add(name);
        const before = ns.pods.get(name)?.metadata?.resourceVersion;
        ns.pods.set(name, pod);
        if (before !== pod.metadata?.resourceVersion) this.#notify(namespace, name);
      }
      for (const name of [...ns.pods.keys()]) {
        if (seen.has(name)) continue;
        ns.pods.delete(name);
        this.#notify(namespace, name);
      }
      ns.synced = true;
      if (this.#closed) return;
      ns.controller = await this.#watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (type: string, pod: V1Pod) => {
          const name = pod.metadata?.name;
          if (name === undefined || type === "BOOKMARK" || type === "ERROR") return;
          if (type === "DELETED") ns.pods.delete(name);
          else ns.pods.set(name, pod);
          this.#notify(namespace, name);
        },
        () => this.#restart(namespace, ns),
      );
    } catch {
      this.#restart(namespace, ns);
    }
  }

  #restart(namespace: string, ns: NamespaceWatch): void {
    if (this.#closed || this.#namespaces.get(namespace) !== ns) return;
    ns.synced = false;
    ns.controller = undefined;
    if (ns.restartTimer !== undefined) return;
    ns.restartTimer = setTimeout(() => {
      ns.restartTimer = undefined;
      void this.#start(namespace, ns);
    }, RESTART_DELAY_MS);
    ns.restartTimer.unref();
  }
}
