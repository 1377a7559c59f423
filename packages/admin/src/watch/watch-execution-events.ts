/**
 * One watch of one execution, transport-free: the snapshot, then each change as admin stored it, then `end`. The
 * gRPC service and the Server-Sent Events route both serve this stream.
 */
import { TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import { createHash } from "node:crypto";
import { create, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import {
  type WatchExecutionEvent,
  WatchExecutionEventSchema,
  WatchExecutionEndSchema,
} from "@aloft/idl/gen/aloft/admin/watch_pb";
import { type Execution, ExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { type NodeExecution, NodeExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { type TaskExecution, TaskExecutionSchema } from "@aloft/idl/gen/flyteidl/admin/task_execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { ExecutionKey } from "../repositories/keys.js";
import { nodeExecutionKeyFromId, taskExecutionKeyFromId } from "../transformers/identifier-transformer.js";
import type { ExecutionChange } from "./execution-change.js";
import type { ExecutionChangeFeed } from "./execution-change-feed.js";
import type { ExecutionWatchReader } from "./execution-watch-reader.js";
import { PendingChanges } from "./pending-changes.js";

/** Where a watch gets its changes and data. */
export interface ExecutionWatchSource {
  feed: ExecutionChangeFeed;
  reader: ExecutionWatchReader;
}

/** Options of {@link watchExecutionEvents}. */
export interface WatchExecutionEventsOptions {
  executionId: ExecutionKey;
  /** Also stream task executions. */
  includeTaskExecutions: boolean;
  /** Ends the watch (the generator throws the signal's reason), e.g. when the client goes away. */
  signal: AbortSignal;
}

/**
 * The events of one watch. It subscribes before reading the snapshot, so a change committed while the snapshot
 * is read is re-read afterwards rather than lost; an entity is sent again only when it differs from what this
 * watch last sent of it. The first event is always the execution. Once the execution is terminal, its node (and
 * task) executions are read once more, so their final states go out even when their notices have not arrived yet
 * (another admin process relays them), then the terminal execution, then `end`, and the generator returns.
 *
 * @throws AloftError NotFound for an unknown execution (before anything is sent); the signal's reason once it
 *   aborts. The subscription is released however the generator ends.
 */
export async function* watchExecutionEvents(
  source: ExecutionWatchSource,
  options: WatchExecutionEventsOptions,
): AsyncGenerator<WatchExecutionEvent, void, undefined> {
  const { executionId, includeTaskExecutions, signal } = options;
  const { reader } = source;
  const pending = new PendingChanges();
  const unsubscribe = source.feed.subscribe(executionId, (notice) => {
    if (notice.kind !== "task" || includeTaskExecutions) pending.push(notice);
  });
  const sent = new SentDigests();
  try {
    signal.throwIfAborted();
    let execution = await reader.execution(executionId);
    yield* sent.executionEvent(execution);
    // Node and task executions are listed in full at the start, after a resync and at the end; in between, each
    // notice names the one to re-read.
    let listChildren = true;
    while (!isTerminal(execution)) {
      if (listChildren) {
        listChildren = false;
        yield* await children();
      }
      const notice = await pending.next(signal);
      if (notice.kind === "node" || notice.kind === "task") {
        yield* await rereadChild(notice);
        continue;
      }
      if (notice.kind === "resync") listChildren = true;
      execution = await reader.execution(executionId);
      // A terminal execution goes out last, after the final state of its children.
      if (!isTerminal(execution)) yield* sent.executionEvent(execution);
    }
    yield* await children();
    yield* sent.executionEvent(execution);
    yield create(WatchExecutionEventSchema, {
      event: { case: "end", value: create(WatchExecutionEndSchema, { phase: execution.closure?.phase }) },
    });
  } finally {
    unsubscribe();
  }

  /** Every node and task execution of the execution that was not sent as it is now. */
  async function children(): Promise<WatchExecutionEvent[]> {
    const [nodes, tasks] = await Promise.all([
      reader.nodeExecutions(executionId),
      includeTaskExecutions ? reader.taskExecutions(executionId) : Promise.resolve([]),
    ]);
    return [...nodes.flatMap((node) => sent.nodeEvent(node)), ...tasks.flatMap((task) => sent.taskEvent(task))];
  }

  async function rereadChild(notice: ExecutionChange & { kind: "node" | "task" }): Promise<WatchExecutionEvent[]> {
    if (notice.kind === "node") {
      const node = await reader.findNodeExecution({ executionId, nodeId: notice.nodeId });
      return node === undefined ? [] : sent.nodeEvent(node);
    }
    const task = await reader.findTaskExecution(notice.task);
    return task === undefined ? [] : sent.taskEvent(task);
  }
}

function isTerminal(execution: Execution): boolean {
  return TERMINAL_WORKFLOW_PHASES.has(execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED);
}

/** A digest of what a watch last sent of each entity, so unchanged re-reads are not sent again. */
class SentDigests {
  readonly #digests = new Map<string, string>();

  executionEvent(execution: Execution): WatchExecutionEvent[] {
    return this.#changed("execution", ExecutionSchema, execution)
      ? [create(WatchExecutionEventSchema, { event: { case: "execution", value: execution } })]
      : [];
  }

  nodeEvent(node: NodeExecution): WatchExecutionEvent[] {
    const key = `node ${nodeExecutionKeyFromId(node.id).nodeId}`;
    return this.#changed(key, NodeExecutionSchema, node)
      ? [create(WatchExecutionEventSchema, { event: { case: "nodeExecution", value: node } })]
      : [];
  }

  taskEvent(task: TaskExecution): WatchExecutionEvent[] {
    const { taskId, nodeExecutionId, retryAttempt } = taskExecutionKeyFromId(task.id);
    const key = `task ${JSON.stringify([nodeExecutionId.nodeId, taskId.project, taskId.domain, taskId.name, taskId.version, retryAttempt])}`;
    return this.#changed(key, TaskExecutionSchema, task)
      ? [create(WatchExecutionEventSchema, { event: { case: "taskExecution", value: task } })]
      : [];
  }

  #changed<Desc extends DescMessage>(key: string, schema: Desc, message: MessageShape<Desc>): boolean {
    const digest = createHash("sha1").update(toBinary(schema, message)).digest("base64");
    if (this.#digests.get(key) === digest) return false;
    this.#digests.set(key, digest);
    return true;
  }
}
