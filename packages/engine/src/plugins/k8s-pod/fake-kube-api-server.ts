/**
 * A FAKE Kubernetes API server, for tests of the k8s-pod plugin where no real cluster can run: it serves
 * just the core/v1 pod endpoints the plugin uses (create, get, list, watch, delete) over loopback HTTP, keeps
 * pods in memory, schedules nothing and runs nothing. Tests drive the pods' lives with
 * {@link FakeKubeApiServer.setPodStatus} and read what the plugin created with {@link FakeKubeApiServer.pod}.
 * It is not a conformant API server (no validation, admission, field selectors, or patch).
 *
 * ```ts
 * const server = await FakeKubeApiServer.start();
 * const plugin = createK8sPodPlugin({ kubeConfig: server.kubeConfigYaml() });
 * // … the plugin creates a pod …
 * server.setPodStatus("flytesnacks-development", "abc123-n0-0", { phase: "Succeeded" });
 * await server.close();
 * ```
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { V1Pod, V1PodStatus } from "@kubernetes/client-node";

type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

interface WatchEvent {
  type: WatchEventType;
  object: V1Pod;
  resourceVersion: number;
}

interface Watcher {
  namespace: string;
  selector: Record<string, string>;
  response: ServerResponse;
}

/** A failure to answer the next create with (a Kubernetes `Status`). */
export interface FakeApiFailure {
  /** HTTP status code (403, 409, 422…). */
  code: number;
  /** `Status.reason` (`Forbidden`, `Invalid`…). */
  reason: string;
  message: string;
}

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/;

function statusBody(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function parseSelector(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? "").split(",")) {
    const [key, value] = part.split("=");
    if (key !== undefined && key !== "" && value !== undefined) out[key.trim()] = value.trim();
  }
  return out;
}

function matches(pod: V1Pod, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => pod.metadata?.labels?.[k] === v);
}

