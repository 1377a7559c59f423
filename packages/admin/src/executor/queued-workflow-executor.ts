import type { DbExecutor } from "../repositories/db-executor.js";
import type { DialectCapabilities } from "../repositories/dialects/dialect-capabilities.js";
import { createExecutionQueueRepo, type QueueAnnouncer } from "../repositories/execution-queue-repo.js";
import { executionKeyFromId } from "../transformers/identifier-transformer.js";
import { encodeAbortRequest, encodeExecutionRequest } from "./execution-payload-codec.js";
import type { WorkflowExecutor } from "./workflow-executor.js";

/** Options of {@link createQueuedWorkflowExecutor}. */
export interface QueuedWorkflowExecutorOptions {
  /** The database (used when the caller passes no transaction). */
  db: DbExecutor;
  capabilities: DialectCapabilities;
  /** Wakes consumers; from the `QueueNotifier`. */
  announce?: QueueAnnouncer;
  /**
   * The cluster id recorded on executions; engine events whose `producer_id` differs are rejected
   * (an empty id, or flyteadmin's default `propeller`, is never checked).
   * @default ""
   */
  cluster?: string;
}

/**
 * The embedded hand-off: `execute` and `abort` write a row to `execution_queue` in the caller's
 * transaction, so an accepted execution is never lost (it commits with the execution row) and a
 * rejected one never reaches the engine. An engine claims the rows through a `QueueConsumer`.
 */
export function createQueuedWorkflowExecutor(options: QueuedWorkflowExecutorOptions): WorkflowExecutor {
  const queue = (transaction: DbExecutor | undefined) =>
    createExecutionQueueRepo({
      db: transaction ?? options.db,
      capabilities: options.capabilities,
      ...(options.announce === undefined ? {} : { announce: options.announce }),
    });
  const cluster = options.cluster ?? "";
  return {
    id: "queue",
    async execute(request, handOff = {}) {
      await queue(handOff.transaction).enqueue([
        {
          executionId: executionKeyFromId(request.executionId),
          kind: "create",
          payload: encodeExecutionRequest(request),
        },
      ]);
      return { cluster };
    },
    async abort(request, handOff = {}) {
      await queue(handOff.transaction).enqueue([
        { executionId: executionKeyFromId(request.executionId), kind: "abort", payload: encodeAbortRequest(request) },
      ]);
    },
  };
}
