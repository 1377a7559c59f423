import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { DbExecutor } from "../db-executor.js";
import type { DialectCapabilities } from "../dialects/dialect-capabilities.js";
import {
  createExecutionQueueRepo,
  type EnqueueInput,
  type QueueAnnouncer,
  type QueuedExecutionKey,
} from "./execution-queue-repo.js";
import { encodeAbortRequest, encodeExecutionRequest } from "./execution-payload-codec.js";
import type { HandoffTables } from "./handoff-schema.js";
import type { ExecutionRequest, WorkflowExecutor } from "./workflow-executor.js";

/** Options of {@link createQueuedWorkflowExecutor}. */
export interface QueuedWorkflowExecutorOptions {
  /** The database (used when the caller passes no transaction). */
  db: DbExecutor<HandoffTables>;
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
  const queue = (transaction: DbExecutor<HandoffTables> | undefined) =>
    createExecutionQueueRepo({
      db: transaction ?? options.db,
      capabilities: options.capabilities,
      ...(options.announce === undefined ? {} : { announce: options.announce }),
    });
  const cluster = options.cluster ?? "";
  const channel = options.announce?.postgresChannel;
  return {
    id: "queue",
    ...(channel === undefined
      ? {}
      : {
          postgresQueueHandOff: {
            channel,
            prepare: (requests: readonly ExecutionRequest[]) => ({
              items: requests.map(createItem),
              responses: requests.map(() => ({ cluster })),
            }),
          },
        }),
    async execute(request, handOff = {}) {
      await queue(handOff.transaction).enqueue([createItem(request)]);
      return { cluster };
    },
    async executeMany(requests, handOff = {}) {
      await queue(handOff.transaction).enqueue(requests.map(createItem));
      return requests.map(() => ({ cluster }));
    },
    async abort(request, handOff = {}) {
      await queue(handOff.transaction).enqueue([
        { executionId: queuedExecutionKey(request.executionId), kind: "abort", payload: encodeAbortRequest(request) },
      ]);
    },
  };
}

function createItem(request: ExecutionRequest): EnqueueInput {
  return {
    executionId: queuedExecutionKey(request.executionId),
    kind: "create",
    payload: encodeExecutionRequest(request),
  };
}

function queuedExecutionKey(id: WorkflowExecutionIdentifier): QueuedExecutionKey {
  return { project: id.project, domain: id.domain, name: id.name };
}
