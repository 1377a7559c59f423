/**
 * The client side of admin's WatchService (an Aloft extension; see docs/compatibility.md): an execution's state
 * and every change of it, pushed by admin over one gRPC server stream.
 */
import { type WatchExecutionEvent, WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import type {
  WorkflowExecutionIdentifier,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

/** Options of {@link watchExecution}. */
export interface WatchExecutionOptions {
  /** Stops the watch: the iteration throws connect's CANCELED error. */
  signal?: AbortSignal;
  /** Also receive task executions (attempts). @default false */
  includeTaskExecutions?: boolean;
  /** The transport to use instead of a plaintext gRPC one to `baseUrl` (TLS, auth headers, a shared session). */
  transport?: Transport;
}

/**
 * The events of one execution as admin pushes them: the execution, its node executions so far (and task
 * executions when asked), then each change, then `end` once it is terminal, after which the iteration finishes.
 *
 * @throws ConnectError NOT_FOUND for an unknown execution, UNAVAILABLE when admin shuts down (watch again), or
 *   whatever the connection reports, from the iteration.
 */
export function watchExecution(
  baseUrl: string,
  id: WorkflowExecutionIdentifier | MessageInitShape<typeof WorkflowExecutionIdentifierSchema>,
  options: WatchExecutionOptions = {},
): AsyncIterable<WatchExecutionEvent> {
  const client = createClient(WatchService, options.transport ?? createGrpcTransport({ baseUrl }));
  return client.watchExecution(
    { id, includeTaskExecutions: options.includeTaskExecutions ?? false },
    options.signal === undefined ? {} : { signal: options.signal },
  );
}
