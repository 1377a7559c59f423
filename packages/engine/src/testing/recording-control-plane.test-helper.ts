/**
 * A TEST DOUBLE OF ADMIN for the engine's tests: a {@link ControlPlane} that records every event in memory
 * and applies flyteadmin's acceptance rules (§8.3 of the engine spec), so the engine's reactions to
 * rejected events are exercised: AlreadyExists for a repeated phase, FAILED_PRECONDITION with
 * `already_in_terminal_state` after a terminal phase, NotFound for unknown executions, and injected
 * failures. Signals are kept in memory and set by the test. The real admin is wired in by e2e tests.
 */
import { create, type Message } from "@bufbuild/protobuf";
import { AloftError, Code, TERMINAL_NODE_PHASES, TERMINAL_TASK_PHASES, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventFailureReasonSchema,
  NodeExecutionEventResponseSchema,
  TaskExecutionEventResponseSchema,
  WorkflowExecutionEventResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";
import { SignalSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type {
  NodeExecutionEvent,
  TaskExecutionEvent,
  WorkflowExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { AdminApi, ControlPlane } from "../control-plane/control-plane.js";

export type EventKind = "workflow" | "node" | "task";

/** The recording admin double. */
export interface RecordingControlPlane extends ControlPlane {
  /** Accepted events, in order. */
  readonly workflowEvents: WorkflowExecutionEvent[];
  readonly nodeEvents: NodeExecutionEvent[];
  readonly taskEvents: TaskExecutionEvent[];
  /** Rejected events with the error returned. */
  readonly rejected: { kind: EventKind; event: Message; error: AloftError }[];
  /** Makes the execution known (admin creates it QUEUED); without it events are NotFound unless `autoRegister`. */
  register(executionName: string): void;
  /** The next `count` events of `kind` (optionally only those matching) fail with `error`. */
  failNext(kind: EventKind, error: AloftError, options?: { count?: number; match?: (event: Message) => boolean }): void;
  /** Sets a signal's value and calls `onSignal` (the composition wakes the engine there). */
  setSignal(executionName: string, signalId: string, value: Literal): void;
  onSignal: ((executionName: string) => void) | undefined;
  /** Resolves when the execution's recorded phase is terminal. */
  waitForTerminal(executionName: string, timeoutMs?: number): Promise<WorkflowExecution_Phase>;
  /** Resolves when an event satisfying `predicate` was accepted. */
  waitForEvent(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** The workflow phase admin recorded. */
  phaseOf(executionName: string): WorkflowExecution_Phase | undefined;
}

/** Options of {@link createRecordingControlPlane}. */
export interface RecordingControlPlaneOptions {
  /** Accept events of executions never registered. @default true */
  autoRegister?: boolean;
}

export function createRecordingControlPlane(options: RecordingControlPlaneOptions = {}): RecordingControlPlane {
  const autoRegister = options.autoRegister ?? true;
  const workflowPhases = new Map<string, WorkflowExecution_Phase>();
  const nodePhases = new Map<string, NodeExecution_Phase>();
  const taskPhases = new Map<string, { phase: TaskExecution_Phase; version: number }>();
  const signals = new Map<string, Literal>();
  const injected: { kind: EventKind; error: AloftError; count: number; match?: (event: Message) => boolean }[] = [];
  const waiters = new Set<() => void>();
  const workflowEvents: WorkflowExecutionEvent[] = [];
  const nodeEvents: NodeExecutionEvent[] = [];
  const taskEvents: TaskExecutionEvent[] = [];
  const rejected: RecordingControlPlane["rejected"] = [];

  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const known = (name: string): void => {
    if (!workflowPhases.has(name)) {
      if (!autoRegister) throw AloftError.notFound(`execution ${name} not found`);
      workflowPhases.set(name, WorkflowExecution_Phase.QUEUED);
    }
  };
  const inject = (kind: EventKind, event: Message): void => {
    const index = injected.findIndex((i) => i.kind === kind && (i.match === undefined || i.match(event)));
    if (index < 0) return;
    const failure = injected[index]!;
    failure.count -= 1;
    if (failure.count <= 0) injected.splice(index, 1);
    throw failure.error;
  };
  const guarded = async <T>(kind: EventKind, event: Message, accept: () => T): Promise<T> => {
    try {
      inject(kind, event);
      const result = accept();
      notify();
      return result;
    } catch (error) {
      if (error instanceof AloftError) rejected.push({ kind, event, error });
      notify();
      throw error;
    }
  };
  const terminalError = (message: string, currentPhase: string): AloftError =>
    AloftError.failedPrecondition(message, {
      details: [
        create(EventFailureReasonSchema, {
          reason: {
            case: "alreadyInTerminalState",
            value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase }),
          },
        }),
      ],
    });

  const unimplemented = (): Promise<never> =>
    Promise.reject(new AloftError(Code.Unimplemented, "not available in the recording control plane"));
  const admin: AdminApi = {
    createWorkflowEvent: (request) =>
      guarded("workflow", request.event!, () => {
        const event = request.event!;
        const name = event.executionId?.name ?? "";
        known(name);
        const current = workflowPhases.get(name)!;
        if (event.phase !== WorkflowExecution_Phase.QUEUED && current === event.phase) {
          throw AloftError.alreadyExists(`This phase ${WorkflowExecution_Phase[current]} was already recorded`);
        }
        if (TERMINAL_WORKFLOW_PHASES.has(current)) {
          throw terminalError(
            `Invalid phase change from ${WorkflowExecution_Phase[current]}`,
            WorkflowExecution_Phase[current]!,
          );
        }
        if (current === WorkflowExecution_Phase.RUNNING && event.phase === WorkflowExecution_Phase.QUEUED) {
          throw AloftError.failedPrecondition("Cannot go from RUNNING to QUEUED");
        }
        if (current === WorkflowExecution_Phase.ABORTING && !TERMINAL_WORKFLOW_PHASES.has(event.phase)) {
          throw AloftError.failedPrecondition("Invalid phase change from aborting");
        }
        workflowPhases.set(name, event.phase);
        workflowEvents.push(event);
        return create(WorkflowExecutionEventResponseSchema);
      }),
    createNodeEvent: (request) =>
      guarded("node", request.event!, () => {
        const event = request.event!;
        known(event.id?.executionId?.name ?? "");
        const key = `${event.id?.executionId?.name}/${event.id?.nodeId}/${event.retryGroup}`;
        const current = nodePhases.get(key);
        if (current === event.phase) throw AloftError.alreadyExists("This phase was already recorded");
        if (current !== undefined && TERMINAL_NODE_PHASES.has(current)) {
          throw terminalError("Invalid phase change", NodeExecution_Phase[current]!);
        }
        nodePhases.set(key, event.phase);
        nodeEvents.push(event);
        return create(NodeExecutionEventResponseSchema);
      }),
    createTaskEvent: (request) =>
      guarded("task", request.event!, () => {
        const event = request.event!;
        known(event.parentNodeExecutionId?.executionId?.name ?? "");
        const key = `${event.parentNodeExecutionId?.executionId?.name}/${event.parentNodeExecutionId?.nodeId}/${event.retryAttempt}`;
        const current = taskPhases.get(key);
        if (current !== undefined) {
          if (current.phase === event.phase && event.phaseVersion <= current.version) {
            throw AloftError.alreadyExists("This phase was already recorded");
          }
          if (TERMINAL_TASK_PHASES.has(current.phase))
            throw terminalError("Invalid phase change", TaskExecution_Phase[current.phase]!);
        }
        taskPhases.set(key, { phase: event.phase, version: event.phaseVersion });
        taskEvents.push(event);
        return create(TaskExecutionEventResponseSchema);
      }),
    createExecution: unimplemented,
    recoverExecution: unimplemented,
    getExecution: unimplemented,
    getExecutionData: unimplemented,
    terminateExecution: unimplemented,
    getLaunchPlan: unimplemented,
    getNodeExecution: unimplemented,
    getNodeExecutionData: unimplemented,
  };

  const plane: RecordingControlPlane = {
    admin,
    signals: {
      getOrCreateSignal(request) {
        const key = `${request.id?.executionId?.name}/${request.id?.signalId}`;
        const value = signals.get(key);
        return Promise.resolve(
          create(SignalSchema, { id: request.id, type: request.type, ...(value === undefined ? {} : { value }) }),
        );
      },
    },
    workflowEvents,
    nodeEvents,
    taskEvents,
    rejected,
    register(name) {
      workflowPhases.set(name, WorkflowExecution_Phase.QUEUED);
    },
    failNext(kind, error, failOptions = {}) {
      injected.push({
        kind,
        error,
        count: failOptions.count ?? 1,
        ...(failOptions.match === undefined ? {} : { match: failOptions.match }),
      });
    },
    setSignal(name, signalId, value) {
      signals.set(`${name}/${signalId}`, value);
      plane.onSignal?.(name);
    },
    onSignal: undefined,
    phaseOf: (name) => workflowPhases.get(name),
    waitForTerminal(name, timeoutMs = 20_000) {
      return plane
        .waitForEvent(
          () => TERMINAL_WORKFLOW_PHASES.has(workflowPhases.get(name) ?? WorkflowExecution_Phase.UNDEFINED),
          timeoutMs,
        )
        .then(() => workflowPhases.get(name)!);
    },
    waitForEvent(predicate, timeoutMs = 20_000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for an event`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
  return plane;
}
