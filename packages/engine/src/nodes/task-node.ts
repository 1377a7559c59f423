/**
 * Task nodes (propeller's nodes/task/handler.go): resolve the plugin, run one round of the attempt,
 * report task events once per (phase, version), validate what a successful attempt left in its output
 * prefix, and keep the plugin's state in the node status.
 */
import { create, type JsonValue } from "@bufbuild/protobuf";
import {
  ExecutionError_ErrorKind,
  TaskExecution_Phase,
  type ExecutionError,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { TaskNodeMetadataSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { type BlobStore, deckPath, errorPath, futuresPath, readProtoIfExists, writeProto } from "@aloft/storage";
import { isEventError } from "../events/event-recorder.js";
import { buildTaskEvent } from "../events/task-event.js";
import { UNSUPPORTED_TASK_TYPE } from "../plugins/plugin-registry.js";
import { isTerminalPluginPhase, type PhaseInfo, PluginPhase, type TaskPlugin } from "../plugins/task-plugin.js";
import { executionError, messageOf, systemError, userError } from "../semantics/execution-errors.js";
import { taskFailureFromContainerError } from "../semantics/task-failure.js";
import type { TaskNodeStatus } from "../state/workflow-status.js";
import type { NodeCacheInfo, NodeContext, NodeEventInfo, NodeHandler, Transition } from "./node-handler.js";
import { buildTaskExecutionContext } from "./task-execution-context.js";

/** propeller's `max-plugin-phase-versions`. */
export const MAX_PLUGIN_PHASE_VERSIONS = 100_000;

/** Options of {@link createTaskNodeHandler}. */
export interface TaskNodeHandlerOptions {
  /**
   * What a successful attempt that wrote `futures.pb` (a dynamic task) becomes: `fail` (no dynamic node
   * support: the node fails) or `succeed` (success without output validation, for a dynamic handler
   * wrapping this one). @default "fail"
   */
  futures?: "fail" | "succeed";
}

/** The task node handler. */
export function createTaskNodeHandler(options: TaskNodeHandlerOptions = {}): NodeHandler {
  const futuresMode = options.futures ?? "fail";
  return {
    kind: "task",
    finalizeRequired: true,
    async handle(ctx) {
      const template = taskTemplateOf(ctx);
      if (template === undefined) {
        return {
          phase: "failed",
          error: systemError("TaskNotFound", `task of node [${ctx.nodeId}] is not in the closure`),
        };
      }
      let plugin: TaskPlugin;
      try {
        plugin = resolvePlugin(ctx, template);
      } catch (error) {
        return { phase: "failed", error: systemError(UNSUPPORTED_TASK_TYPE, messageOf(error)) };
      }
      const stored: TaskNodeStatus = ctx.state.task() ?? { phase: PluginPhase.Undefined, version: 0 };
      const tctx = buildTaskExecutionContext({
        ctx,
        template,
        plugin,
        state: stored.state,
        ...(stored.checkpoint === undefined ? {} : { recoveredCheckpoint: stored.checkpoint }),
      });
      const occurredAtMs = ctx.execution.now();
      let info = await plugin.handle(tctx);
      if (info.phase === PluginPhase.Undefined) {
        throw new Error(`plugin [${plugin.id}] returned phase Undefined for node [${ctx.nodeId}]`);
      }
      const version = info.version ?? 0;
      const nextState = (s: Partial<TaskNodeStatus>): TaskNodeStatus => {
        const next: TaskNodeStatus = { ...stored, ...s };
        if (tctx.newState === undefined) delete next.state;
        else next.state = tctx.newState as JsonValue;
        return next;
      };
      const checkpointUri = tctx.paths.checkpointPrefix;

      if (info.phase === stored.phase && version === stored.version) {
        // Previously observed: no events, keep the state the plugin may have changed.
        ctx.state.putTask(nextState({}));
        if (!isTerminalPluginPhase(info.phase)) ctx.execution.parallelism.increment();
        return finalTransition(info, { taskNodeMetadata: create(TaskNodeMetadataSchema, { checkpointUri }) });
      }
      if (info.phase === stored.phase && version > MAX_PLUGIN_PHASE_VERSIONS) {
        info = {
          phase: PluginPhase.PermanentFailure,
          version,
          error: executionError(
            ExecutionError_ErrorKind.UNKNOWN,
            "TooManyPluginPhaseVersions",
            `Total number of phase versions exceeded for phase [${PluginPhase[info.phase]}] in Plugin [${plugin.id}]. Attempted to set version to [${version}], max allowed [${MAX_PLUGIN_PHASE_VERSIONS}]`,
          ),
        };
      }

      const generatesDeck = template.metadata?.generatesDeck;
      const eventInfo: NodeEventInfo = { taskNodeMetadata: create(TaskNodeMetadataSchema, { checkpointUri }) };
      if (generatesDeck === true) eventInfo.deckUri = deckPath(ctx.outputDir);
      let outputUri: string | undefined;
      let present: OutputDirectory | undefined;
      if (info.phase === PluginPhase.Success && info.outputs !== undefined) {
        // Outputs handed over in memory come from an in-process run that wrote nothing else to the output
        // prefix (PhaseInfo.outputs): no futures.pb, error.pb or deck to look for, and outputs.pb exists now.
        await writeProto(ctx.execution.services.blobs, ctx.outputsPath, LiteralMapSchema, info.outputs);
        outputUri = ctx.outputsPath;
      } else if (info.phase === PluginPhase.Success) {
        if (generatesDeck === undefined) eventInfo.deckUri = deckPath(ctx.outputDir);
        present = await listOutputDirectory(ctx.execution.services.blobs, ctx.outputDir);
        if (await present.has(futuresPath(ctx.outputDir))) {
          if (futuresMode === "fail") {
            info = {
              ...info,
              phase: PluginPhase.PermanentFailure,
              error: userError(
                "DynamicWorkflowsNotSupported",
                "dynamic workflows are not supported yet: the task wrote futures.pb instead of outputs",
              ),
            };
          }
        } else {
          const failure = await validateOutputs(ctx, template, present);
          if (failure === undefined) {
            outputUri = ctx.outputsPath;
          } else {
            info = {
              ...info,
              phase: failure.recoverable ? PluginPhase.RetryableFailure : PluginPhase.PermanentFailure,
              error: failure.error,
            };
          }
        }
      }
      if (isTerminalPluginPhase(info.phase) && generatesDeck !== false && eventInfo.deckUri !== undefined) {
        const deck = eventInfo.deckUri;
        const exists = present === undefined ? ctx.execution.services.blobs.exists(deck) : present.has(deck);
        if (!(await exists)) delete eventInfo.deckUri;
      }
      if (outputUri !== undefined) eventInfo.outputUri = outputUri;

      const event = buildTaskEvent({
        taskExecutionId: tctx.taskExecutionId,
        info,
        producerId: ctx.execution.services.clusterId,
        taskType: template.type,
        pluginId: plugin.id,
        generatedName: tctx.generatedName,
        interruptible: ctx.interruptible,
        inputUri: ctx.inputsPath,
        ...(outputUri === undefined ? {} : { outputUri }),
        reportedAtMs: ctx.execution.now(),
        occurredAtMs,
      });
      await ctx.execution.events.recordTaskEvent(event);

      ctx.state.putTask(
        nextState({
          phase: info.phase,
          version: info.version ?? 0,
          updatedAt: info.phase === stored.phase ? (stored.updatedAt ?? occurredAtMs) : occurredAtMs,
        }),
      );
      if (!isTerminalPluginPhase(info.phase)) ctx.execution.parallelism.increment();
      const transition = finalTransition(info, eventInfo);
      if (transition.phase === "success" && plugin.properties?.finalizeKeepsOutcome === true) {
        transition.finalizeNow = true;
      }
      return transition;
    },

    async abort(ctx, reason) {
      const stored = ctx.state.task();
      const phase = stored?.phase ?? PluginPhase.Undefined;
      const isFailure = phase === PluginPhase.RetryableFailure || phase === PluginPhase.PermanentFailure;
      if (isTerminalPluginPhase(phase) && !(isFailure && stored?.cleanupOnFailure === true)) return;
      const template = taskTemplateOf(ctx);
      if (template === undefined) return;
      const plugin = resolvePlugin(ctx, template);
      const tctx = buildTaskExecutionContext({ ctx, template, plugin, state: stored?.state });
      await plugin.abort(tctx, reason);
      const now = ctx.execution.now();
      const event = buildTaskEvent({
        taskExecutionId: tctx.taskExecutionId,
        info: { phase: PluginPhase.Aborted, version: (stored?.version ?? 0) + 1 },
        phase: TaskExecution_Phase.ABORTED,
        error: executionError(ExecutionError_ErrorKind.UNKNOWN, "Task Aborted", reason),
        producerId: ctx.execution.services.clusterId,
        taskType: template.type,
        pluginId: plugin.id,
        generatedName: tctx.generatedName,
        interruptible: ctx.interruptible,
        inputUri: ctx.inputsPath,
        reportedAtMs: now,
        occurredAtMs: now,
      });
      try {
        await ctx.execution.events.recordTaskEvent(event);
      } catch (error) {
        if (!isEventError(error, "executionNotFound", "incompatibleCluster", "alreadyInTerminalState")) throw error;
      }
    },

    async finalize(ctx) {
      const template = taskTemplateOf(ctx);
      if (template === undefined) return;
      let plugin: TaskPlugin;
      try {
        plugin = resolvePlugin(ctx, template);
      } catch {
        return;
      }
      await plugin.finalize(buildTaskExecutionContext({ ctx, template, plugin, state: ctx.state.task()?.state }));
    },

    cacheInfo(ctx): NodeCacheInfo | undefined {
      const template = taskTemplateOf(ctx);
      if (template === undefined || template.metadata?.discoverable !== true) return undefined;
      let plugin: TaskPlugin;
      try {
        plugin = resolvePlugin(ctx, template);
      } catch {
        return undefined;
      }
      if (plugin.properties?.disableNodeLevelCaching === true) return undefined;
      return {
        cacheable: true,
        serializable: template.metadata.cacheSerializable,
        async request(nodeCtx) {
          const tctx = buildTaskExecutionContext({ ctx: nodeCtx, template, plugin, state: undefined });
          return { template, inputs: await nodeCtx.inputs(), source: tctx.taskExecutionId };
        },
      };
    },
  };
}

/** The task template a task node runs. */
export function taskTemplateOf(ctx: NodeContext): TaskTemplate | undefined {
  const target = ctx.node.target;
  if (target.case !== "taskNode" || target.value.reference.case !== "referenceId") return undefined;
  return ctx.execution.closure.task(target.value.reference.value);
}

function resolvePlugin(ctx: NodeContext, template: TaskTemplate): TaskPlugin {
  return ctx.execution.services.plugins.resolve(template.type, ctx.execution.request.taskPluginOverrides);
}

/** Which objects an attempt left in its output directory. */
interface OutputDirectory {
  has(uri: string): Promise<boolean>;
}

/**
 * The output directory listed once (one directory read, or one S3 LIST) rather than probed file by file. A
 * store that refuses the listing (an S3 role allowed GetObject but not ListBucket) is probed per file, as
 * propeller does.
 */
async function listOutputDirectory(blobs: BlobStore, dir: string): Promise<OutputDirectory> {
  const files = new Set<string>();
  try {
    for await (const uri of blobs.list(dir.endsWith("/") ? dir : `${dir}/`, { recursive: false })) files.add(uri);
  } catch {
    return { has: (uri) => blobs.exists(uri) };
  }
  return { has: (uri) => Promise.resolve(files.has(uri)) };
}

/** propeller's `ValidateOutput`: `error.pb` wins; declared outputs must exist (`present`: the output directory). */
async function validateOutputs(
  ctx: NodeContext,
  template: TaskTemplate,
  present: OutputDirectory,
): Promise<{ error: ExecutionError; recoverable: boolean } | undefined> {
  const blobs = ctx.execution.services.blobs;
  const document = (await present.has(errorPath(ctx.outputDir)))
    ? await readProtoIfExists(blobs, errorPath(ctx.outputDir), ErrorDocumentSchema)
    : undefined;
  if (document !== undefined) {
    if (document.error === undefined) {
      return {
        error: executionError(ExecutionError_ErrorKind.UNKNOWN, "Unknown", "Unknown"),
        recoverable: false,
      };
    }
    return taskFailureFromContainerError(document.error);
  }
  const declared = Object.keys(template.interface?.outputs?.variables ?? {}).length > 0;
  if (!declared) return undefined;
  if (await present.has(ctx.outputsPath)) return undefined;
  return {
    error: executionError(
      ExecutionError_ErrorKind.UNKNOWN,
      "OutputsNotFound",
      "Outputs not generated by task execution",
    ),
    recoverable: true,
  };
}

/** propeller's `FinalTransition`. */
function finalTransition(info: PhaseInfo, eventInfo: NodeEventInfo): Transition {
  const reason = info.reason;
  const base = reason === undefined ? {} : { reason };
  switch (info.phase) {
    case PluginPhase.Success:
      return { ...base, phase: "success", info: eventInfo };
    case PluginPhase.RetryableFailure:
      return { ...base, phase: "retryableFailure", error: info.error ?? unknownError(), info: eventInfo };
    case PluginPhase.PermanentFailure:
      return { ...base, phase: "failed", error: info.error ?? unknownError(), info: eventInfo };
    default:
      return { ...base, phase: "running", info: eventInfo };
  }
}

function unknownError(): ExecutionError {
  return executionError(ExecutionError_ErrorKind.UNKNOWN, "Unknown", "plugin reported a failure without an error");
}
