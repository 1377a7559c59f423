/**
 * What admin hears of an array node's items (propeller's nodes/array/event_recorder.go, array event
 * version 0): no node or task events per item; instead the array node sends one task event per round in
 * which items changed (task type `container_array`, plugin `k8s-array`, retry attempt 0), listing the
 * changed items as `external_resources`, and a final one listing every item.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CatalogCacheStatus } from "@aloft/idl/gen/flyteidl/core/catalog_pb";
import { TaskExecution_Phase, TaskLogSchema, type ExecutionError } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import {
  ExternalResourceInfoSchema,
  TaskExecutionEventSchema,
  type ExternalResourceInfo,
  type TaskExecutionEvent,
} from "@aloft/idl/gen/flyteidl/event/event_pb";
import { generatedName } from "@aloft/storage";
import { NODE_EXECUTION_EVENT_VERSION } from "../events/node-event.js";
import { NodePhase } from "../state/phases.js";
import type { ArrayItems } from "./array-node-state.js";
import type { ItemRoundOutcome } from "./array-item-runner.js";
import type { NodeContext } from "./node-handler.js";

/** Task type of an array node's task events. */
export const ARRAY_TASK_TYPE = "container_array";
/** Plugin identifier of an array node's task events. */
export const ARRAY_PLUGIN_ID = "k8s-array";

/** `<fixedLen50(execName-arrayNodeId-arrayAttempt)>-n<index>-<retryAttempt>` (`generateExternalResourceID`). */
export function externalResourceId(ctx: NodeContext, index: number, retryAttempt: number): string {
  const nodeId = ctx.execution.eventVersion === 0 ? ctx.nodeId : ctx.uniqueId;
  const name = generatedName({
    executionName: ctx.execution.executionId.name,
    uniqueNodeId: nodeId,
    attempt: ctx.attempt,
  });
  return `${name}-n${index}-${retryAttempt}`;
}

/** The external resources one item's round contributes (`externalResourcesEventRecorder.process`). */
export function itemExternalResources(
  ctx: NodeContext,
  index: number,
  retryAttempt: number,
  outcome: ItemRoundOutcome,
): ExternalResourceInfo[] {
  const externalId = externalResourceId(ctx, index, retryAttempt);
  const resources: ExternalResourceInfo[] = [];
  // A cache hit sends no task event: report the item as succeeded anyway.
  if (outcome.cacheStatus === CatalogCacheStatus.CACHE_HIT && outcome.taskEvents.length === 0) {
    resources.push(
      create(ExternalResourceInfoSchema, {
        externalId,
        index,
        retryAttempt,
        phase: TaskExecution_Phase.SUCCEEDED,
        cacheStatus: outcome.cacheStatus,
      }),
    );
  }
  for (const event of outcome.taskEvents) {
    const logs = event.logs.map((log) => create(TaskLogSchema, { ...log, name: `${log.name}-${index}` }));
    const nested = event.metadata?.externalResources ?? [];
    const customInfo = nested.length === 1 ? nested[0]!.customInfo : event.customInfo;
    resources.push(
      create(ExternalResourceInfoSchema, {
        externalId,
        index,
        logs,
        retryAttempt,
        phase: event.phase,
        cacheStatus: outcome.cacheStatus,
        ...(customInfo === undefined ? {} : { customInfo }),
      }),
    );
  }
  return resources;
}

/**
 * For a terminal event: every item, the ones reported this round as they were, the others from their
 * packed phase (`updateExternalResourceSubnodePhases`).
 */
export function allItemResources(
  ctx: NodeContext,
  items: ArrayItems,
  reported: readonly ExternalResourceInfo[],
): ExternalResourceInfo[] {
  const byIndex = new Map<number, ExternalResourceInfo>();
  for (const resource of reported) byIndex.set(resource.index, resource);
  const all: ExternalResourceInfo[] = [];
  for (let index = 0; index < items.size; index++) {
    const existing = byIndex.get(index);
    if (existing !== undefined) {
      all.push(existing);
      continue;
    }
    const retryAttempt = items.attempts[index]!;
    all.push(
      create(ExternalResourceInfoSchema, {
        externalId: externalResourceId(ctx, index, retryAttempt),
        phase: itemTaskPhase(items.phases[index] as NodePhase),
        index,
        retryAttempt,
      }),
    );
  }
  return all;
}

/** An item's node phase as a task phase (`mapNodePhaseToNodeExecutionPhase` then `…ToTaskExecutionPhase`). */
export function itemTaskPhase(phase: NodePhase): TaskExecution_Phase {
  switch (phase) {
    case NodePhase.Queued:
      return TaskExecution_Phase.QUEUED;
    case NodePhase.Running:
    case NodePhase.DynamicRunning:
      return TaskExecution_Phase.RUNNING;
    case NodePhase.Succeeding:
    case NodePhase.Succeeded:
    case NodePhase.Recovered:
      return TaskExecution_Phase.SUCCEEDED;
    case NodePhase.Failing:
    case NodePhase.Failed:
    case NodePhase.RetryableFailure:
    case NodePhase.TimingOut:
    case NodePhase.TimedOut:
      return TaskExecution_Phase.FAILED;
    default:
      return TaskExecution_Phase.UNDEFINED;
  }
}

/** Inputs of {@link buildArrayTaskEvent}. */
export interface ArrayTaskEventInput {
  ctx: NodeContext;
  taskId: Identifier | undefined;
  phase: TaskExecution_Phase;
  phaseVersion: number;
  externalResources: ExternalResourceInfo[];
  /** Attached to FAILED events. */
  error: ExecutionError | undefined;
}

/** The array node's task event (`externalResourcesEventRecorder.finalize`). */
export function buildArrayTaskEvent(input: ArrayTaskEventInput): TaskExecutionEvent {
  const { ctx } = input;
  const x = ctx.execution;
  const event = create(TaskExecutionEventSchema, {
    parentNodeExecutionId: {
      executionId: x.executionId,
      nodeId: x.eventVersion === 0 ? ctx.nodeId : ctx.uniqueId,
    },
    retryAttempt: 0,
    phase: input.phase,
    phaseVersion: input.phaseVersion,
    occurredAt: timestampFromMs(x.now()),
    metadata: { externalResources: input.externalResources, pluginIdentifier: ARRAY_PLUGIN_ID },
    taskType: ARRAY_TASK_TYPE,
    eventVersion: NODE_EXECUTION_EVENT_VERSION,
  });
  if (input.taskId !== undefined) event.taskId = input.taskId;
  if (input.phase === TaskExecution_Phase.QUEUED) event.inputValue = { case: "inputUri", value: ctx.inputsPath };
  if (input.phase === TaskExecution_Phase.SUCCEEDED) {
    event.outputResult = { case: "outputUri", value: ctx.outputsPath };
  } else if (input.phase === TaskExecution_Phase.FAILED && input.error !== undefined) {
    event.outputResult = { case: "error", value: input.error };
  }
  return event;
}

/** Whether a task phase is terminal (`IsTerminalTaskPhase`). */
export function isTerminalTaskEventPhase(phase: TaskExecution_Phase): boolean {
  return (
    phase === TaskExecution_Phase.SUCCEEDED ||
    phase === TaskExecution_Phase.FAILED ||
    phase === TaskExecution_Phase.ABORTED
  );
}
