/**
 * gRPC health checking (`grpc.health.v1.Health`), as grpc-go's health server that flyteadmin registers:
 * `""` and `"flyteadmin"` report SERVING (we add every served service name, which Kubernetes gRPC probes
 * like to name), unknown names are NOT_FOUND on Check and SERVICE_UNKNOWN on Watch, and shutting down
 * flips everything to NOT_SERVING.
 */
import { ConnectError, Code as ConnectCode, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { type HealthCheckRequest, HealthService, ServingStatus } from "./grpc-protos.js";

/** Serving status per service name, with change notification for Watch streams. */
export class HealthState {
  readonly #statuses = new Map<string, ServingStatus>();
  readonly #listeners = new Set<() => void>();

  constructor(serviceNames: Iterable<string>) {
    for (const name of ["", "flyteadmin", ...serviceNames]) this.#statuses.set(name, ServingStatus.SERVING);
  }

  /** The status of `service`, or undefined when it is not a known name. */
  get(service: string): ServingStatus | undefined {
    return this.#statuses.get(service);
  }

  /** Marks every service NOT_SERVING (on shutdown) and wakes Watch streams. */
  shutdown(): void {
    for (const name of this.#statuses.keys()) this.#statuses.set(name, ServingStatus.NOT_SERVING);
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves at the next status change or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#listeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      if (signal.aborted) return resolve();
      this.#listeners.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** The Health service implementation over `state`. */
export function createHealthServiceImpl(state: HealthState): ServiceImpl<typeof HealthService> {
  return {
    check(request: HealthCheckRequest) {
      const status = state.get(request.service);
      if (status === undefined) throw new ConnectError("unknown service", ConnectCode.NotFound);
      return { status };
    },
    async *watch(request: HealthCheckRequest, context: HandlerContext) {
      let last: ServingStatus | undefined;
      while (!context.signal.aborted) {
        const status = state.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN;
        if (status !== last) {
          last = status;
          yield { status };
        }
        if (status === ServingStatus.NOT_SERVING) return;
        await state.changed(context.signal);
      }
    },
  };
}

export { HealthService };
