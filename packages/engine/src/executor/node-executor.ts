/**
 * The DAG traversal and node lifecycle of propeller (controller/nodes/executor.go): `RecursiveNodeHandler`,
 * `handleDownstream`, `HandleNode` with its per-phase steps, retries, deadlines, caching around cacheable
 * handlers, node events, and the abort / finalize traversals.
 */
import { create } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import {
  CatalogCacheStatus,
  CatalogReservation_Status,
  type CatalogMetadata,
} from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  LiteralMapSchema,
  LiteralSchema,
  ScalarSchema,
  type LiteralMap,
} from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { SimpleType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { TaskNodeMetadataSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import {
  END_NODE_ID,
  generatedName,
  inputsPath,
  nodeOutputDir,
  outputsPath,
  readProto,
  START_NODE_ID,
  uniqueNodeId,
  writeProto,
} from "@aloft/storage";
import { isEventError } from "../events/event-recorder.js";
import { buildNodeEvent, nodeEventPhase } from "../events/node-event.js";
import type {
  DagScope,
  DagStatus,
  ExecutionContext,
  HandlerPhase,
  NodeCacheInfo,
  NodeContext,
  NodeHandler,
  NodeKind,
  NodeStateAccess,
  SubDag,
  Transition,
} from "../nodes/node-handler.js";
import { isTerminalHandlerPhase, toNodePhase } from "../nodes/handler-phase.js";
import { nodeKindOf } from "../nodes/node-handler.js";
import { executionWithClosure } from "../nodes/execution-with-closure.js";
import { attemptRecovery } from "../nodes/recovery.js";
import { formatGoDuration } from "../semantics/go-format.js";
import { messageOf, systemError, userError } from "../semantics/execution-errors.js";
import { MAX_SYSTEM_FAILURES, retryDecision, minAttemptsOf } from "../semantics/retry-budget.js";
import { resolveBindings } from "../semantics/resolve-bindings.js";
import { isHandleableNodePhase, isTerminalNodePhase, NodePhase } from "../state/phases.js";
import {
  loadError,
  nodeStatusIn,
  storeError,
  updateNodePhase,
  type NodeStatus,
  type NodeStatusMap,
} from "../state/workflow-status.js";
import type { RoundExecution } from "./round-execution.js";

const COMPLETE: DagStatus = { kind: "complete" };
const PARTIAL: DagStatus = { kind: "partial" };
const PENDING: DagStatus = { kind: "pending" };
const RUNNING: DagStatus = { kind: "running" };
const QUEUED: DagStatus = { kind: "queued" };
const TIMED_OUT: DagStatus = { kind: "timedOut" };

/** Reason of nodes waiting for another execution's cache reservation (propeller's `cacheSerializedReason`). */
export const WAITING_ON_SERIALIZED_CACHE = "waiting on serialized cache";

/** The node handlers of an engine, by kind. */
export type HandlerLookup = (kind: NodeKind) => NodeHandler | undefined;

/** Runs DAGs and nodes for one round. */
export class NodeExecutor {
  readonly #handlers: HandlerLookup;
  /** Visited nodes of each DAG this round: a node reached twice (a diamond) is not handled twice. */
  readonly #visited = new WeakMap<DagScope, Map<string, DagStatus>>();

  constructor(
    readonly x: RoundExecution,
    handlers: HandlerLookup,
  ) {
    this.#handlers = handlers;
  }

  /** propeller's `RecursiveNodeHandler`. */
  async traverse(scope: DagScope, nodeId: string): Promise<DagStatus> {
    let visited = this.#visited.get(scope);
    if (visited === undefined) this.#visited.set(scope, (visited = new Map()));
    const seen = visited.get(nodeId);
    if (seen !== undefined) return seen;
    const result = await this.#traverse(scope, nodeId);
    visited.set(nodeId, result);
    return result;
  }

  async #traverse(scope: DagScope, nodeId: string): Promise<DagStatus> {
    const node = scope.graph.node(nodeId);
    if (node === undefined) {
      return failed(systemError("BadSpecificationError", `failed to retrieve node [${nodeId}]`));
    }
    const status = nodeStatusIn(scope.statuses, nodeId);
    const phase = status.phase;
    if (isHandleableNodePhase(phase)) {
      if (this.x.isDirty(status)) return RUNNING;
      const kind = nodeKindOf(node);
      if (kind === undefined) {
        return failed(systemError("UnsupportedNode", `node [${nodeId}] has no supported target`));
      }
      if (this.#maxParallelismReached(kind)) return RUNNING;
      const handler = this.#handlers(kind);
      if (handler === undefined) {
        return failed(systemError("UnsupportedNode", `no handler for ${kind} node [${nodeId}] is available`));
      }
      return this.#handleNode(this.nodeContext(scope, node, status), handler);
    }
    if (phase === NodePhase.Succeeded || phase === NodePhase.Skipped || phase === NodePhase.Recovered) {
      return this.#handleDownstream(scope, nodeId);
    }
    if (phase === NodePhase.Failed) {
      await this.#handleDownstream(scope, nodeId);
      return failed(status.error === undefined ? unknownNodeError() : loadError(status.error));
    }
    if (phase === NodePhase.TimedOut) {
      await this.#handleDownstream(scope, nodeId);
      return TIMED_OUT;
    }
    throw new Error(`Should never reach here. Current Phase: ${NodePhase[phase]}`);
  }

  #maxParallelismReached(kind: NodeKind): boolean {
    const { max, current } = this.x.parallelism;
    if (max === 0) return false;
    return (kind === "task" || kind === "array" || kind === "launchplan") && current() >= max;
  }

  /** propeller's `handleDownstream`. */
  async #handleDownstream(scope: DagScope, nodeId: string): Promise<DagStatus> {
    const downstream = scope.graph.downstream(nodeId);
    if (downstream.length === 0) return COMPLETE;
    let allCompleted = true;
    let partial = false;
    let onComplete: DagStatus = COMPLETE;
    for (const childId of downstream) {
      if (scope.graph.node(childId) === undefined) {
        return failed(
          systemError("BadSpecificationError", `failed to retrieve downstream node [${childId}] for [${nodeId}]`),
        );
      }
      const state = await this.traverse(scope, childId);
      if (state.kind === "failed" || state.kind === "timedOut") {
        if (scope.failFast) return state;
        onComplete = state;
      } else if (state.kind !== "complete") {
        allCompleted = false;
      }
      if (state.kind === "partial") partial = true;
    }
    if (allCompleted) return onComplete;
    return partial ? PARTIAL : PENDING;
  }

  /** propeller's `AbortHandler`: aborts every running node reachable from `nodeId`. */
  async abortDag(scope: DagScope, nodeId: string, reason: string): Promise<void> {
    const node = scope.graph.node(nodeId);
    const status = scope.statuses[nodeId];
    if (node === undefined || status === undefined || status.phase === NodePhase.NotYetStarted) return;
    if (isHandleableNodePhase(status.phase)) {
      const handler = this.#handlerOf(node);
      await this.#abort(this.nodeContext(scope, node, status), handler, reason, true);
      return;
    }
    if (
      status.phase === NodePhase.Succeeded ||
      status.phase === NodePhase.Skipped ||
      status.phase === NodePhase.Recovered
    ) {
      const errors: unknown[] = [];
      for (const childId of scope.graph.downstream(nodeId)) {
        await this.abortDag(scope, childId, reason).catch((error: unknown) => errors.push(error));
      }
      if (errors.length > 0) throw errors[0];
    }
  }

  /** propeller's `FinalizeHandler`. */
  async finalizeDag(scope: DagScope, nodeId: string): Promise<void> {
    const node = scope.graph.node(nodeId);
    const status = scope.statuses[nodeId];
    if (node === undefined || status === undefined || status.phase === NodePhase.NotYetStarted) return;
    if (isHandleableNodePhase(status.phase)) {
      await this.#handlerOf(node).finalize(this.nodeContext(scope, node, status));
      return;
    }
    for (const childId of scope.graph.downstream(nodeId)) await this.finalizeDag(scope, childId);
  }

  #handlerOf(node: Node): NodeHandler {
    const kind = nodeKindOf(node);
    const handler = kind === undefined ? undefined : this.#handlers(kind);
    if (handler === undefined) throw new Error(`no handler for node [${node.id}]`);
    return handler;
  }

  /** propeller's `HandleNode`. */
  async #handleNode(ctx: BuiltNodeContext, handler: NodeHandler): Promise<DagStatus> {
    const status = ctx.status;
    const phase = status.phase;
    const now = this.x.now();
    if (phase === NodePhase.NotYetStarted && ctx.nodeId !== START_NODE_ID) {
      const result = await this.#handleNotYetStarted(ctx, handler);
      if (result.kind !== "queued") return result;
      if (!this.#runsOnceQueued(ctx, handler)) {
        this.x.parallelism.increment();
        return result;
      }
      const counted = this.x.parallelism.current();
      const next = await this.#handleQueuedOrRunning(ctx, handler, true);
      // Counted once: by its handler when it still runs, else as the node queued this round.
      if (this.x.parallelism.current() === counted) this.x.parallelism.increment();
      return next;
    }
    if (phase === NodePhase.Failing) {
      await this.#abort(ctx, handler, "node failing", false);
      this.#setPhase(status, NodePhase.Failed, now, status.message ?? "", undefined);
      return failed(status.error === undefined ? unknownNodeError() : loadError(status.error));
    }
    if (phase === NodePhase.TimingOut) {
      await this.#abort(ctx, handler, "node timed out", false);
      this.#setPhase(status, NodePhase.TimedOut, now, status.message ?? "", undefined);
      return TIMED_OUT;
    }
    if (phase === NodePhase.Succeeding) {
      await handler.finalize(ctx);
      this.#setPhase(status, NodePhase.Succeeded, now, "completed successfully", undefined);
      return PARTIAL;
    }
    if (phase === NodePhase.RetryableFailure) return this.#handleRetryableFailure(ctx, handler);
    return this.#handleQueuedOrRunning(ctx, handler);
  }

  /**
   * Whether a node queued this round also takes its first Queued step in this round. propeller persists
   * Queued and handles it in the next round; the events (QUEUED, then the handler's) and the statuses
   * persisted afterwards are the same, one round earlier (docs/compatibility.md). Not for a cacheable
   * node: its NotYetStarted and Queued rounds each consult the cache.
   */
  #runsOnceQueued(ctx: BuiltNodeContext, handler: NodeHandler): boolean {
    return this.#cacheInfoOf(ctx, handler) === undefined;
  }

  #setPhase(status: NodeStatus, phase: NodePhase, atMs: number, reason: string, error: ExecutionError | undefined) {
    if (updateNodePhase(status, phase, atMs, reason, error === undefined ? undefined : storeError(error))) {
      this.x.markDirty(status);
    }
  }

  async #handleNotYetStarted(ctx: BuiltNodeContext, handler: NodeHandler): Promise<DagStatus> {
    const occurredAtMs = this.x.now();
    let p = await this.#preExecute(ctx);
    if (p === "notReady") return PENDING;
    let cacheHit = false;
    const cache = p.phase === "queued" ? this.#cacheInfoOf(ctx, handler) : undefined;
    if (cache?.cacheable === true) {
      if (this.#overwriteCache()) {
        p = { ...p, info: { taskNodeMetadata: taskMetadata(CatalogCacheStatus.CACHE_SKIPPED) } };
      } else {
        const lookup = await this.#cacheLookup(ctx, cache);
        if (lookup.hit) {
          cacheHit = true;
          p = { phase: "success", info: lookup.info };
        } else {
          p = { ...p, info: lookup.info };
        }
      }
    }
    let np = toNodePhase(p.phase);
    if (np === NodePhase.Succeeding && (!handler.finalizeRequired || cacheHit)) np = NodePhase.Succeeded;
    if (np !== ctx.status.phase) {
      await this.#recordNodeEvent(ctx, { ...p, occurredAtMs });
      this.#updateNodeStatus(ctx, np, { ...p, occurredAtMs });
    }
    if (np === NodePhase.Queued) return QUEUED;
    if (np === NodePhase.Skipped || np === NodePhase.Succeeded || np === NodePhase.Recovered) return PARTIAL;
    if (np === NodePhase.Failing) return PENDING;
    return PENDING;
  }

  /** propeller's `preExecute`: readiness, inputs, `inputs.pb`. */
  async #preExecute(ctx: BuiltNodeContext): Promise<PhaseResult | "notReady"> {
    const predicate = this.#canExecute(ctx);
    if (predicate === "notReady") return "notReady";
    if (predicate === "skip") return { phase: "skip", reason: "Node Skipped as parent node was skipped" };
    if (ctx.nodeId !== START_NODE_ID) {
      // Recovery mode (§4.4): a node that succeeded in the recovered execution is not run again (engine-nodes).
      if (this.x.request.recoveryExecution !== undefined) {
        const recovered = await attemptRecovery(ctx);
        if (recovered !== undefined) return recovered;
      }
      await this.loadProducerOutputs(ctx.scope, ctx.node);
      let inputs: LiteralMap;
      try {
        inputs = resolveBindings(ctx.nodeId, ctx.node.inputs, {
          producer: (producerId) => this.#producerOutputs(ctx.scope, producerId),
        });
      } catch (error) {
        return {
          phase: "failed",
          error: systemError("BindingResolutionFailure", messageOf(error)),
        };
      }
      if (ctx.scope.originalError !== undefined) substituteErrorInput(inputs, ctx.nodeId, ctx.scope.originalError);
      await writeProto(this.x.services.blobs, ctx.inputsPath, LiteralMapSchema, inputs);
      ctx.cacheInputs(inputs);
    }
    return { phase: "queued", reason: "node queued" };
  }

  /** Outputs of a producer node of `scope` (read from its output dir; cached for the round). */
  #producerOutputs(scope: DagScope, producerId: string): ReturnType<ProducerLookup> {
    const node = scope.graph.node(producerId);
    if (node === undefined) return undefined;
    const cached = this.#outputs.get(scope)?.get(producerId);
    return { outputs: cached, aliases: node.outputAliases };
  }

  readonly #outputs = new WeakMap<DagScope, Map<string, LiteralMap>>();

  /** Reads the outputs of every upstream producer a node's bindings name (before resolution, which is sync). */
  async loadProducerOutputs(scope: DagScope, node: Node): Promise<void> {
    const ids = new Set<string>();
    const walk = (data: Node["inputs"][number]["binding"]): void => {
      const value = data?.value;
      if (value?.case === "promise") ids.add(value.value.nodeId);
      else if (value?.case === "collection") for (const b of value.value.bindings) walk(b);
      else if (value?.case === "map") for (const b of Object.values(value.value.bindings)) walk(b);
    };
    for (const binding of node.inputs) walk(binding.binding);
    let map = this.#outputs.get(scope);
    if (map === undefined) this.#outputs.set(scope, (map = new Map()));
    for (const id of ids) {
      if (map.has(id)) continue;
      const status = scope.statuses[id];
      if (status?.phase !== NodePhase.Succeeded && status?.phase !== NodePhase.Recovered) continue;
      const dir = nodeOutputDir({ nodeDataDir: scope.dataDirOf(id), attempt: status.attempts ?? 0 });
      const outputs = await readProto(this.x.services.blobs, outputsPath(dir), LiteralMapSchema).catch(() => undefined);
      if (outputs !== undefined) map.set(id, outputs);
    }
  }

  /** propeller's `CanExecute`. */
  #canExecute(ctx: BuiltNodeContext): "ready" | "notReady" | "skip" {
    if (ctx.nodeId === START_NODE_ID) return "ready";
    const { graph, statuses } = ctx.scope;
    let skipped = false;
    for (const upstreamId of graph.upstream(ctx.nodeId)) {
      const upstreamNode = graph.node(upstreamId);
      if (upstreamNode === undefined)
        throw new Error(`Upstream node [${upstreamId}] of node [${ctx.nodeId}] not defined`);
      const upstream = nodeStatusIn(statuses, upstreamId);
      if (this.x.isDirty(upstream)) return "notReady";
      if (upstreamNode.target.case === "branchNode" && upstream.branch !== undefined) {
        if (upstream.branch.phase !== 1) return "notReady";
        if (ctx.status.parentNode === upstreamId) continue;
      }
      const phase = upstream.phase;
      if (phase === NodePhase.Skipped || phase === NodePhase.Failed || phase === NodePhase.TimedOut) skipped = true;
      else if (phase !== NodePhase.Succeeded && phase !== NodePhase.Recovered) return "notReady";
    }
    return skipped ? "skip" : "ready";
  }

  #overwriteCache(): boolean {
    return this.x.request.executionConfig?.overwriteCache === true;
  }

  #cacheInfoOf(ctx: BuiltNodeContext, handler: NodeHandler): NodeCacheInfo | undefined {
    if (this.x.services.taskCache === undefined) return undefined;
    const info = handler.cacheInfo?.(ctx);
    return info?.cacheable === true ? info : undefined;
  }

  async #cacheLookup(
    ctx: BuiltNodeContext,
    cache: NodeCacheInfo,
  ): Promise<{ hit: boolean; info: { taskNodeMetadata: ReturnType<typeof taskMetadata>; outputUri?: string } }> {
    const taskCache = this.x.services.taskCache!;
    const lookup = await taskCache.lookup(await cache.request(ctx));
    if (lookup.status === CatalogCacheStatus.CACHE_HIT) {
      await writeProto(this.x.services.blobs, ctx.outputsPath, LiteralMapSchema, lookup.outputs);
      if (!ctx.status.cached) {
        ctx.status.cached = true;
        this.x.markDirty(ctx.status);
      }
      return {
        hit: true,
        info: {
          outputUri: ctx.outputsPath,
          taskNodeMetadata: taskMetadata(CatalogCacheStatus.CACHE_HIT, lookup.metadata),
        },
      };
    }
    return { hit: false, info: { taskNodeMetadata: taskMetadata(CatalogCacheStatus.CACHE_MISS, lookup.metadata) } };
  }

  /** `firstCall`: the node was NotYetStarted or Queued when the round began (its handler had not run yet). */
  async #handleQueuedOrRunning(ctx: BuiltNodeContext, handler: NodeHandler, firstCall = false): Promise<DagStatus> {
    const status = ctx.status;
    const currentPhase = status.phase;
    firstCall ||= currentPhase === NodePhase.Queued;
    let p: PhaseResult | undefined;
    let cacheStatus: CatalogCacheStatus | undefined;
    let catalogKey: ReturnType<typeof taskMetadata>["catalogKey"];
    let reservation: CatalogReservation_Status | undefined;
    const cache = this.#cacheInfoOf(ctx, handler);
    const overwrite = this.#overwriteCache();
    if (cache !== undefined) {
      if (currentPhase === NodePhase.Queued && cache.serializable && !overwrite) {
        const lookup = await this.#cacheLookup(ctx, cache);
        cacheStatus = lookup.info.taskNodeMetadata.cacheStatus;
        catalogKey = lookup.info.taskNodeMetadata.catalogKey;
        if (lookup.hit) p = { phase: "success", info: lookup.info };
      }
      if (cache.serializable && !overwrite && cacheStatus !== CatalogCacheStatus.CACHE_HIT) {
        reservation = await this.x.services.taskCache!.reserve(await cache.request(ctx), ctx.generatedName);
        if (reservation === CatalogReservation_Status.RESERVATION_EXISTS) {
          p = { phase: "queued", reason: WAITING_ON_SERIALIZED_CACHE };
        }
      }
    }
    if (
      currentPhase !== NodePhase.Queued ||
      (cacheStatus !== CatalogCacheStatus.CACHE_HIT && reservation !== CatalogReservation_Status.RESERVATION_EXISTS)
    ) {
      p = await this.#execute(ctx, handler);
    }
    if (p === undefined) throw new Error(`received undefined phase for node [${ctx.nodeId}]`);
    if (p.phase === "success" && cache !== undefined && cacheStatus !== CatalogCacheStatus.CACHE_HIT) {
      const request = await cache.request(ctx);
      const outputs = await readProto(this.x.services.blobs, ctx.outputsPath, LiteralMapSchema).catch(() =>
        create(LiteralMapSchema),
      );
      const put = await this.x.services.taskCache!.put(request, outputs, { overwrite });
      cacheStatus = put.status;
      catalogKey = put.metadata;
      if (cache.serializable) {
        reservation = await this.x.services.taskCache!.release(request, ctx.generatedName).catch(() => reservation);
      }
    }
    if (cacheStatus !== undefined || reservation !== undefined) {
      const metadata = create(TaskNodeMetadataSchema, p.info?.taskNodeMetadata ?? {});
      if (cacheStatus !== undefined) metadata.cacheStatus = cacheStatus;
      if (catalogKey !== undefined) metadata.catalogKey = catalogKey;
      if (reservation !== undefined) metadata.reservationStatus = reservation;
      p = { ...p, info: { ...p.info, taskNodeMetadata: metadata } };
    }

    let np = toNodePhase(p.phase);
    const execError = p.error;
    if (
      execError !== undefined &&
      (currentPhase === NodePhase.Running ||
        currentPhase === NodePhase.Queued ||
        currentPhase === NodePhase.DynamicRunning)
    ) {
      if (execError.kind === ExecutionError_ErrorKind.SYSTEM) {
        // propeller counts a permanent SYSTEM failure twice; kept for fidelity.
        status.systemFailures = (status.systemFailures ?? 0) + (np === NodePhase.Failing ? 2 : 1);
        this.x.markDirty(status);
      }
    }
    let result: DagStatus = RUNNING;
    if (np === NodePhase.Failing && !handler.finalizeRequired) {
      np = NodePhase.Failed;
      result = failed(execError ?? unknownNodeError());
    }
    if (np === NodePhase.TimingOut && !handler.finalizeRequired) {
      np = NodePhase.TimedOut;
      result = TIMED_OUT;
    }
    if (np === NodePhase.Succeeding && (!handler.finalizeRequired || cacheStatus === CatalogCacheStatus.CACHE_HIT)) {
      np = NodePhase.Succeeded;
      result = PARTIAL;
    }
    if (np === NodePhase.Recovered) result = PARTIAL;

    if (np !== status.phase && np !== NodePhase.RetryableFailure) {
      try {
        await this.#recordNodeEvent(ctx, p);
      } catch (error) {
        if (!isEventError(error, "tooLarge", "invalidArgument")) throw error;
        // An event admin cannot take (too large, invalid) fails the node instead of the round.
        np = NodePhase.Failing;
        p = { phase: "failed", error: userError("NodeFailed", messageOf(error)), info: p.info };
        await this.#recordNodeEvent(ctx, { phase: "failed", error: p.error! });
        result = RUNNING;
      }
    }
    this.#updateNodeStatus(ctx, np, p);
    if (np === NodePhase.Succeeding && (firstCall || p.finalizeNow === true)) {
      // Succeeded on the handler's first call (nothing external outlives the call), or the plugin's finalize
      // removes nothing a replay of this round would look at (a crash before the save is then no different
      // from a crash before a Succeeding save): the Succeeding round (finalize, then Succeeded; no event)
      // runs now.
      await handler.finalize(ctx);
      this.#setPhase(status, NodePhase.Succeeded, this.x.now(), "completed successfully", undefined);
      result = PARTIAL;
    }
    return result;
  }

  /** propeller's `execute`: the handler's round, then deadlines and the retry budget. */
  async #execute(ctx: BuiltNodeContext, handler: NodeHandler): Promise<PhaseResult> {
    const t = await handler.handle(ctx);
    let p: PhaseResult = { ...t };
    if (!isTerminalHandlerPhase(p.phase)) {
      const timeout = ctx.node.metadata?.timeout;
      const executionDeadlineMs = timeout === undefined ? 0 : durationMs(timeout);
      const activeDeadlineMs = 2 * executionDeadlineMs;
      const now = this.x.now();
      const queuedAt = ctx.status.queuedAt;
      const attemptStartedAt = ctx.status.laStartedAt;
      if (activeDeadlineMs > 0 && queuedAt !== undefined) {
        if (queuedAt + activeDeadlineMs < now) {
          return {
            phase: "timedOut",
            reason: `task active timeout [${formatGoDuration(BigInt(activeDeadlineMs) * 1_000_000n)}] expired`,
          };
        }
        this.x.wakeAt(queuedAt + activeDeadlineMs + 1);
      }
      if (executionDeadlineMs > 0) {
        if (attemptStartedAt !== undefined && attemptStartedAt + executionDeadlineMs < now) {
          p = {
            phase: "retryableFailure",
            error: userError(
              "TimeoutExpired",
              `task execution timeout [${formatGoDuration(BigInt(executionDeadlineMs) * 1_000_000n)}] expired`,
            ),
            info: p.info,
          };
        } else {
          this.x.wakeAt((attemptStartedAt ?? now) + executionDeadlineMs + 1);
        }
      }
    }
    if (p.phase === "retryableFailure") {
      const error = p.error ?? unknownNodeError();
      const task = ctx.node.target.case === "taskNode" ? ctx.taskTemplate() : undefined;
      const decision = retryDecision(error, {
        attempts: ctx.status.attempts ?? 0,
        systemFailures: ctx.status.systemFailures ?? 0,
        minAttempts: minAttemptsOf(ctx.node, task),
      });
      if (!decision.retry) return { phase: "failed", error: decision.error, info: p.info };
      // The retry starts from scratch: pending sub-state writes are dropped, the attempt start is cleared.
      ctx.discardStateWrites();
      if (ctx.status.laStartedAt !== undefined) {
        delete ctx.status.laStartedAt;
        this.x.markDirty(ctx.status);
      }
      return { ...p, error };
    }
    return p;
  }

  /** propeller's `handleRetryableFailure`: abort and finalize the attempt, then start the next one. */
  async #handleRetryableFailure(ctx: BuiltNodeContext, handler: NodeHandler): Promise<DagStatus> {
    const status = ctx.status;
    await this.#abort(ctx, handler, status.message ?? "", false);
    status.attempts = (status.attempts ?? 0) + 1;
    updateNodePhase(status, NodePhase.Running, this.x.now(), "retrying");
    delete status.nodes;
    delete status.task;
    delete status.workflow;
    delete status.dynamic;
    delete status.gate;
    delete status.array;
    this.x.markDirty(status);
    return PENDING;
  }

  /** propeller's `nodeExecutor.Abort`: abort and finalize, and with `final` an ABORTED event. */
  async #abort(ctx: BuiltNodeContext, handler: NodeHandler, reason: string, final: boolean): Promise<void> {
    try {
      await handler.abort(ctx, reason);
    } finally {
      await handler.finalize(ctx);
    }
    if (!final) return;
    const now = this.x.now();
    const event = buildNodeEvent({
      ...this.#eventBase(ctx),
      phase: NodeExecution_Phase.ABORTED,
      occurredAtMs: now,
      reportedAtMs: now,
      error: create(ExecutionErrorSchema, { code: "NodeAborted", message: reason }),
    });
    try {
      await this.x.events.recordNodeEvent(event);
    } catch (error) {
      if (!isEventError(error, "executionNotFound", "incompatibleCluster", "alreadyInTerminalState")) throw error;
    }
  }

  #eventBase(ctx: BuiltNodeContext) {
    return {
      executionId: this.x.executionId,
      node: ctx.node,
      uniqueId: ctx.uniqueId,
      parent: ctx.scope.parent,
      eventVersion: this.x.eventVersion,
      producerId: this.x.services.clusterId,
      inputUri: ctx.inputsPath,
      startNodeOutputUri: ctx.outputsPath,
      targetEntity: targetEntityOf(ctx.node),
      isDynamic: (ctx.state.dynamic()?.phase ?? 0) !== 0,
      ...(ctx.scope.parentTaskExecutionId === undefined
        ? {}
        : { parentTaskExecutionId: ctx.scope.parentTaskExecutionId }),
    };
  }

  async #recordNodeEvent(ctx: BuiltNodeContext, p: PhaseResult & { occurredAtMs?: number }): Promise<void> {
    const now = this.x.now();
    const event = buildNodeEvent({
      ...this.#eventBase(ctx),
      phase: nodeEventPhase(p.phase),
      occurredAtMs: p.occurredAtMs ?? now,
      reportedAtMs: now,
      ...(p.info === undefined ? {} : { info: p.info }),
      ...(p.error === undefined ? {} : { error: p.error }),
    });
    try {
      await this.x.events.recordNodeEvent(event);
    } catch (error) {
      // Events of end nodes are best effort (propeller gives end nodes a recorder that drops errors).
      if (ctx.nodeId !== END_NODE_ID) throw error;
    }
  }

  /** propeller's `UpdateNodeStatus`: the phase (and its timestamps, error, message), then the sub-states. */
  #updateNodeStatus(ctx: BuiltNodeContext, np: NodePhase, p: PhaseResult & { occurredAtMs?: number }): void {
    const status = ctx.status;
    const reason = p.reason ?? "";
    if (np !== status.phase || reason !== (status.message ?? "")) {
      this.#setPhase(status, np, p.occurredAtMs ?? this.x.now(), reason, p.error);
    }
    if (!isTerminalNodePhase(np) && ctx.applyStateWrites()) this.x.markDirty(status);
  }

  /** Builds the context a handler gets for `node`. */
  nodeContext(scope: DagScope, node: Node, status: NodeStatus): BuiltNodeContext {
    return new BuiltNodeContext(this, scope, node, status);
  }
}

