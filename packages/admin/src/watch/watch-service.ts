/** `aloft.admin.WatchService` (an Aloft extension): the watch stream as a connect server-streaming handler. */
import type { WatchService } from "@aloft/idl/gen/aloft/admin/watch_pb";
import { Code as ConnectCode, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { executionKeyFromId } from "../transformers/identifier-transformer.js";
import { validateWorkflowExecutionIdentifier } from "../validation/identifier-validation.js";
import { type ExecutionWatchSource, watchExecutionEvents } from "./watch-execution-events.js";

/** Options of {@link createWatchServiceImpl}. */
export interface WatchServiceOptions {
  source: ExecutionWatchSource;
  /**
   * Ends every open watch with UNAVAILABLE when it aborts: a graceful server close would otherwise wait for
   * streams that only end with their execution.
   */
  stopSignal: AbortSignal;
}

/** The WatchService implementation. */
export function createWatchServiceImpl(options: WatchServiceOptions): ServiceImpl<typeof WatchService> {
  return {
    async *watchExecution(request, context) {
      validateWorkflowExecutionIdentifier(request.id);
      const stopped = new AbortController();
      const stop = (): void =>
        stopped.abort(new ConnectError("the server is shutting down; watch again", ConnectCode.Unavailable));
      if (options.stopSignal.aborted) stop();
      options.stopSignal.addEventListener("abort", stop, { once: true });
      try {
        yield* watchExecutionEvents(options.source, {
          executionId: executionKeyFromId(request.id),
          includeTaskExecutions: request.includeTaskExecutions,
          signal: AbortSignal.any([context.signal, stopped.signal]),
        });
      } finally {
        options.stopSignal.removeEventListener("abort", stop);
      }
    },
  };
}
