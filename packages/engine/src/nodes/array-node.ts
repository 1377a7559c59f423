/**
 * Array nodes, Flyte's map tasks (propeller's nodes/array/handler.go, §3.8 of the engine spec).
 *
 * None → Executing: size the node from its inputs (every list not bound whole is mapped over), allocate
 * the packed per-item state, report every item QUEUED. Executing: run one round of up to `parallelism`
 * non-terminal items in index order (a pool of workers, as propeller's `node-execution-worker-count`),
 * fold their new phases into the packed arrays, and decide: Failing once `min_successes` cannot be reached
 * any more, Succeeding once enough items succeeded and none is running. Succeeding gathers each output
 * into a list in index order (`none` for items that did not succeed) and succeeds; Failing aborts the
 * items still running and fails permanently with the summary of item errors (the array node itself never
 * retries; items retry within their own budget).
 */
import { ExecutionError_ErrorKind, TaskExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { identifierKey } from "@aloft/idl";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { ExternalResourceInfoSchema, type ExternalResourceInfo } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { ArrayNode, Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { create, fromBinary } from "@bufbuild/protobuf";
import { arraySubNodeDirs, outputsPath, readProtoIfExists, writeProto } from "@aloft/storage";
import type { ClosureIndex } from "../executor/closure-index.js";
import { isEventError } from "../events/event-recorder.js";
import {
  arrayElementInputs,
  arrayElementTask,
  arrayMinSuccesses,
  arrayNodeSize,
  arrayParallelism,
  gatherArrayOutputs,
  MAX_ERROR_MESSAGE_LENGTH,
} from "../semantics/array-node-rules.js";
import { executionError, messageOf, systemError } from "../semantics/execution-errors.js";
import { summarizeIndexedErrors } from "../semantics/indexed-errors.js";
import { isTerminalNodePhase, NodePhase } from "../state/phases.js";
import { loadError, type NodeStatus } from "../state/workflow-status.js";
import { ArrayItemContext, type ArrayItemsEnvironment } from "./array-item-context.js";
import { ArrayItemOutputsMemo } from "./array-item-outputs.js";
import { abortArrayItem, runArrayItemRound } from "./array-item-runner.js";
import {
  allItemResources,
  buildArrayTaskEvent,
  externalResourceId,
  isTerminalTaskEventPhase,
  itemExternalResources,
} from "./array-node-events.js";
import {
  ArrayItems,
  ArrayNodePhase,
  loadArrayState,
  storeArrayState,
  type ArrayState,
  type RunningItemRecord,
} from "./array-node-state.js";
import { nodeKindOf, type NodeContext, type NodeHandler, type Transition } from "./node-handler.js";

/** Options of {@link createArrayNodeHandler}. */
export interface ArrayNodeHandlerOptions {
  /** Items evaluated at once within a round (propeller's `node-execution-worker-count`). @default 8 */
  workers?: number;
  /** Item outputs kept in memory until their array node gathers them, over all array nodes. @default 200000 */
  rememberedItemOutputs?: number;
}

/** The array node handler. */
export function createArrayNodeHandler(options: ArrayNodeHandlerOptions = {}): NodeHandler {
  const run: ArrayRun = {
    workers: Math.max(1, options.workers ?? 8),
    outputs: new ArrayItemOutputsMemo(options.rememberedItemOutputs),
  };
  return {
    kind: "array",
    finalizeRequired: true,
    handle: (ctx) => handleArrayNode(ctx, run),
    abort: (ctx, reason) => abortArrayNode(ctx, reason, run),
    finalize: (ctx) => finalizeArrayNode(ctx, run),
  };
}

/** What an array node handler keeps across rounds and nodes. */
interface ArrayRun {
  workers: number;
  outputs: ArrayItemOutputsMemo;
}

interface ArraySpec {
  arrayNode: ArrayNode;
  subNode: Node;
  taskId: Identifier;
  task: TaskTemplate;
}

/** The array node's spec, or why it cannot run. */
function arraySpecOf(ctx: NodeContext): ArraySpec | Transition {
  const target = ctx.node.target;
  if (target.case !== "arrayNode" || target.value.node === undefined) {
    return failure("BadSpecificationError", `array node [${ctx.nodeId}] has no sub-node`);
  }
  const subNode = target.value.node;
  const subTarget = subNode.target;
  if (
    nodeKindOf(subNode) !== "task" ||
    subTarget.case !== "taskNode" ||
    subTarget.value.reference.case !== "referenceId"
  ) {
    return failure("BadSpecificationError", `array node [${ctx.nodeId}] supports task sub-nodes only`);
  }
  const taskId = subTarget.value.reference.value;
  const task = ctx.execution.closure.task(taskId);
  if (task === undefined) {
    return failure("BadSpecificationError", `failed to find ArrayNode subNode task of node [${ctx.nodeId}]`);
  }
  return { arrayNode: target.value, subNode, taskId, task };
}

function failure(code: string, message: string): Transition {
  return { phase: "failed", error: systemError(code, message) };
}

async function handleArrayNode(ctx: NodeContext, run: ArrayRun): Promise<Transition> {
  const spec = arraySpecOf(ctx);
  if ("phase" in spec) return spec;
  const state = loadArrayState(ctx.state.array());
  switch (state.phase) {
    case ArrayNodePhase.None:
      return start(ctx, spec, state);
    case ArrayNodePhase.Executing:
      return execute(ctx, spec, state, run);
    case ArrayNodePhase.Failing: {
      await abortArrayNode(ctx, "ArrayNodeFailing", run);
      const error =
        state.error === undefined
          ? executionError(ExecutionError_ErrorKind.UNKNOWN, "ArrayNodeFailing", "Unknown reason")
          : loadError(state.error);
      return { phase: "failed", error };
    }
    case ArrayNodePhase.Succeeding:
      return gather(ctx, spec, state, run);
  }
}

/** None → Executing. */
async function start(ctx: NodeContext, spec: ArraySpec, state: ArrayState): Promise<Transition> {
  const sized = arrayNodeSize(await ctx.inputs(), new Set(spec.arrayNode.boundInputs));
  if (!sized.ok) return { phase: "failed", error: sized.error };
  const items = new ArrayItems(sized.size);
  const resources: ExternalResourceInfo[] = [];
  for (let index = 0; index < items.size; index++) {
    resources.push(
      create(ExternalResourceInfoSchema, {
        externalId: externalResourceId(ctx, index, 0),
        index,
        retryAttempt: 0,
        phase: TaskExecution_Phase.UNDEFINED,
      }),
    );
  }
  await sendTaskEvent(ctx, spec, TaskExecution_Phase.QUEUED, state.taskPhaseVersion, resources, state);
  ctx.state.putArray(storeArrayState({ phase: ArrayNodePhase.Executing, taskPhaseVersion: 0, items }));
  return { phase: "running" };
}

/** One round of the items. */
async function execute(ctx: NodeContext, spec: ArraySpec, state: ArrayState, run: ArrayRun): Promise<Transition> {
  const items = state.items ?? new ArrayItems(0);
  const env = await environment(ctx, spec, run, state.writeItemOutputs !== true);
  const handler = taskHandlerOf(ctx);
  const budget = arrayParallelism(spec.arrayNode) || items.size;
  const selected: number[] = [];
  const notStarted: number[] = [];
  for (let index = 0; index < items.size && selected.length + notStarted.length < budget; index++) {
    if (items.phases[index] === NodePhase.NotYetStarted) notStarted.push(index);
    else if (!items.isTerminal(index)) selected.push(index);
  }
  const keepTimestamps = spec.subNode.metadata?.timeout !== undefined;
  let changed = false;
  if (notStarted.length > 0) {
    const probe = new ArrayItemContext(env, notStarted[0]!, itemStatus(items, notStarted[0]!));
    if (ctx.execution.services.taskCache !== undefined && handler.cacheInfo?.(probe)?.cacheable === true) {
      selected.push(...notStarted);
      selected.sort((a, b) => a - b);
    } else {
      // Without a cache to look up, starting an item is only its move to Queued (the executor's preExecute).
      changed = true;
      const now = ctx.execution.now();
      for (const index of notStarted) {
        items.phases[index] = NodePhase.Queued;
        if (keepTimestamps) items.running.set(index, { queuedAt: now });
      }
    }
  }
  const rounds = await mapConcurrently(selected, run.workers, async (index) => {
    const item = new ArrayItemContext(env, index, itemStatus(items, index));
    const before = { phase: items.phases[index]!, taskPhase: items.taskPhases[index]! };
    const outcome = await runArrayItemRound(handler, item);
    return { index, item, before, outcome };
  });

  const resources: ExternalResourceInfo[] = [];
  const failures: { index: number; message: string }[] = [];
  for (const { index, item, before, outcome } of rounds) {
    const status = item.status;
    if (outcome.error !== undefined) failures.push({ index, message: outcome.error.message });
    resources.push(...itemExternalResources(ctx, index, status.attempts ?? 0, outcome));
    storeItemStatus(items, index, status, keepTimestamps);
    if (items.phases[index] !== before.phase || items.taskPhases[index] !== before.taskPhase) changed = true;
  }

  let succeeded = 0;
  let failing = 0;
  let failed = 0;
  let running = 0;
  for (let index = 0; index < items.size; index++) {
    switch (items.phases[index] as NodePhase) {
      case NodePhase.Succeeded:
      case NodePhase.Recovered:
      case NodePhase.Skipped:
        succeeded++;
        break;
      case NodePhase.Failing:
        failing++;
        break;
      case NodePhase.Failed:
      case NodePhase.TimedOut:
        failed++;
        break;
      default:
        running++;
    }
  }
  const minSuccesses = arrayMinSuccesses(spec.arrayNode, items.size);
  const next: ArrayState = { ...state, items };
  // propeller keeps the first summary of item errors; a later round only replaces it while items are failing.
  if (failing > 0 || (failed > 0 && state.error === undefined)) {
    next.error = {
      code: "",
      message: summarizeIndexedErrors(failures, MAX_ERROR_MESSAGE_LENGTH),
      kind: ExecutionError_ErrorKind.UNKNOWN,
    };
  }
  if (items.size - failed < minSuccesses) next.phase = ArrayNodePhase.Failing;
  else if (succeeded >= minSuccesses && running === 0) next.phase = ArrayNodePhase.Succeeding;
  if (next.phase === ArrayNodePhase.Executing) ctx.execution.parallelism.increment();
  if (next.phase === ArrayNodePhase.Failing) run.outputs.forget(ctx.outputsPath);

  if (resources.length > 0) {
    if (changed) next.taskPhaseVersion++;
    await sendTaskEvent(ctx, spec, TaskExecution_Phase.RUNNING, next.taskPhaseVersion, resources, next);
    if (next.phase !== state.phase) next.taskPhaseVersion = 0;
  }
  ctx.state.putArray(storeArrayState(next));
  return { phase: "running" };
}

/** Succeeding: the outputs, gathered in index order. */
async function gather(ctx: NodeContext, spec: ArraySpec, state: ArrayState, run: ArrayRun): Promise<Transition> {
  const items = state.items ?? new ArrayItems(0);
  const blobs = ctx.execution.services.blobs;
  const indexes = Array.from({ length: items.size }, (_, i) => i);
  const dirOf = itemDirs();
  const lost: number[] = [];
  const elements = await mapConcurrently(indexes, run.workers, async (index): Promise<LiteralMap | undefined> => {
    if (items.phases[index] !== NodePhase.Succeeded) return undefined;
    const uri = itemOutputsPath(dirOf, ctx, index, items.attempts[index]!);
    const remembered = run.outputs.get(ctx.outputsPath, uri);
    if (remembered !== undefined) return fromBinary(LiteralMapSchema, remembered);
    const stored = await readProtoIfExists(blobs, uri, LiteralMapSchema);
    if (stored === undefined) lost.push(index);
    return stored;
  });
  if (lost.length > 0) return rerunLostItems(ctx, state, lost);
  const outputs = gatherArrayOutputs({
    elements,
    outputNames: Object.keys(spec.task.interface?.outputs?.variables ?? {}),
  });
  await writeProto(blobs, ctx.outputsPath, LiteralMapSchema, outputs);
  run.outputs.forget(ctx.outputsPath);
  await sendTaskEvent(ctx, spec, TaskExecution_Phase.SUCCEEDED, 0, [], state);
  return { phase: "success", info: { outputUri: ctx.outputsPath } };
}

/**
 * Items whose outputs were kept in memory only ({@link ItemBlobStore}) and are gone (the engine restarted,
 * or the memo dropped them) run again: back to NotYetStarted, same attempt, and the array node to Executing.
 */
function rerunLostItems(ctx: NodeContext, state: ArrayState, lost: readonly number[]): Transition {
  const items = state.items!;
  for (const index of lost) {
    items.phases[index] = NodePhase.NotYetStarted;
    items.taskPhases[index] = 0;
    items.running.delete(index);
  }
  // Run again, they write their outputs to the store: a memo too small for them cannot lose them twice.
  ctx.state.putArray(storeArrayState({ ...state, phase: ArrayNodePhase.Executing, items, writeItemOutputs: true }));
  ctx.execution.parallelism.increment();
  return { phase: "running" };
}

/** Aborts every started, non-terminal item and reports the array node ABORTED (FAILED when failing). */
async function abortArrayNode(ctx: NodeContext, reason: string, run: ArrayRun): Promise<void> {
  const spec = arraySpecOf(ctx);
  if ("phase" in spec) return;
  run.outputs.forget(ctx.outputsPath);
  const state = loadArrayState(ctx.state.array());
  const resources: ExternalResourceInfo[] = [];
  const errors: { index: number; message: string }[] = [];
  if (
    (state.phase === ArrayNodePhase.Executing || state.phase === ArrayNodePhase.Failing) &&
    state.items !== undefined
  ) {
    const items = state.items;
    const env = await environment(ctx, spec, run);
    const handler = taskHandlerOf(ctx);
    const started = startedItems(items);
    const aborted = await mapConcurrently(started, run.workers, async (index) => {
      const item = new ArrayItemContext(env, index, itemStatus(items, index));
      try {
        await abortArrayItem(handler, item, reason);
      } catch (error) {
        errors.push({ index, message: messageOf(error) });
        return [];
      }
      const retryAttempt = item.status.attempts ?? 0;
      return [
        ...itemExternalResources(ctx, index, retryAttempt, {
          taskEvents: item.events.taskEvents,
          cacheStatus: 0,
          error: undefined,
        }),
        create(ExternalResourceInfoSchema, {
          externalId: externalResourceId(ctx, index, retryAttempt),
          index,
          retryAttempt,
          phase: TaskExecution_Phase.ABORTED,
        }),
      ];
    });
    for (const list of aborted) resources.push(...list);
  }
  if (errors.length > 0) throw new Error(summarizeIndexedErrors(errors, MAX_ERROR_MESSAGE_LENGTH));
  const phase = state.phase === ArrayNodePhase.Failing ? TaskExecution_Phase.FAILED : TaskExecution_Phase.ABORTED;
  try {
    await sendTaskEvent(ctx, spec, phase, 0, resources, state);
  } catch (error) {
    if (!isEventError(error, "executionNotFound", "incompatibleCluster", "alreadyInTerminalState")) throw error;
  }
}

/** Finalizes every started, non-terminal item. */
async function finalizeArrayNode(ctx: NodeContext, run: ArrayRun): Promise<void> {
  const spec = arraySpecOf(ctx);
  if ("phase" in spec) return;
  const state = loadArrayState(ctx.state.array());
  if (state.phase === ArrayNodePhase.None || state.items === undefined) return;
  const items = state.items;
  const env = await environment(ctx, spec, run);
  const handler = taskHandlerOf(ctx);
  const errors: { index: number; message: string }[] = [];
  await mapConcurrently(startedItems(items), run.workers, async (index) => {
    try {
      await handler.finalize(new ArrayItemContext(env, index, itemStatus(items, index)));
    } catch (error) {
      errors.push({ index, message: messageOf(error) });
    }
  });
  if (errors.length > 0) throw new Error(summarizeIndexedErrors(errors, MAX_ERROR_MESSAGE_LENGTH));
}

function startedItems(items: ArrayItems): number[] {
  const started: number[] = [];
  for (let index = 0; index < items.size; index++) {
    if (items.phases[index] !== NodePhase.NotYetStarted && !items.isTerminal(index)) started.push(index);
  }
  return started;
}

/** Sends the array node's task event; on a terminal phase it lists every item. */
async function sendTaskEvent(
  ctx: NodeContext,
  spec: ArraySpec,
  phase: TaskExecution_Phase,
  phaseVersion: number,
  resources: ExternalResourceInfo[],
  state: ArrayState,
): Promise<void> {
  const externalResources =
    isTerminalTaskEventPhase(phase) && state.items !== undefined
      ? allItemResources(ctx, state.items, resources)
      : resources;
  await ctx.execution.events.recordTaskEvent(
    buildArrayTaskEvent({
      ctx,
      taskId: spec.task.id,
      phase,
      phaseVersion,
      externalResources,
      error: state.error === undefined ? undefined : loadError(state.error),
    }),
  );
}

function taskHandlerOf(ctx: NodeContext): NodeHandler {
  const handler = ctx.execution.services.handler("task");
  if (handler === undefined) throw new Error("no task node handler is registered for array sub-nodes");
  return handler;
}

/** What the items of this round share. */
async function environment(
  ctx: NodeContext,
  spec: ArraySpec,
  run: ArrayRun,
  keepOutputsInMemory = false,
): Promise<ArrayItemsEnvironment> {
  const inputs = await ctx.inputs();
  const bound = new Set(spec.arrayNode.boundInputs);
  const arrayKey = ctx.outputsPath;
  return {
    array: ctx,
    subNode: spec.subNode,
    closure: elementClosure(ctx.execution.closure, spec.taskId),
    inputs,
    elementInputs: (index) => arrayElementInputs(inputs, bound, index),
    itemDir: itemDirs(),
    recordOutputs: (uri, bytes) => run.outputs.record(arrayKey, uri, bytes),
    keepOutputsInMemory,
  };
}

/**
 * `<base>/<index>/<attempt>` as {@link arraySubNodeDirs} builds it, by concatenation once a base is known
 * to join that way (the array node's dirs are normalized references): joining URIs is costly at 10,000 items.
 */
function itemDirs(): (base: string, index: number, attempt: number) => string {
  const plain = new Map<string, boolean>();
  return (base, index, attempt) => {
    let concatenates = plain.get(base);
    if (concatenates === undefined) {
      const joined = arraySubNodeDirs({
        arrayDataDir: base,
        arrayOutputDir: base,
        index: 0,
        subNodeAttempt: 0,
      }).dataDir;
      plain.set(base, (concatenates = joined === `${base}/0/0`));
    }
    if (concatenates) return `${base}/${index}/${attempt}`;
    return arraySubNodeDirs({ arrayDataDir: base, arrayOutputDir: base, index, subNodeAttempt: attempt }).dataDir;
  };
}

/** The closure items see: the sub-node's task with list outputs de-listed (propeller's `arrayTaskReader`). */
function elementClosure(base: ClosureIndex, taskId: Identifier): ClosureIndex {
  const key = identifierKey(taskId);
  let element: TaskTemplate | undefined;
  return {
    closure: base.closure,
    primary: base.primary,
    subWorkflow: (id) => base.subWorkflow(id),
    task(id) {
      if (identifierKey(id) !== key) return base.task(id);
      if (element === undefined) {
        const task = base.task(id);
        element = task === undefined ? undefined : arrayElementTask(task);
      }
      return element;
    },
  };
}

/** An item's status rebuilt from the packed arrays (propeller's synthetic sub-node status). */
function itemStatus(items: ArrayItems, index: number): NodeStatus {
  const status: NodeStatus = {
    phase: items.phases[index] as NodePhase,
    attempts: items.attempts[index]!,
    systemFailures: items.systemFailures[index]!,
  };
  const record = items.running.get(index);
  const taskPhase = items.taskPhases[index]!;
  if (taskPhase !== 0 || record?.state !== undefined) {
    status.task = { phase: taskPhase, version: record?.version ?? 0 };
    if (record?.state !== undefined) status.task.state = record.state;
    if (record?.updatedAt !== undefined) status.task.updatedAt = record.updatedAt;
  }
  if (record?.attemptStartedAt !== undefined) status.laStartedAt = record.attemptStartedAt;
  if (record?.queuedAt !== undefined) status.queuedAt = record.queuedAt;
  return status;
}

/** Folds an item's status back into the packed arrays. */
function storeItemStatus(items: ArrayItems, index: number, status: NodeStatus, keepTimestamps: boolean): void {
  items.phases[index] = status.phase;
  items.taskPhases[index] = status.task?.phase ?? 0;
  items.attempts[index] = status.attempts ?? 0;
  items.systemFailures[index] = status.systemFailures ?? 0;
  if (isTerminalNodePhase(status.phase)) {
    items.running.delete(index);
    return;
  }
  const record: RunningItemRecord = {};
  const task = status.task;
  if (task?.state !== undefined) record.state = task.state;
  if (task !== undefined && task.version !== 0) record.version = task.version;
  if (task?.updatedAt !== undefined && task.state !== undefined) record.updatedAt = task.updatedAt;
  if (keepTimestamps) {
    if (status.laStartedAt !== undefined) record.attemptStartedAt = status.laStartedAt;
    if (status.queuedAt !== undefined) record.queuedAt = status.queuedAt;
  }
  if (Object.keys(record).length === 0) items.running.delete(index);
  else items.running.set(index, record);
}

function itemOutputsPath(
  dirOf: ArrayItemsEnvironment["itemDir"],
  ctx: NodeContext,
  index: number,
  attempt: number,
): string {
  return outputsPath(dirOf(ctx.outputDir, index, attempt));
}

/** `fn` over `values` with at most `limit` calls in flight; results in input order. */
async function mapConcurrently<T, R>(values: readonly T[], limit: number, fn: (value: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(values.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) {
      const i = next++;
      results[i] = await fn(values[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
  return results;
}