type ProducerLookup = Parameters<typeof resolveBindings>[2]["producer"];

/** A handler phase, or Skip (only the executor produces it). */
interface PhaseResult extends Omit<Transition, "phase"> {
  phase: HandlerPhase | "skip";
}

function failed(error: ExecutionError): DagStatus {
  return { kind: "failed", error };
}

function unknownNodeError(): ExecutionError {
  return create(ExecutionErrorSchema, {
    code: "UnknownError",
    message: "node failed without an error",
    kind: ExecutionError_ErrorKind.UNKNOWN,
  });
}

function taskMetadata(status: CatalogCacheStatus, catalogKey?: CatalogMetadata) {
  return create(TaskNodeMetadataSchema, { cacheStatus: status, ...(catalogKey === undefined ? {} : { catalogKey }) });
}

/** The entity a node runs: its task or launch plan (`common.GetTargetEntity`). */
function targetEntityOf(node: Node) {
  const target = node.target;
  if (target.case === "taskNode" && target.value.reference.case === "referenceId") return target.value.reference.value;
  if (target.case === "workflowNode" && target.value.reference.case === "launchplanRef") {
    return target.value.reference.value;
  }
  return undefined;
}

/** propeller's `ResolveErrorInputLiteralData`: the failure node's `err` input becomes the workflow's error. */
function substituteErrorInput(inputs: LiteralMap, nodeId: string, error: ExecutionError): void {
  const literal = inputs.literals.err;
  if (literal === undefined) return;
  const errorLiteral = create(LiteralSchema, {
    value: {
      case: "scalar",
      value: { value: { case: "error", value: { message: error.message, failedNodeId: nodeId } } },
    },
  });
  literal.value = {
    case: "scalar",
    value: create(ScalarSchema, {
      value: {
        case: "union",
        value: {
          value: errorLiteral,
          type: { type: { case: "simple", value: SimpleType.ERROR }, structure: { tag: "FlyteError" } },
        },
      },
    }),
  };
}

