/**
 * Recovery mode (propeller's `nodeExecutor.attemptRecovery` and `recoverInputs`, controller/nodes/executor.go;
 * §4.4 of the engine spec): when an execution recovers an earlier one, every node about to be queued first
 * asks admin how the same node (by unique id) ended there.
 * - SUCCEEDED or RECOVERED: its inputs and outputs are copied into this node's files, its deck reused if
 *   it still exists, its cache and dynamic-workflow metadata carried over: the node is Recovered.
 * - Otherwise, the original attempt's checkpoint is kept for the task to resume from; a dynamic node whose
 *   parent task had finished gets its inputs and futures file back and resumes at ParentFinalized (same
 *   workflow shape, so its children can be recovered in turn).
 * - SKIPPED, unknown, or anything admin cannot answer: the node executes normally.
 */
import { create } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import {
  NodeExecutionGetDataRequestSchema,
  NodeExecutionGetRequestSchema,
  type NodeExecution,
  type NodeExecutionGetDataResponse,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import { NodeExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { TaskNodeMetadataSchema, WorkflowNodeMetadataSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { futuresPath, readProto, writeProto } from "@aloft/storage";
import { PluginPhase } from "../plugins/task-plugin.js";
import { DynamicNodePhase } from "./dynamic-node.js";
import type { NodeContext, NodeEventInfo, Transition } from "./node-handler.js";

/**
 * Recovers `ctx`'s node from the execution being recovered, if it can: a `recovered` transition (files
 * written), a `running` one (a dynamic node resuming), or undefined to execute the node normally.
 * Storage failures are thrown (the round is retried).
 */
export async function attemptRecovery(ctx: NodeContext): Promise<Transition | undefined> {
  const original = ctx.execution.request.recoveryExecution;
  if (original === undefined) return undefined;
  const admin = ctx.execution.services.controlPlane.admin;
  const id = { executionId: original, nodeId: recoveryNodeId(ctx) };
  let recovered: NodeExecution;
  try {
    recovered = await admin.getNodeExecution(create(NodeExecutionGetRequestSchema, { id }));
  } catch (error) {
    warnUnlessNotFound(ctx, error, "failed to recover node");
    return undefined;
  }
  const closure = recovered.closure;
  if (closure === undefined) return undefined;
  switch (closure.phase) {
    case NodeExecution_Phase.SKIPPED:
      return undefined;
    case NodeExecution_Phase.SUCCEEDED:
    case NodeExecution_Phase.RECOVERED:
      break;
    default:
      return resumeFrom(ctx, original, recovered);
  }

  const data = await recoveredData(ctx, original);
  if (data === undefined) return undefined;
  await recoverInputs(ctx, recovered, data);
  const blobs = ctx.execution.services.blobs;
  let outputs: LiteralMap;
  if (data.fullOutputs !== undefined) outputs = data.fullOutputs;
  else if (closure.outputResult.case === "outputData") outputs = closure.outputResult.value;
  else if (closure.outputResult.case === "outputUri" && closure.outputResult.value !== "") {
    outputs = await readProto(blobs, closure.outputResult.value, LiteralMapSchema);
  } else outputs = create(LiteralMapSchema);

  const info: NodeEventInfo = { outputUri: ctx.outputsPath };
  if (closure.deckUri !== "" && (await blobs.exists(closure.deckUri))) info.deckUri = closure.deckUri;
  await writeProto(blobs, ctx.outputsPath, LiteralMapSchema, outputs);
  const target = closure.targetMetadata;
  if (target.case === "taskNodeMetadata") {
    info.taskNodeMetadata = create(TaskNodeMetadataSchema, {
      cacheStatus: target.value.cacheStatus,
      ...(target.value.catalogKey === undefined ? {} : { catalogKey: target.value.catalogKey }),
      ...(data.dynamicWorkflow === undefined
        ? {}
        : {
            dynamicWorkflow: { id: data.dynamicWorkflow.id, compiledWorkflow: data.dynamicWorkflow.compiledWorkflow },
          }),
    });
  } else if (target.case === "workflowNodeMetadata") {
    info.workflowNodeMetadata = create(WorkflowNodeMetadataSchema, { executionId: target.value.executionId });
  }
  return { phase: "recovered", info };
}

/** The id admin knows the node by: its unique id (event version ≥ 1), else its spec id. */
function recoveryNodeId(ctx: NodeContext): string {
  return ctx.execution.eventVersion === 0 ? ctx.nodeId : ctx.uniqueId;
}

/** A node that did not succeed in the original: keep its checkpoint; resume a dynamic node past its parent task. */
async function resumeFrom(
  ctx: NodeContext,
  original: WorkflowExecutionIdentifier,
  recovered: NodeExecution,
): Promise<Transition | undefined> {
  const closure = recovered.closure!;
  if (closure.targetMetadata.case === "taskNodeMetadata" && closure.targetMetadata.value.checkpointUri !== "") {
    const task = ctx.state.task() ?? { phase: PluginPhase.Undefined, version: 0 };
    ctx.state.putTask({ ...task, checkpoint: closure.targetMetadata.value.checkpointUri });
  }
  if (recovered.metadata?.isDynamic !== true || closure.dynamicJobSpecUri === "") return undefined;
  const data = await recoveredData(ctx, original);
  if (data === undefined) return undefined;
  await recoverInputs(ctx, recovered, data);
  try {
    await ctx.execution.services.blobs.copy(closure.dynamicJobSpecUri, futuresPath(ctx.outputDir));
  } catch (error) {
    throw new Error(
      `failed to store dynamic job spec for node. source file [${closure.dynamicJobSpecUri}] destination file [${futuresPath(ctx.outputDir)}]`,
      { cause: error },
    );
  }
  ctx.state.putDynamic({ phase: DynamicNodePhase.ParentFinalized });
  return { phase: "running" };
}

async function recoveredData(
  ctx: NodeContext,
  original: WorkflowExecutionIdentifier,
): Promise<NodeExecutionGetDataResponse | undefined> {
  try {
    return await ctx.execution.services.controlPlane.admin.getNodeExecutionData(
      create(NodeExecutionGetDataRequestSchema, { id: { executionId: original, nodeId: recoveryNodeId(ctx) } }),
    );
  } catch (error) {
    warnUnlessNotFound(ctx, error, "failed to recover node execution data");
    return undefined;
  }
}

/** The original's inputs, as this node's `inputs.pb` (from the data call, else read from its input URI). */
async function recoverInputs(
  ctx: NodeContext,
  recovered: NodeExecution,
  data: NodeExecutionGetDataResponse,
): Promise<void> {
  const blobs = ctx.execution.services.blobs;
  let inputs = data.fullInputs;
  if (inputs === undefined && recovered.inputUri !== "")
    inputs = await readProto(blobs, recovered.inputUri, LiteralMapSchema);
  if (inputs !== undefined) await writeProto(blobs, ctx.inputsPath, LiteralMapSchema, inputs);
}

function warnUnlessNotFound(ctx: NodeContext, error: unknown, message: string): void {
  if (error instanceof AloftError && error.code === Code.NotFound) return;
  if ((error as { code?: unknown } | undefined)?.code === Code.NotFound) return;
  ctx.execution.services.logger.warn({ err: error, node: ctx.nodeId }, message);
}
