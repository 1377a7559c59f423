import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { Transport } from "./context-keys.js";

/** One finished RPC, as {@link AdminMetrics.recordRpc} takes it. */
export interface RpcSample {
  /** Fully qualified service name, e.g. `flyteidl.service.AdminService`. */
  service: string;
  /** Method name, e.g. `CreateTask`. */
  method: string;
  transport: Transport;
  /** gRPC code name in snake case (`ok`, `not_found`). */
  code: string;
  durationMs: number;
}

/** One database statement, as repositories report it through {@link AdminMetrics.observeDbQuery}. */
export interface DbQuerySample {
  /** A low-cardinality name such as `executions.insert` or `tasks.list`. */
  operation: string;
  durationMs: number;
  /** False when the statement threw. @default true */
  ok?: boolean;
}

/** The repositories' hook: called once per statement. */
export type DbQueryObserver = (sample: DbQuerySample) => void;

/** Options of {@link AdminMetrics}. */
export interface AdminMetricsOptions {
  /** @default "aloft_admin_" */
  prefix?: string;
  /** Also export prom-client's process metrics (CPU, memory, event loop, GC), prefixed `aloft_`. @default true */
  defaultMetrics?: boolean;
}

const RPC_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DB_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * Admin's Prometheus metrics in their own registry (so several servers in one process, as in tests, never clash):
 * requests and latency per RPC and transport, database statement latency, and the default process metrics.
 */
export class AdminMetrics {
  readonly registry: Registry;
  readonly #requests: Counter<"service" | "method" | "transport" | "code">;
  readonly #latency: Histogram<"service" | "method" | "transport">;
  readonly #db: Histogram<"operation" | "ok">;

  constructor(options: AdminMetricsOptions = {}) {
    const prefix = options.prefix ?? "aloft_admin_";
    this.registry = new Registry();
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "aloft_" });
    this.#requests = new Counter({
      name: `${prefix}rpc_requests_total`,
      help: "RPCs handled, by service, method, transport and gRPC code.",
      labelNames: ["service", "method", "transport", "code"],
      registers: [this.registry],
    });
    this.#latency = new Histogram({
      name: `${prefix}rpc_duration_seconds`,
      help: "RPC handling time in seconds, by service, method and transport.",
      labelNames: ["service", "method", "transport"],
      buckets: RPC_BUCKETS_SECONDS,
      registers: [this.registry],
    });
    this.#db = new Histogram({
      name: `${prefix}db_query_duration_seconds`,
      help: "Database statement time in seconds, by operation.",
      labelNames: ["operation", "ok"],
      buckets: DB_BUCKETS_SECONDS,
      registers: [this.registry],
    });
  }

  /** Records one finished RPC. */
  recordRpc(sample: RpcSample): void {
    const { service, method, transport, code } = sample;
    this.#requests.inc({ service, method, transport, code });
    this.#latency.observe({ service, method, transport }, sample.durationMs / 1000);
  }

  /** The repositories' hook ({@link DbQueryObserver}); bound, so it can be passed around as a function. */
  readonly observeDbQuery: DbQueryObserver = (sample) => {
    this.#db.observe({ operation: sample.operation, ok: String(sample.ok ?? true) }, sample.durationMs / 1000);
  };

  /** The exposition text for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
