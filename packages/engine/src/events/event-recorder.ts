/**
 * Sends flyteidl events to admin (propeller's `events/` package): error messages truncated to 100 KB,
 * a bounded set of already-sent keys (an event sent before is not sent again), and admin's errors
 * classified as propeller's `EventError` codes so callers can react as §8.3 of the engine spec says.
 * AlreadyExists, from admin or from the local set, is success: every caller ignores it.
 */
import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { AloftError, Code } from "@aloft/idl";
import {
  EventFailureReasonSchema,
  type EventFailureReason,
  NodeExecutionEventRequestSchema,
  TaskExecutionEventRequestSchema,
  WorkflowExecutionEventRequestSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import type { ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type {
  NodeExecutionEvent,
  TaskExecutionEvent,
  WorkflowExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { AdminApi } from "../control-plane/control-plane.js";

/** propeller's `MaxErrorMessageLength`. */
export const MAX_EVENT_ERROR_MESSAGE_LENGTH = 102_400;
const TRUNCATION_INDICATOR = "... <Message Truncated> ...";

/** propeller's event error codes (`events/errors`). */
export type EventErrorReason =
  | "executionNotFound"
  | "resourceExhausted"
  | "invalidArgument"
  | "tooLarge"
  | "alreadyInTerminalState"
  | "incompatibleCluster"
  | "eventSinkError";

/** Admin refused an event (anything but AlreadyExists). */
export class EventRecordingError extends Error {
  constructor(
    readonly reason: EventErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${message}`, options);
    this.name = "EventRecordingError";
  }
}

/** True when `error` is an {@link EventRecordingError} with one of `reasons`. */
export function isEventError(error: unknown, ...reasons: EventErrorReason[]): error is EventRecordingError {
  return error instanceof EventRecordingError && reasons.includes(error.reason);
}

/** Sends one workflow's events. */
export interface EventRecorder {
  recordWorkflowEvent(event: WorkflowExecutionEvent): Promise<void>;
  recordNodeEvent(event: NodeExecutionEvent): Promise<void>;
  recordTaskEvent(event: TaskExecutionEvent): Promise<void>;
}

/**
 * Keys of events already accepted, shared by every workflow of an engine and bounded (oldest forgotten
 * first), as propeller's bloom filter of 50,000 entries.
 */
export class SentEventKeys {
  readonly #keys = new Set<string>();
  constructor(readonly capacity = 50_000) {}

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.values().next().value!);
  }

  get size(): number {
    return this.#keys.size;
  }
}

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  admin: AdminApi;
  sentKeys: SentEventKeys;
}

/** An {@link EventRecorder} over admin's event API. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { admin, sentKeys } = options;
  const send = async (key: string, call: () => Promise<unknown>): Promise<void> => {
    if (sentKeys.has(key)) return;
    try {
      await call();
    } catch (error) {
      const classified = classifyEventError(error);
      if (classified !== undefined) throw classified;
    }
    sentKeys.add(key);
  };
  return {
    recordWorkflowEvent(event) {
      truncateError(event.outputResult.case === "error" ? event.outputResult.value : undefined);
      const id = event.executionId;
      const key = `${id?.project}:${id?.domain}:${id?.name}:${event.phase}`;
      return send(key, () =>
        admin.createWorkflowEvent(create(WorkflowExecutionEventRequestSchema, { requestId: key, event })),
      );
    },
    recordNodeEvent(event) {
      truncateError(event.outputResult.case === "error" ? event.outputResult.value : undefined);
      const id = event.id?.executionId;
      const key = `${id?.project}:${id?.domain}:${id?.name}:${event.id?.nodeId}:${event.retryGroup}:${event.phase}`;
      return send(key, () => admin.createNodeEvent(create(NodeExecutionEventRequestSchema, { requestId: key, event })));
    },
    recordTaskEvent(event) {
      truncateError(event.outputResult.case === "error" ? event.outputResult.value : undefined);
      const node = event.parentNodeExecutionId;
      const id = node?.executionId;
      const task = event.taskId;
      const key =
        `${id?.project}:${id?.domain}:${id?.name}:${node?.nodeId}:${task?.name}:${task?.version}:` +
        `${event.retryAttempt}:${event.phase}:${event.phaseVersion}`;
      return send(key, () => admin.createTaskEvent(create(TaskExecutionEventRequestSchema, { requestId: key, event })));
    },
  };
}

/** propeller's `truncateErrorMessage`: keeps the first and last 50 KB around an indicator. */
export function truncateError(error: ExecutionError | undefined, maxLength = MAX_EVENT_ERROR_MESSAGE_LENGTH): void {
  if (error === undefined || error.message.length <= maxLength) return;
  const half = Math.floor(maxLength / 2);
  error.message = `${error.message.slice(0, half)}\n${TRUNCATION_INDICATOR}\n${error.message.slice(error.message.length - half)}`;
}

/**
 * propeller's `WrapError`: an admin error as an {@link EventRecordingError}, or undefined for AlreadyExists
 * (the event was recorded before).
 */
export function classifyEventError(error: unknown): EventRecordingError | undefined {
  const { code, message, reason } = grpcStatusOf(error);
  if (reason?.reason.case === "alreadyInTerminalState") {
    return new EventRecordingError(
      "alreadyInTerminalState",
      `conflicting events; destination: ${reason.reason.value.currentPhase}`,
      { cause: error },
    );
  }
  if (reason?.reason.case === "incompatibleCluster") {
    return new EventRecordingError(
      "incompatibleCluster",
      `conflicting execution cluster; expected: ${reason.reason.value.cluster}`,
      { cause: error },
    );
  }
  switch (code) {
    case Code.AlreadyExists:
      return undefined;
    case Code.NotFound:
      return new EventRecordingError("executionNotFound", "The execution that the event belongs to does not exist", {
        cause: error,
      });
    case Code.ResourceExhausted:
      if (message.includes("message larger than max")) {
        return new EventRecordingError("tooLarge", "Event message exceeds maximum gRPC size limit", { cause: error });
      }
      return new EventRecordingError("resourceExhausted", "Events are sent too often, exceeded the rate limit", {
        cause: error,
      });
    case Code.InvalidArgument:
      return new EventRecordingError("invalidArgument", `Invalid fields for event message: ${message}`, {
        cause: error,
      });
    default:
      return new EventRecordingError("eventSinkError", `Error sending event: ${message}`, { cause: error });
  }
}

function grpcStatusOf(error: unknown): { code: number; message: string; reason: EventFailureReason | undefined } {
  if (error instanceof AloftError) {
    const reason = error.details.find(
      (detail): detail is EventFailureReason => detail.$typeName === EventFailureReasonSchema.typeName,
    );
    return { code: error.code, message: error.rawMessage, reason };
  }
  if (error instanceof ConnectError) {
    return { code: error.code, message: error.rawMessage, reason: error.findDetails(EventFailureReasonSchema)[0] };
  }
  return { code: Code.Unknown, message: error instanceof Error ? error.message : String(error), reason: undefined };
}
