/**
 * Runs the rounds of every workflow this engine owns (propeller's controller loop, §2.3): hand-offs
 * claimed from admin's queue, a de-duplicating ready queue served by N workers, streaks of rounds while
 * a workflow makes progress, group-committed persistence, wake-ups (plugins, timers, `wake(id)`), a
 * backstop re-evaluation, leases renewed in one statement, and crash recovery at start.
 */
import { readProto } from "@aloft/storage";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { ExecutionError_ErrorKind, WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { WorkflowExecutionEventSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ClaimedHandOff, QueueConsumer } from "@aloft/db";
import { type ClosureIndex, indexClosure } from "../executor/closure-index.js";
import type { HandlerLookup } from "../executor/node-executor.js";
import { executeWorkflowRound, type WorkflowRuntime } from "../executor/workflow-round.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { EngineServices } from "../nodes/node-handler.js";
import { messageOf } from "../semantics/execution-errors.js";
import { WorkflowPhase } from "../state/phases.js";
import {
  loadError,
  newWorkflowStatus,
  parseWorkflowStatus,
  serializeWorkflowStatus,
  storedError,
  updateWorkflowPhase,
} from "../state/workflow-status.js";
import {
  type StoredWorkflow,
  type WorkflowKey,
  workflowKeyString,
  type WorkflowStore,
} from "../state/workflow-store.js";
import { type EngineStats, LatencySamples } from "./engine-stats.js";
import type { Logger } from "./logger.js";
import { ReadyQueue } from "./ready-queue.js";
import { SaveBatcher } from "./save-batcher.js";

/** Options of {@link WorkflowRunner}. */
export interface WorkflowRunnerOptions {
  store: WorkflowStore;
  queueConsumer: QueueConsumer;
  services: EngineServices;
  events: EventRecorder;
  handlers: HandlerLookup;
  owner: string;
  workers: number;
  maxStreak: number;
  leaseMs: number;
  reevalMs: number;
  /** First back-off after a failed round; doubles per failed round, at most 10 s. */
  roundRetryBackoffMs: number;
  logger: Logger;
  now: () => number;
  /** Aborted by `stop()`. */
  controller: AbortController;
  /** Called with a workflow's key once it reached a terminal phase and was saved (wakes launch-plan parents). */
  onTerminal?: (id: string) => void;
}

interface LiveWorkflow {
  readonly id: string;
  readonly key: WorkflowKey;
  readonly runtime: WorkflowRuntime;
  version: number;
  running: boolean;
  /** A wake-up arrived while a round ran: run again after it. */
  rerun: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Longest single timer (Node's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class WorkflowRunner {
  readonly #o: WorkflowRunnerOptions;
  readonly #workflows = new Map<string, LiveWorkflow>();
  readonly #queue = new ReadyQueue();
  readonly #batcher: SaveBatcher;
  readonly #latency = new LatencySamples();
  readonly #closures = new Map<string, ClosureIndex>();
  #stopping = false;
  #loops: Promise<unknown>[] = [];
  #leaseTimer: ReturnType<typeof setInterval> | undefined;
  #inFlight = 0;
  #rounds = 0;
  #roundErrors = 0;
  #lost = 0;

  constructor(options: WorkflowRunnerOptions) {
    this.#o = options;
    this.#batcher = new SaveBatcher(options.store, options.owner);
  }

  /** Reclaims this owner's workflows (crash restart) and unowned or expired ones, then starts the loops. */
  async start(): Promise<void> {
    const claimed = await this.#o.store.claim({ owner: this.#o.owner, leaseMs: this.#o.leaseMs, reclaimOwned: true });
    for (const stored of claimed) await this.#load(stored);
    for (let i = 0; i < Math.max(1, this.#o.workers); i++) this.#loops.push(this.#worker());
    this.#loops.push(this.#consume());
    this.#leaseTimer = setInterval(() => void this.#renewLeases(), Math.max(10, Math.floor(this.#o.leaseMs / 3)));
  }

  /** Finishes in-flight rounds, persists them, and lets other engines take the workflows over. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#o.controller.abort();
    this.#queue.releaseWaiters();
    if (this.#leaseTimer !== undefined) clearInterval(this.#leaseTimer);
    await Promise.allSettled(this.#loops);
    await this.#batcher.drain();
    for (const wf of this.#workflows.values()) if (wf.timer !== undefined) clearTimeout(wf.timer);
    this.#workflows.clear();
    await this.#o.store.releaseLeases(this.#o.owner).catch((error: unknown) => {
      this.#o.logger.warn({ err: error }, "could not release workflow leases");
    });
  }

  /** Asks for a round of the execution soon (a signal was set, a child execution changed, …). */
  wake(id: string): void {
    const wf = this.#workflows.get(id);
    if (wf === undefined || this.#stopping) return;
    if (wf.running) wf.rerun = true;
    else this.#queue.push(id);
  }

  stats(): EngineStats {
    return {
      activeWorkflows: this.#workflows.size,
      readyQueueDepth: this.#queue.size,
      roundsInFlight: this.#inFlight,
      rounds: this.#rounds,
      roundErrors: this.#roundErrors,
      savedRounds: this.#batcher.rows,
      saveTransactions: this.#batcher.transactions,
      lostWorkflows: this.#lost,
      roundLatencyMs: this.#latency.snapshot(),
    };
  }

  async #worker(): Promise<void> {
    while (!this.#stopping) {
      const id = this.#queue.shift();
      if (id === undefined) {
        await this.#queue.waitForKey();
        continue;
      }
      const wf = this.#workflows.get(id);
      if (wf === undefined) continue;
      if (wf.running) {
        wf.rerun = true;
        continue;
      }
      wf.running = true;
      this.#inFlight++;
      try {
        await this.#runStreak(wf);
      } catch (error) {
        this.#o.logger.error({ err: error, execution: id }, "workflow round failed unexpectedly");
        this.#armTimer(wf, this.#o.now() + 1000);
      } finally {
        wf.running = false;
        this.#inFlight--;
        if (wf.rerun && this.#workflows.has(id)) {
          wf.rerun = false;
          this.#queue.push(id);
        }
      }
    }
  }

  /** Rounds back to back while the workflow changes, up to `maxStreak` (propeller's streak). */
  async #runStreak(wf: LiveWorkflow): Promise<void> {
    for (let streak = 0; streak < this.#o.maxStreak && !this.#stopping; streak++) {
      wf.rerun = false;
      const started = performance.now();
      const result = await executeWorkflowRound({
        workflow: wf.runtime,
        services: this.#o.services,
        events: this.#o.events,
        handlers: this.#o.handlers,
        nowMs: this.#o.now(),
        wake: () => this.wake(wf.id),
      });
      this.#rounds++;
      if (result.error !== undefined) {
        this.#roundErrors++;
        this.#o.logger.warn({ err: result.error, execution: wf.id }, "workflow round failed; it will be retried");
      }
      if (result.changed) {
        const state = serializeWorkflowStatus(wf.runtime.status);
        const saved = await this.#batcher.save({
          key: wf.key,
          expectedVersion: wf.version,
          state,
          phase: wf.runtime.status.phase,
          done: result.terminal,
          wakeAtMs: result.wakeAtMs,
        });
        if (!saved.saved) {
          this.#lost++;
          this.#o.logger.warn({ execution: wf.id }, "workflow was taken over by another engine; dropping it");
          this.#drop(wf);
          return;
        }
        wf.version = saved.version;
        wf.runtime.persisted = state;
        if (saved.abortRequested) wf.runtime.abortRequested = true;
      }
      this.#latency.add(performance.now() - started);
      if (result.terminal) {
        this.#drop(wf);
        this.#o.onTerminal?.(wf.id);
        return;
      }
      if (result.error !== undefined) {
        // Back off failed rounds (doubling, at most 10 s) instead of spinning through the retry budget.
        const attempts = wf.runtime.status.failedAttempts ?? 1;
        const backoff = Math.min(10_000, this.#o.roundRetryBackoffMs * 2 ** Math.max(0, Math.min(20, attempts - 1)));
        this.#armTimer(wf, this.#o.now() + backoff);
        return;
      }
      this.#armTimer(wf, result.wakeAtMs);
      if (!result.changed && !wf.rerun) return;
    }
    if (!this.#stopping) wf.rerun = true;
  }

  /** One timer per workflow: its earliest wake-up, or the backstop re-evaluation. */
  #armTimer(wf: LiveWorkflow, wakeAtMs: number | undefined): void {
    if (wf.timer !== undefined) clearTimeout(wf.timer);
    const now = this.#o.now();
    const at = Math.min(wakeAtMs ?? Number.POSITIVE_INFINITY, now + this.#o.reevalMs);
    wf.timer = setTimeout(
      () => {
        wf.timer = undefined;
        this.wake(wf.id);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - now)),
    );
    wf.timer.unref?.();
  }

  #drop(wf: LiveWorkflow): void {
    if (wf.timer !== undefined) clearTimeout(wf.timer);
    wf.timer = undefined;
    this.#workflows.delete(wf.id);
    this.#queue.delete(wf.id);
  }

  async #load(stored: StoredWorkflow): Promise<void> {
    const id = workflowKeyString(stored.key);
    if (this.#workflows.has(id)) return;
    let closure: ClosureIndex;
    try {
      closure = await this.#closureOf(stored);
    } catch (error) {
      await this.#failUnloadable(stored, error);
      return;
    }
    const wf: LiveWorkflow = {
      id,
      key: stored.key,
      runtime: {
        request: stored.request,
        closure,
        status: parseWorkflowStatus(stored.state),
        persisted: stored.state,
        abortRequested: stored.abortRequested,
      },
      version: stored.version,
      running: false,
      rerun: false,
      timer: undefined,
    };
    this.#workflows.set(id, wf);
    this.#queue.push(id);
  }

  async #closureOf(stored: StoredWorkflow): Promise<ClosureIndex> {
    const request = stored.request;
    if (request.workflowClosure !== undefined) return indexClosure(request.workflowClosure);
    const uri = request.workflowClosureUri;
    if (uri === undefined) throw new Error("the execution request has neither a workflow closure nor its URI");
    let index = this.#closures.get(uri);
    if (index === undefined) {
      index = indexClosure(await readProto(this.#o.services.blobs, uri, CompiledWorkflowClosureSchema));
      // Closures are immutable per URI; keep a bounded number.
      if (this.#closures.size >= 1000) this.#closures.delete(this.#closures.keys().next().value!);
      this.#closures.set(uri, index);
    }
    return index;
  }

  /** A workflow whose closure cannot be read fails at once (reported to admin, best effort). */
  async #failUnloadable(stored: StoredWorkflow, cause: unknown): Promise<void> {
    const now = this.#o.now();
    const status = parseWorkflowStatus(stored.state);
    const error = storedError(ExecutionError_ErrorKind.SYSTEM, "BadSpecificationError", messageOf(cause));
    updateWorkflowPhase(status, WorkflowPhase.Failed, now, "", error);
    await this.#o.events
      .recordWorkflowEvent(
        create(WorkflowExecutionEventSchema, {
          executionId: stored.request.executionId,
          producerId: this.#o.services.clusterId,
          phase: WorkflowExecution_Phase.FAILED,
          occurredAt: timestampFromMs(now),
          outputResult: { case: "error", value: loadError(error) },
        }),
      )
      .catch(() => undefined);
    await this.#batcher.save({
      key: stored.key,
      expectedVersion: stored.version,
      state: serializeWorkflowStatus(status),
      phase: status.phase,
      done: true,
      wakeAtMs: undefined,
    });
  }

  /** Claims hand-offs from admin's queue until stopped. */
  async #consume(): Promise<void> {
    const consumer = this.#o.queueConsumer;
    const signal = this.#o.controller.signal;
    while (!this.#stopping) {
      let items: ClaimedHandOff[];
      try {
        items = await consumer.claim({ limit: 64, leaseMs: this.#o.leaseMs });
      } catch (error) {
        this.#o.logger.error({ err: error }, "claiming hand-offs failed");
        await sleep(1000, signal);
        continue;
      }
      for (const item of items) {
        try {
          await this.#handOff(item);
          await consumer.complete(item);
        } catch (error) {
          this.#o.logger.warn({ err: error, handOff: item.id }, "hand-off failed; it will be retried");
          await consumer.release(item, { delayMs: 1000, error: messageOf(error) }).catch(() => false);
        }
      }
      if (items.length === 0 && !this.#stopping) await consumer.waitForWork({ signal });
    }
  }

  async #handOff(item: ClaimedHandOff): Promise<void> {
    const id = item.request.executionId;
    const key: WorkflowKey = { project: id.project, domain: id.domain, name: id.name };
    const keyString = workflowKeyString(key);
    if (item.kind === "abort") {
      await this.#o.store.markAbortRequested(key, item.request.cause);
      const wf = this.#workflows.get(keyString);
      if (wf !== undefined) {
        wf.runtime.abortRequested = true;
        this.wake(keyString);
      }
      return;
    }
    const initialState = serializeWorkflowStatus(newWorkflowStatus());
    const inserted = await this.#o.store.insertIfAbsent({
      request: item.request,
      initialState,
      owner: this.#o.owner,
      leaseMs: this.#o.leaseMs,
    });
    if (inserted) {
      await this.#load({
        key,
        request: item.request,
        state: initialState,
        version: 0,
        abortRequested: false,
        abortCause: undefined,
        wakeAtMs: undefined,
      });
      return;
    }
    // A duplicate hand-off: the workflow exists. Take it if nobody runs it (e.g. we crashed after inserting).
    if (this.#workflows.has(keyString)) return;
    const claimed = await this.#o.store.claim({
      owner: this.#o.owner,
      leaseMs: this.#o.leaseMs,
      reclaimOwned: true,
      keys: [key],
    });
    for (const stored of claimed) await this.#load(stored);
  }

  /** Keeps leases alive (one UPDATE), learns of abort requests, and takes over abandoned workflows. */
  async #renewLeases(): Promise<void> {
    if (this.#stopping) return;
    try {
      const before = new Set(this.#workflows.keys());
      const held = await this.#o.store.renewLeases(this.#o.owner, this.#o.leaseMs);
      const heldIds = new Set<string>();
      for (const row of held) {
        const id = workflowKeyString(row.key);
        heldIds.add(id);
        const wf = this.#workflows.get(id);
        if (wf !== undefined && row.abortRequested && !wf.runtime.abortRequested) {
          wf.runtime.abortRequested = true;
          this.wake(id);
        }
      }
      for (const wf of [...this.#workflows.values()]) {
        if (before.has(wf.id) && !heldIds.has(wf.id) && !wf.running) {
          this.#lost++;
          this.#drop(wf);
        }
      }
      const orphans = await this.#o.store.claim({
        owner: this.#o.owner,
        leaseMs: this.#o.leaseMs,
        reclaimOwned: false,
        limit: 256,
      });
      for (const stored of orphans) await this.#load(stored);
    } catch (error) {
      this.#o.logger.warn({ err: error }, "renewing workflow leases failed");
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