type StateWrites = Partial<Pick<NodeStatus, "task" | "branch" | "workflow" | "gate" | "dynamic" | "array">>;

/**
 * The {@link NodeContext} of one node in one round. Sub-state writes are buffered and applied after the
 * handler returns (propeller's node state manager), so a case a branch decides this round is not
 * visible as decided until the round is persisted.
 */
export class BuiltNodeContext implements NodeContext {
  readonly nodeId: string;
  readonly uniqueId: string;
  readonly attempt: number;
  readonly dataDir: string;
  readonly outputDir: string;
  readonly inputsPath: string;
  readonly outputsPath: string;
  readonly interruptible: boolean;
  readonly state: NodeStateAccess;
  readonly #executor: NodeExecutor;
  #execution: ExecutionContext | undefined;
  #inputs: LiteralMap | undefined;
  #writes: StateWrites = {};

  constructor(
    executor: NodeExecutor,
    readonly scope: DagScope,
    readonly node: Node,
    readonly status: NodeStatus,
  ) {
    this.#executor = executor;
    this.nodeId = node.id;
    this.uniqueId = uniqueNodeId(
      scope.parent === undefined ? { nodeId: node.id } : { nodeId: node.id, parent: scope.parent },
    );
    this.attempt = status.attempts ?? 0;
    this.dataDir = scope.dataDirOf(node.id);
    this.outputDir = nodeOutputDir({ nodeDataDir: this.dataDir, attempt: this.attempt });
    this.inputsPath = inputsPath(this.dataDir);
    this.outputsPath = outputsPath(this.outputDir);
    this.interruptible = effectiveInterruptible(executor.x, node, status);
    const writes = (): StateWrites => this.#writes;
    this.state = {
      task: () => writes().task ?? status.task,
      putTask: (s) => (writes().task = s),
      branch: () => writes().branch ?? status.branch,
      putBranch: (s) => (writes().branch = s),
      workflow: () => writes().workflow ?? status.workflow,
      putWorkflow: (s) => (writes().workflow = s),
      gate: () => writes().gate ?? status.gate,
      putGate: (s) => (writes().gate = s),
      dynamic: () => writes().dynamic ?? status.dynamic,
      putDynamic: (s) => (writes().dynamic = s),
      array: () => writes().array ?? status.array,
      putArray: (s) => (writes().array = s),
    };
  }

