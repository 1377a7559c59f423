/**
 * One round of one workflow: the {@link ExecutionContext} handlers see, plus what the executor tracks
 * during the round (which node statuses changed, the max-parallelism counter, the earliest timer asked
 * for). Nothing here outlives the round.
 */
import type { ExecutionRequest } from "@aloft/db";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { EventRecorder } from "../events/event-recorder.js";
import type { EngineServices, ExecutionContext } from "../nodes/node-handler.js";
import type { NodeStatus } from "../state/workflow-status.js";
import type { ClosureIndex } from "./closure-index.js";

/** Inputs of {@link RoundExecution}. */
export interface RoundExecutionOptions {
  executionId: WorkflowExecutionIdentifier;
  request: ExecutionRequest;
  closure: ClosureIndex;
  dataDir: string;
  rawOutputPrefix: string;
  services: EngineServices;
  events: EventRecorder;
  nowMs: number;
  /** Called when a handler asks for another round as soon as possible. */
  wake: () => void;
}

export class RoundExecution implements ExecutionContext {
  readonly executionId;
  readonly request;
  readonly closure;
  readonly dataDir;
  readonly rawOutputPrefix;
  readonly eventVersion;
  readonly services;
  readonly events;
  readonly parallelism;
  readonly #nowMs: number;
  readonly #wake: () => void;
  readonly #dirty = new Set<NodeStatus>();
  #parallelism = 0;
  #wakeAtMs: number | undefined;

  constructor(options: RoundExecutionOptions) {
    this.executionId = options.executionId;
    this.request = options.request;
    this.closure = options.closure;
    this.dataDir = options.dataDir;
    this.rawOutputPrefix = options.rawOutputPrefix;
    this.eventVersion = options.request.eventVersion;
    this.services = options.services;
    this.events = options.events;
    this.#nowMs = options.nowMs;
    this.#wake = options.wake;
    const max = options.request.executionConfig?.maxParallelism ?? 0;
    this.parallelism = {
      max,
      current: () => this.#parallelism,
      increment: () => ++this.#parallelism,
    };
  }

  now(): number {
    return this.#nowMs;
  }

  wakeAt(epochMs: number): void {
    if (this.#wakeAtMs === undefined || epochMs < this.#wakeAtMs) this.#wakeAtMs = epochMs;
  }

  wake(): void {
    this.#wake();
  }

  /** The earliest timer asked for this round. */
  get wakeAtMs(): number | undefined {
    return this.#wakeAtMs;
  }

  /** Records that a node's status changed this round (propeller's `SetDirty`). */
  markDirty(status: NodeStatus): void {
    this.#dirty.add(status);
  }

  /** Whether a node's status changed this round. */
  isDirty(status: NodeStatus): boolean {
    return this.#dirty.has(status);
  }
}
