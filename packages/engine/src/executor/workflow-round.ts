/**
 * One round of one workflow: propeller's `Propeller.Handle` + workflow executor
 * (controller/handler.go, controller/workflow/executor.go). Ready → Running writes the workflow inputs as
 * the start node's outputs; Running traverses the DAG; Succeeding records the outputs; Failing aborts
 * what still runs and hands over to the failure node; an abort request or too many failed rounds end the
 * workflow. A round that throws changes nothing but `failedAttempts` (its mutations are discarded).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ExecutionError_ErrorKind, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { WorkflowExecutionEventSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { ExecutionRequest } from "@aloft/db";
import {
  END_NODE_ID,
  endNodeOutputsPath,
  nodeDataDir,
  readProto,
  START_NODE_ID,
  startNodeOutputsPath,
  workflowDataDir,
  writeProto,
} from "@aloft/storage";
import { type EventRecorder, EventRecordingError, isEventError } from "../events/event-recorder.js";
import type { DagScope, DagStatus, EngineServices } from "../nodes/node-handler.js";
import { messageOf } from "../semantics/execution-errors.js";
import { isTerminalWorkflowPhase, NodePhase, WorkflowPhase } from "../state/phases.js";
import {
  errorOrDefault,
  loadError,
  parseWorkflowStatus,
  serializeWorkflowStatus,
  type StoredError,
  storedError,
  storeError,
  updateWorkflowPhase,
  type WorkflowStatus,
} from "../state/workflow-status.js";
import type { ClosureIndex } from "./closure-index.js";
import { dagSucceeded, failureNodeGraph } from "./dag-graph.js";
import { type HandlerLookup, NodeExecutor } from "./node-executor.js";
import { RoundExecution } from "./round-execution.js";

/** propeller's `max-workflow-retries`. */
export const MAX_WORKFLOW_RETRIES = 10;

/** A workflow held in memory between rounds. */
export interface WorkflowRuntime {
  readonly request: ExecutionRequest;
  readonly closure: ClosureIndex;
  /** The live status (mutated by rounds). */
  status: WorkflowStatus;
  /** The status as last persisted (a failed round returns to it). */
  persisted: string;
  abortRequested: boolean;
}

/** Outcome of {@link executeWorkflowRound}. */
export interface RoundResult {
  /** The status differs from the persisted one: persist it and run another round. */
  changed: boolean;
  terminal: boolean;
  /** The earliest timer a node asked for. */
  wakeAtMs: number | undefined;
  /** The round failed (its error was recorded in the status). */
  error?: unknown;
}

/** Inputs of {@link executeWorkflowRound}. */
export interface WorkflowRoundOptions {
  workflow: WorkflowRuntime;
  services: EngineServices;
  events: EventRecorder;
  handlers: HandlerLookup;
  nowMs: number;
  /** A handler asked for another round as soon as possible. */
  wake: () => void;
}

type Status =
  | {
      to:
        | WorkflowPhase.Ready
        | WorkflowPhase.Running
        | WorkflowPhase.Succeeding
        | WorkflowPhase.Success
        | WorkflowPhase.Aborted;
    }
  | { to: WorkflowPhase.Failing | WorkflowPhase.HandlingFailureNode | WorkflowPhase.Failed; error?: StoredError };

/** Runs one round of `options.workflow`, mutating its status. Never throws. */
export async function executeWorkflowRound(options: WorkflowRoundOptions): Promise<RoundResult> {
  const { workflow } = options;
  if (isTerminalWorkflowPhase(workflow.status.phase)) return { changed: false, terminal: true, wakeAtMs: undefined };
  const request = workflow.request;
  const executionId = request.executionId;
  const dataDir = workflowDataDir({ metadataRoot: options.services.metadataRoot, executionId });
  const x = new RoundExecution({
    executionId,
    request,
    closure: workflow.closure,
    dataDir,
    rawOutputPrefix: request.rawOutputDataConfig?.outputLocationPrefix || options.services.rawOutputPrefix,
    services: options.services,
    events: options.events,
    nowMs: options.nowMs,
    wake: options.wake,
  });
  let roundError: unknown;
  try {
    await new WorkflowRound(x, workflow, options.handlers).run();
  } catch (error) {
    roundError = error;
    recordRoundError(workflow, error, options.nowMs);
  }
  const serialized = serializeWorkflowStatus(workflow.status);
  return {
    changed: serialized !== workflow.persisted,
    terminal: isTerminalWorkflowPhase(workflow.status.phase),
    wakeAtMs: roundError === undefined ? x.wakeAtMs : undefined,
    ...(roundError === undefined ? {} : { error: roundError }),
  };
}