  get execution(): ExecutionContext {
    const closure = this.scope.closure;
    return (this.#execution ??=
      closure === undefined ? this.#executor.x : executionWithClosure(this.#executor.x, closure));
  }

  /** A sub-DAG sees the closure of the DAG this node is in, unless it has its own (a dynamic workflow). */
  #inheritClosure(scope: DagScope): DagScope {
    const closure = this.scope.closure;
    return closure === undefined || scope.closure !== undefined ? scope : { ...scope, closure };
  }

  /** The attempt's generated name (pod name, cache reservation owner). */
  get generatedName(): string {
    return generatedName({
      executionName: this.#executor.x.executionId.name,
      uniqueNodeId: this.uniqueId,
      attempt: this.attempt,
    });
  }

  /** The task template of a task node. */
  taskTemplate() {
    const target = this.node.target;
    if (target.case !== "taskNode" || target.value.reference.case !== "referenceId") return undefined;
    return this.execution.closure.task(target.value.reference.value);
  }

  async inputs(): Promise<LiteralMap> {
    this.#inputs ??= await readProto(this.#executor.x.services.blobs, this.inputsPath, LiteralMapSchema);
    return this.#inputs;
  }

  cacheInputs(inputs: LiteralMap): void {
    this.#inputs = inputs;
  }