/** See the module comment: a fake API server for pods. */
export class FakeKubeApiServer {
  readonly #server: Server;
  readonly #pods = new Map<string, V1Pod>();
  readonly #history: WatchEvent[] = [];
  readonly #watchers = new Set<Watcher>();
  #resourceVersion = 0;
  #nextCreateFailure: FakeApiFailure | undefined;
  /** Every request, as `METHOD path?query`. */
  readonly requests: string[] = [];

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a fake server on a free loopback port. */
  static async start(): Promise<FakeKubeApiServer> {
    const server = createServer();
    const fake = new FakeKubeApiServer(server);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void fake.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /**
   * A kubeconfig file's text pointing at this server (no credentials; plain HTTP, which the client allows
   * only with `insecure-skip-tls-verify`).
   */
  kubeConfigYaml(): string {
    return JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fake", cluster: { server: this.url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "fake", user: {} }],
      contexts: [{ name: "fake", context: { cluster: "fake", user: "fake" } }],
      "current-context": "fake",
    });
  }

  /** The pod as stored, or `undefined`. */
  pod(namespace: string, name: string): V1Pod | undefined {
    return this.#pods.get(`${namespace}/${name}`);
  }

  /** Every stored pod. */
  pods(): V1Pod[] {
    return [...this.#pods.values()];
  }

  /** Replaces a pod's status (what the kubelet would report) and tells the watchers. */
  setPodStatus(namespace: string, name: string, status: V1PodStatus): void {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (pod === undefined) throw new Error(`no pod ${namespace}/${name}`);
    this.#store({ ...pod, status }, "MODIFIED");
  }

  /** Marks a pod as being deleted (a deletion timestamp), as a node drain or a user would. */
  markPodDeleting(namespace: string, name: string): void {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (pod === undefined) throw new Error(`no pod ${namespace}/${name}`);
    this.#store({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date() } }, "MODIFIED");
  }

  /** Removes a pod behind the plugin's back. */
  removePod(namespace: string, name: string): void {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (pod !== undefined) this.#remove(pod);
  }

  /** Answers the next pod create with this failure. */
  failNextCreate(failure: FakeApiFailure): void {
    this.#nextCreateFailure = failure;
  }

  /** Ends the watches and stops the server. */
  async close(): Promise<void> {
    for (const w of this.#watchers) w.response.end();
    this.#watchers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #store(pod: V1Pod, type: WatchEventType): V1Pod {
    const resourceVersion = ++this.#resourceVersion;
    const stored: V1Pod = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(resourceVersion) } };
    this.#pods.set(`${stored.metadata?.namespace ?? ""}/${stored.metadata?.name ?? ""}`, stored);
    this.#emit({ type, object: stored, resourceVersion });
    return stored;
  }

  #remove(pod: V1Pod): void {
    this.#pods.delete(`${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`);
    const resourceVersion = ++this.#resourceVersion;
    this.#emit({
      type: "DELETED",
      object: { ...pod, metadata: { ...pod.metadata, resourceVersion: String(resourceVersion) } },
      resourceVersion,
    });
  }

  #emit(event: WatchEvent): void {
    this.#history.push(event);
    for (const w of this.#watchers) this.#send(w, event);
  }

  #send(watcher: Watcher, event: WatchEvent): void {
    if (event.object.metadata?.namespace !== watcher.namespace || !matches(event.object, watcher.selector)) return;
    watcher.response.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    this.requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
    const match = POD_PATH.exec(url.pathname);
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (match === null) return reply(404, statusBody(404, "NotFound", `the server could not find ${url.pathname}`));
    const namespace = decodeURIComponent(match[1] as string);
    const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const key = `${namespace}/${name ?? ""}`;

    if (req.method === "POST" && name === undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const failure = this.#nextCreateFailure;
      this.#nextCreateFailure = undefined;
      if (failure !== undefined) return reply(failure.code, statusBody(failure.code, failure.reason, failure.message));
      const pod = JSON.parse(Buffer.concat(chunks).toString("utf8")) as V1Pod;
      const podName = pod.metadata?.name ?? "";
      if (this.#pods.has(`${namespace}/${podName}`)) {
        return reply(409, statusBody(409, "AlreadyExists", `pods "${podName}" already exists`));
      }
      const created = this.#store(
        {
          ...pod,
          metadata: { ...pod.metadata, namespace, uid: randomUUID(), creationTimestamp: new Date() },
          status: { phase: "Pending" },
        },
        "ADDED",
      );
      return reply(201, created);
    }
    if (req.method === "GET" && name !== undefined) {
      const pod = this.#pods.get(key);
      return pod === undefined ? reply(404, statusBody(404, "NotFound", `pods "${name}" not found`)) : reply(200, pod);
    }
    if (req.method === "DELETE" && name !== undefined) {
      const pod = this.#pods.get(key);
      if (pod === undefined) return reply(404, statusBody(404, "NotFound", `pods "${name}" not found`));
      this.#remove(pod);
      return reply(200, pod);
    }
    if (req.method === "GET" && name === undefined) {
      const selector = parseSelector(url.searchParams.get("labelSelector"));
      if (url.searchParams.get("watch") === "true") {
        const since = Number(url.searchParams.get("resourceVersion") ?? "0");
        res.writeHead(200, { "Content-Type": "application/json" });
        res.flushHeaders();
        const watcher: Watcher = { namespace, selector, response: res };
        for (const event of this.#history) if (event.resourceVersion > since) this.#send(watcher, event);
        this.#watchers.add(watcher);
        res.on("close", () => this.#watchers.delete(watcher));
        return;
      }
      const items = [...this.#pods.values()].filter((p) => p.metadata?.namespace === namespace && matches(p, selector));
      return reply(200, {
        kind: "PodList",
        apiVersion: "v1",
        metadata: { resourceVersion: String(this.#resourceVersion) },
        items,
      });
    }
    return reply(405, statusBody(405, "MethodNotAllowed", `${req.method ?? ""} is not supported by the fake`));
  }
}