/**
 * propeller's reaction to a failed round: discard its mutations, count it; an admin that lost the
 * execution or reassigned its cluster fails the workflow instead.
 */
function recordRoundError(workflow: WorkflowRuntime, error: unknown, nowMs: number): void {
  workflow.status = parseWorkflowStatus(workflow.persisted);
  const status = workflow.status;
  if (isEventError(error, "executionNotFound") && status.phase !== WorkflowPhase.Ready) {
    updateWorkflowPhase(
      status,
      WorkflowPhase.Failing,
      nowMs,
      messageOf(error),
      storedError(ExecutionError_ErrorKind.SYSTEM, "ExecutionNotFound", messageOf(error)),
    );
    return;
  }
  if (isEventError(error, "incompatibleCluster")) {
    updateWorkflowPhase(
      status,
      WorkflowPhase.Failing,
      nowMs,
      messageOf(error),
      storedError(ExecutionError_ErrorKind.SYSTEM, "EventIncompatibleClusterError", messageOf(error)),
    );
    return;
  }
  status.failedAttempts = (status.failedAttempts ?? 0) + 1;
  status.message = messageOf(error).slice(0, 1024);
}

class WorkflowRound {
  readonly #executor: NodeExecutor;
  readonly #topLevel: DagScope;

  constructor(
    readonly x: RoundExecution,
    readonly workflow: WorkflowRuntime,
    handlers: HandlerLookup,
  ) {
    this.#executor = new NodeExecutor(x, handlers);
    const graph = workflow.closure.primary;
    this.#topLevel = {
      graph,
      statuses: workflow.status.nodes,
      dataDirOf: (nodeId) => nodeDataDir({ workflowDataDir: x.dataDir, nodeId }),
      parent: undefined,
      failFast: graph.failFast,
    };
  }

  get status(): WorkflowStatus {
    return this.workflow.status;
  }

  async run(): Promise<void> {
    const status = this.status;
    const failedAttempts = status.failedAttempts ?? 0;
    if (this.workflow.abortRequested || failedAttempts > MAX_WORKFLOW_RETRIES) {
      await this.#handleAborted();
      return;
    }
    switch (status.phase) {
      case WorkflowPhase.Ready:
        await this.#transition(await this.#handleReady());
        // The start node runs in the round the workflow started (propeller leaves it to the next round;
        // the events and the persisted statuses are the same, docs/compatibility.md).
        if (this.status.phase === WorkflowPhase.Running) await this.#running();
        return;
      case WorkflowPhase.Running:
        await this.#running();
        return;
      case WorkflowPhase.Succeeding:
        await this.#transition(this.#handleSucceeding());
        return;
      case WorkflowPhase.Failing:
        await this.#transitionTolerant(await this.#handleFailing());
        return;
      case WorkflowPhase.HandlingFailureNode:
        await this.#transitionTolerant(await this.#handleFailureNode());
        return;
      default:
        throw new Error(`Unsupported state [${WorkflowPhase[status.phase]}] for workflow`);
    }
  }

  /** A Running round; a DAG that completed goes on through Succeeding to Succeeded in the same round. */
  async #running(): Promise<void> {
    await this.#transition(await this.#handleRunning());
    if (this.status.phase === WorkflowPhase.Succeeding) await this.#transition(this.#handleSucceeding());
  }

  async #handleReady(): Promise<Status> {
    if (this.workflow.closure.primary.node(START_NODE_ID) === undefined) {
      return {
        to: WorkflowPhase.Failing,
        error: storedError(ExecutionError_ErrorKind.SYSTEM, "BadSpecificationError", "StartNode not found."),
      };
    }
    let inputs: LiteralMap;
    try {
      inputs =
        this.workflow.request.inputs ??
        (this.workflow.request.inputsUri === ""
          ? create(LiteralMapSchema)
          : await readProto(this.x.services.blobs, this.workflow.request.inputsUri, LiteralMapSchema));
    } catch (error) {
      return {
        to: WorkflowPhase.Failing,
        error: storedError(ExecutionError_ErrorKind.SYSTEM, "OffloadedInputsReadFailure", messageOf(error)),
      };
    }
    await writeProto(this.x.services.blobs, startNodeOutputsPath(this.x.dataDir), LiteralMapSchema, inputs);
    return { to: WorkflowPhase.Running };
  }

  async #handleRunning(): Promise<Status> {
    const state = await this.#executor.traverse(this.#topLevel, START_NODE_ID);
    if (state.kind === "failed") return { to: WorkflowPhase.Failing, error: storeError(state.error) };
    if (state.kind === "timedOut") {
      return {
        to: WorkflowPhase.Failing,
        error: storedError(ExecutionError_ErrorKind.USER, "Timeout", "Timeout in node"),
      };
    }
    if (state.kind === "complete" || this.#completedThisRound()) return { to: WorkflowPhase.Succeeding };
    return { to: WorkflowPhase.Running };
  }

  /**
   * The end node succeeded this round and every node of the DAG has succeeded (or was skipped or
   * recovered): propeller's next traversal would find the DAG complete with nothing left to do, so the
   * workflow moves on now instead of after one more round.
   */
  #completedThisRound(): boolean {
    const statuses = this.status.nodes;
    if (statuses[END_NODE_ID]?.phase !== NodePhase.Succeeded) return false;
    return dagSucceeded(this.workflow.closure.primary, statuses);
  }

  #handleSucceeding(): Status {
    const end = this.status.nodes[END_NODE_ID];
    if (end?.phase === NodePhase.Succeeded) this.status.outputRef = endNodeOutputsPath(this.x.dataDir);
    return { to: WorkflowPhase.Success };
  }

  async #handleFailing(): Promise<Status> {
    const error = errorOrDefault(this.status.error, this.status.message);
    await this.#executor.abortDag(this.#topLevel, START_NODE_ID, "Some node execution failed, auto-abort.");
    if (this.workflow.closure.primary.failureNode !== undefined) {
      return { to: WorkflowPhase.HandlingFailureNode, error };
    }
    return { to: WorkflowPhase.Failed, error };
  }

  async #handleFailureNode(): Promise<Status> {
    const error = errorOrDefault(this.status.error, this.status.message);
    const graph = this.workflow.closure.primary;
    const failureNode = graph.failureNode;
    if (failureNode === undefined) return { to: WorkflowPhase.Failed, error };
    const scope: DagScope = {
      ...this.#topLevel,
      graph: failureNodeGraph(graph, failureNode),
      originalError: loadError(error),
    };
    const state: DagStatus = await this.#executor.traverse(scope, failureNode.id);
    switch (state.kind) {
      case "failed":
        return { to: WorkflowPhase.Failed, error: storeError(state.error) };
      case "timedOut":
        return {
          to: WorkflowPhase.Failed,
          error: storedError(ExecutionError_ErrorKind.USER, "TimedOut", "FailureNode Timed-out"),
        };
      case "queued":
      case "running":
      case "partial":
        return { to: WorkflowPhase.HandlingFailureNode, error };
      default:
        return { to: WorkflowPhase.Failed, error };
    }
  }

  /** propeller's `HandleAbortedWorkflow`. */
  async #handleAborted(): Promise<void> {
    const failedAttempts = this.status.failedAttempts ?? 0;
    const exhausted = failedAttempts > MAX_WORKFLOW_RETRIES;
    const reason = this.workflow.abortRequested
      ? "Workflow aborted."
      : `max number of system retry attempts [${failedAttempts}/${MAX_WORKFLOW_RETRIES}] exhausted - system failure.`;
    let cleanupError: unknown;
    try {
      await this.#executor.abortDag(this.#topLevel, START_NODE_ID, reason);
    } catch (error) {
      if (!exhausted) throw error;
      cleanupError = error;
    }
    if (exhausted) {
      const message = `max number of system retry attempts [${failedAttempts}/${MAX_WORKFLOW_RETRIES}] exhausted. Last known status message: ${this.status.message ?? ""}`;
      await this.#transition({
        to: WorkflowPhase.Failed,
        error: storedError(
          ExecutionError_ErrorKind.SYSTEM,
          "Workflow abort failed",
          cleanupError === undefined ? message : `${message}; ${messageOf(cleanupError)}`,
        ),
      });
      return;
    }
    await this.#transition({ to: WorkflowPhase.Aborted });
  }

  /** Failing and failure-node rounds do not stall on an admin that lost the execution or its cluster. */
  async #transitionTolerant(next: Status): Promise<void> {
    try {
      await this.#transition(next);
    } catch (error) {
      if (!isEventError(error, "executionNotFound", "incompatibleCluster")) throw error;
    }
  }

  /** propeller's `TransitionToPhase`: the status change and its workflow event (sent first). */
  async #transition(next: Status): Promise<void> {
    const status = this.status;
    if (status.phase === next.to) return;
    const now = this.x.now();
    const previousError = status.error;
    const errorOf = (s: Status): StoredError =>
      ("error" in s ? s.error : undefined) ??
      previousError ??
      storedError(ExecutionError_ErrorKind.UNKNOWN, "RuntimeExecutionError", "Unknown error");
    const event = create(WorkflowExecutionEventSchema, {
      executionId: this.x.executionId,
      producerId: this.x.services.clusterId,
    });
    switch (next.to) {
      case WorkflowPhase.Ready:
        return;
      case WorkflowPhase.Running:
        event.phase = WorkflowExecution_Phase.RUNNING;
        updateWorkflowPhase(status, WorkflowPhase.Running, now, "Workflow Started");
        event.occurredAt = timestampFromMs(status.startedAt ?? now);
        break;
      case WorkflowPhase.Failing:
      case WorkflowPhase.HandlingFailureNode: {
        const error = errorOf(next);
        event.phase = WorkflowExecution_Phase.FAILING;
        event.outputResult = { case: "error", value: loadError(error) };
        updateWorkflowPhase(status, next.to, now, "", error);
        event.occurredAt = timestampFromMs(now);
        break;
      }
      case WorkflowPhase.Failed: {
        const error = errorOf(next);
        event.phase = WorkflowExecution_Phase.FAILED;
        event.outputResult = { case: "error", value: loadError(error) };
        updateWorkflowPhase(status, WorkflowPhase.Failed, now, "", error);
        event.occurredAt = timestampFromMs(status.stoppedAt ?? now);
        break;
      }
      case WorkflowPhase.Succeeding:
        event.phase = WorkflowExecution_Phase.SUCCEEDING;
        updateWorkflowPhase(status, WorkflowPhase.Succeeding, now, "");
        event.occurredAt = timestampFromMs(now);
        break;
      case WorkflowPhase.Success:
        event.phase = WorkflowExecution_Phase.SUCCEEDED;
        updateWorkflowPhase(status, WorkflowPhase.Success, now, "");
        if (status.outputRef !== undefined) event.outputResult = { case: "outputUri", value: status.outputRef };
        event.occurredAt = timestampFromMs(status.stoppedAt ?? now);
        break;
      case WorkflowPhase.Aborted:
        event.phase = WorkflowExecution_Phase.ABORTED;
        updateWorkflowPhase(status, WorkflowPhase.Aborted, now, "");
        event.occurredAt = timestampFromMs(status.stoppedAt ?? now);
        break;
    }
    try {
      await this.x.events.recordWorkflowEvent(event);
    } catch (error) {
      if (isEventError(error, "alreadyInTerminalState")) {
        const phaseName = WorkflowExecution_Phase[event.phase] ?? String(event.phase);
        const id = this.x.executionId;
        updateWorkflowPhase(
          status,
          WorkflowPhase.Failed,
          now,
          `workflow state mismatch between propeller and control plane; Propeller State: ${phaseName}, ExecutionId ${id.project}/${id.domain}/${id.name}`,
        );
        return;
      }
      if (
        (event.phase === WorkflowExecution_Phase.FAILING || event.phase === WorkflowExecution_Phase.FAILED) &&
        isEventError(error, "executionNotFound", "incompatibleCluster")
      ) {
        return;
      }
      if (error instanceof EventRecordingError) throw error;
      throw new Error(`failed to publish event: ${messageOf(error)}`, { cause: error });
    }
  }
}