  executeDag(dag: SubDag): Promise<DagStatus> {
    return this.#executor.traverse(this.#inheritClosure(dag.scope), dag.startNodeId);
  }

  abortDag(dag: SubDag, reason: string): Promise<void> {
    return this.#executor.abortDag(this.#inheritClosure(dag.scope), dag.startNodeId, reason);
  }

  finalizeDag(dag: SubDag): Promise<void> {
    return this.#executor.finalizeDag(this.#inheritClosure(dag.scope), dag.startNodeId);
  }

  subNodeStatuses(): NodeStatusMap {
    this.status.nodes ??= {};
    return this.status.nodes;
  }

  /** Marks a change the handler made to `status` directly (e.g. a branch case's `parentNode`). */
  markDirty(status: NodeStatus): void {
    this.#executor.x.markDirty(status);
  }

  discardStateWrites(): void {
    this.#writes = {};
  }

  /** Applies buffered sub-state writes; true when something changed. */
  applyStateWrites(): boolean {
    let changed = false;
    for (const [key, value] of Object.entries(this.#writes) as [keyof StateWrites, unknown][]) {
      if (JSON.stringify(this.status[key]) === JSON.stringify(value)) continue;
      (this.status as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    this.#writes = {};
    return changed;
  }
}

/** §4.3: node setting, else the execution's, else the workflow default; off for the last system retry. */
function effectiveInterruptible(x: RoundExecution, node: Node, status: NodeStatus): boolean {
  const fromNode = node.metadata?.interruptibleValue;
  let interruptible: boolean;
  if (fromNode?.case === "interruptible") interruptible = fromNode.value;
  else if (x.request.executionConfig?.interruptible !== undefined)
    interruptible = x.request.executionConfig.interruptible;
  else interruptible = x.closure.primary.compiled.template?.metadataDefaults?.interruptible ?? false;
  if (interruptible && (status.systemFailures ?? 0) >= MAX_SYSTEM_FAILURES + 1 - 1) return false;
  return interruptible;
}
