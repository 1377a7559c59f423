/**
 * Dynamic nodes (propeller's nodes/dynamic/handler.go, §3.3 of the engine spec): a decorator of the task
 * handler. A task that succeeds having written `futures.pb` is a dynamic task: its node stays running while
 * the parent task is finalized (ParentFinalizing → ParentFinalized), the workflow it returned is built,
 * cached next to the futures file and reported (DYNAMIC_RUNNING with the compiled workflow), then run as a
 * sub-DAG of the node (Executing) whose end-node outputs become the node's outputs. A failed or timed-out
 * sub-DAG makes the node fail (Failing: abort it, then a permanent failure, or a retryable one after a
 * timeout); a retry re-runs the parent task from scratch.
 */
import { create, toJsonString } from "@bufbuild/protobuf";
import { flyteidlRegistry } from "@aloft/idl";
import { CompiledWorkflowClosureSchema, type CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { TaskExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { TaskNodeMetadataSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import {
  dynamicCompiledPath,
  END_NODE_ID,
  errorPath,
  futuresCompiledPath,
  futuresPath,
  nestedNodeDataDir,
  nodeOutputDir,
  outputsPath,
  readProto,
  readProtoIfExists,
  START_NODE_ID,
  writeProto,
} from "@aloft/storage";
import { type ClosureIndex, indexClosure } from "../executor/closure-index.js";
import { executionError, messageOf, systemError, userError } from "../semantics/execution-errors.js";
import { taskFailureFromContainerError } from "../semantics/task-failure.js";
import { loadError, nodeStatusIn, storeError, type DynamicNodeStatus } from "../state/workflow-status.js";
import { adminLaunchPlanLookup, buildDynamicWorkflow } from "./dynamic-workflow-builder.js";
import type { DagScope, NodeContext, NodeHandler, SubDag, Transition } from "./node-handler.js";
import { taskTemplateOf } from "./task-node.js";

/** propeller's `DynamicNodePhase`. */
export enum DynamicNodePhase {
  None = 0,
  Executing = 1,
  Failing = 2,
  ParentFinalizing = 3,
  ParentFinalized = 4,
}

/** Key of the dynamic workflow's statuses in the node's sub-node statuses (propeller's `dynamicNodeID`). */
export const DYNAMIC_NODE_ID = "dynamic-node";

/** Code of the failure of a dynamic workflow that cannot be built. */
export const DYNAMIC_WORKFLOW_BUILD_FAILED = "DynamicWorkflowBuildFailed";

/** A built dynamic workflow, ready to traverse. */
interface DynamicWorkflow {
  closure: CompiledWorkflowClosure;
  index: ClosureIndex;
}

type Loaded = { ok: true; workflow: DynamicWorkflow } | { ok: false; message: string };

/** Compiled dynamic workflows kept in memory (by `dynamic_compiled.pb` URI, which one attempt writes once). */
const COMPILED_CACHE_SIZE = 256;

/** Wraps `taskHandler` (created with `futures: "succeed"`) so that dynamic tasks run their workflows. */
export function createDynamicNodeHandler(taskHandler: NodeHandler): NodeHandler {
  const compiled = new Map<string, DynamicWorkflow>();

  /** The dynamic workflow of the node's current attempt: from memory, the cached closure, or built. */
  async function load(ctx: NodeContext): Promise<Loaded> {
    const cacheUri = dynamicCompiledPath(ctx.outputDir);
    const remembered = compiled.get(cacheUri);
    if (remembered !== undefined) return { ok: true, workflow: remembered };
    const blobs = ctx.execution.services.blobs;
    let closure = await readProtoIfExists(blobs, cacheUri, CompiledWorkflowClosureSchema).catch((error: unknown) => {
      // An unreadable cache is rebuilt, as propeller does.
      ctx.execution.services.logger.warn({ err: error, uri: cacheUri }, "could not read the compiled dynamic workflow");
      return undefined;
    });
    if (closure === undefined) {
      const built = await build(ctx);
      if (!built.ok) return built;
      closure = built.closure;
      await cache(ctx, closure);
    }
    const workflow = { closure, index: indexClosure(closure) };
    if (compiled.size >= COMPILED_CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    compiled.set(cacheUri, workflow);
    return { ok: true, workflow };
  }

  async function build(
    ctx: NodeContext,
  ): Promise<{ ok: true; closure: CompiledWorkflowClosure } | { ok: false; message: string }> {
    const parentTask = taskTemplateOf(ctx);
    if (parentTask === undefined) throw new Error(`task of node [${ctx.nodeId}] is not in the closure`);
    let spec;
    try {
      spec = await readProto(ctx.execution.services.blobs, futuresPath(ctx.outputDir), DynamicJobSpecSchema);
    } catch (error) {
      throw new Error(`unable to read futures file, maybe corrupted: ${messageOf(error)}`, { cause: error });
    }
    return buildDynamicWorkflow({
      spec,
      parentTask,
      nodeId: ctx.uniqueId,
      executionId: ctx.execution.executionId,
      launchPlan: adminLaunchPlanLookup(ctx.execution.services.controlPlane.admin),
    });
  }

  /** Writes the compiled workflow next to the futures file; failing to is not fatal (it is rebuilt). */
  async function cache(ctx: NodeContext, closure: CompiledWorkflowClosure): Promise<void> {
    const blobs = ctx.execution.services.blobs;
    try {
      await blobs.put(
        futuresCompiledPath(ctx.outputDir),
        toJsonString(CompiledWorkflowClosureSchema, closure, { registry: flyteidlRegistry }),
        { contentType: "application/json" },
      );
      await writeProto(blobs, dynamicCompiledPath(ctx.outputDir), CompiledWorkflowClosureSchema, closure);
    } catch (error) {
      ctx.execution.services.logger.warn({ err: error }, "could not cache the compiled dynamic workflow");
    }
  }

  async function handleParent(ctx: NodeContext): Promise<Transition> {
    const transition = await taskHandler.handle(ctx);
    // A success with an output URI passed output validation, which the task handler skips for futures.
    if (transition.phase !== "success" || transition.info?.outputUri !== undefined) return transition;
    if (!(await ctx.execution.services.blobs.exists(futuresPath(ctx.outputDir)))) return transition;
    ctx.state.putDynamic({ phase: DynamicNodePhase.ParentFinalizing });
    return { phase: "running", ...(transition.info === undefined ? {} : { info: transition.info }) };
  }

  async function produce(ctx: NodeContext): Promise<Transition> {
    const loaded = await load(ctx);
    if (!loaded.ok) return buildFailed(ctx, loaded.message);
    const { closure } = loaded.workflow;
    ctx.state.putDynamic({ phase: DynamicNodePhase.Executing });
    return {
      phase: "dynamicRunning",
      info: {
        taskNodeMetadata: create(TaskNodeMetadataSchema, {
          dynamicWorkflow: {
            id: closure.primary?.template?.id,
            compiledWorkflow: closure,
            dynamicJobSpecUri: futuresPath(ctx.outputDir),
          },
        }),
      },
    };
  }

  async function executeSubNodes(ctx: NodeContext): Promise<Transition> {
    const loaded = await load(ctx);
    if (!loaded.ok) return buildFailed(ctx, loaded.message);
    const dag = subDag(ctx, loaded.workflow);
    const status = await ctx.executeDag(dag);
    if (status.kind === "failed" || status.kind === "timedOut") {
      // Failure nodes of dynamic workflows are not run (propeller does not support them).
      const failing: DynamicNodeStatus = {
        phase: DynamicNodePhase.Failing,
        reason: "Dynamic workflow failed",
        permanentFailure: status.kind === "failed",
      };
      if (status.kind === "failed") failing.error = storeError(status.error);
      ctx.state.putDynamic(failing);
      return { phase: "dynamicRunning" };
    }
    if (status.kind !== "complete") return { phase: "dynamicRunning" };

    let outputUri: string | undefined;
    if ((loaded.workflow.closure.primary?.template?.outputs.length ?? 0) > 0) {
      const endStatus = dag.scope.statuses[END_NODE_ID];
      if (endStatus === undefined) {
        ctx.state.putDynamic({ phase: DynamicNodePhase.Failing, reason: "no end-node found in dynamic workflow" });
        return {
          phase: "failed",
          error: systemError("MalformedDynamicWorkflow", "no end-node found in dynamic workflow"),
        };
      }
      const source = outputsPath(
        nodeOutputDir({ nodeDataDir: dag.scope.dataDirOf(END_NODE_ID), attempt: endStatus.attempts ?? 0 }),
      );
      const blobs = ctx.execution.services.blobs;
      if (!(await blobs.exists(source))) {
        ctx.state.putDynamic({
          phase: DynamicNodePhase.Failing,
          reason: "DynamicWorkflow is expected to produce outputs but no outputs file was written",
        });
        return {
          phase: "retryableFailure",
          error: systemError(
            "DynamicWorkflowOutputsNotFound",
            ` is expected to produce outputs but no outputs file was written to ${source}.`,
          ),
        };
      }
      await blobs.copy(source, ctx.outputsPath);
      outputUri = ctx.outputsPath;
    }
    const invalid = await validateOutputs(ctx);
    if (invalid !== undefined) {
      ctx.state.putDynamic({ phase: DynamicNodePhase.Failing, reason: invalid.transition.error!.message });
      return invalid.transition;
    }
    return { phase: "success", ...(outputUri === undefined ? {} : { info: { outputUri } }) };
  }

  async function fail(ctx: NodeContext, state: DynamicNodeStatus): Promise<Transition> {
    await handler.abort(ctx, state.reason ?? "");
    const phase = state.permanentFailure === true ? "failed" : "retryableFailure";
    const error =
      state.error === undefined
        ? executionError(ExecutionError_ErrorKind.UNKNOWN, "DynamicNodeFailing", state.reason ?? "")
        : loadError(state.error);
    return { phase, error };
  }

  const handler: NodeHandler = {
    kind: taskHandler.kind,
    finalizeRequired: true,
    async handle(ctx) {
      const state = ctx.state.dynamic() ?? { phase: DynamicNodePhase.None };
      switch (state.phase) {
        case DynamicNodePhase.Executing:
          return executeSubNodes(ctx);
        case DynamicNodePhase.Failing:
          return fail(ctx, state);
        case DynamicNodePhase.ParentFinalizing:
          await taskHandler.finalize(ctx);
          ctx.state.putDynamic({ phase: DynamicNodePhase.ParentFinalized });
          return { phase: "running" };
        case DynamicNodePhase.ParentFinalized:
          return produce(ctx);
        default:
          return handleParent(ctx);
      }
    },
    async abort(ctx, reason) {
      const phase = ctx.state.dynamic()?.phase ?? DynamicNodePhase.None;
      if (phase !== DynamicNodePhase.Failing && phase !== DynamicNodePhase.Executing) {
        await taskHandler.abort(ctx, reason);
        return;
      }
      const loaded = await load(ctx);
      // A workflow that cannot be built never started nodes: nothing to abort.
      if (!loaded.ok) return;
      await ctx.abortDag(subDag(ctx, loaded.workflow), reason);
    },
    async finalize(ctx) {
      const errors: unknown[] = [];
      const phase = ctx.state.dynamic()?.phase ?? DynamicNodePhase.None;
      if (phase === DynamicNodePhase.Failing || phase === DynamicNodePhase.Executing) {
        try {
          const loaded = await load(ctx);
          if (loaded.ok) await ctx.finalizeDag(subDag(ctx, loaded.workflow));
        } catch (error) {
          errors.push(error);
        }
      }
      // The parent task is always finalized, whatever the dynamic workflow's state.
      try {
        await taskHandler.finalize(ctx);
      } catch (error) {
        errors.push(error);
      }
      if (errors.length > 0) throw new Error(errors.map(messageOf).join("; "), { cause: errors[0] });
    },
  };
  if (taskHandler.cacheInfo !== undefined) handler.cacheInfo = (ctx) => taskHandler.cacheInfo!(ctx);
  return handler;
}

/** A build failure: the node fails permanently with a USER error, its dynamic state Failing. */
function buildFailed(ctx: NodeContext, message: string): Transition {
  ctx.state.putDynamic({ phase: DynamicNodePhase.Failing, reason: message });
  return { phase: "failed", error: userError(DYNAMIC_WORKFLOW_BUILD_FAILED, message) };
}

/** The dynamic workflow's DAG: statuses under `nodes["dynamic-node"].nodes`, data dirs below the node's output dir. */
function subDag(ctx: NodeContext, workflow: DynamicWorkflow): SubDag {
  const holder = nodeStatusIn(ctx.subNodeStatuses(), DYNAMIC_NODE_ID);
  holder.nodes ??= {};
  const outputDir = ctx.outputDir;
  const x = ctx.execution;
  const scope: DagScope = {
    graph: workflow.index.primary,
    statuses: holder.nodes,
    dataDirOf: (id) => nestedNodeDataDir({ parentOutputDir: outputDir, nodeId: id }),
    parent: { uniqueId: ctx.uniqueId, attempt: ctx.attempt, inDynamicChain: true },
    failFast: workflow.index.primary.failFast,
    closure: workflow.index,
    ...(x.eventVersion === 0
      ? {
          parentTaskExecutionId: create(TaskExecutionIdentifierSchema, {
            taskId: taskTemplateOf(ctx)?.id,
            nodeExecutionId: { executionId: x.executionId, nodeId: ctx.nodeId },
            retryAttempt: ctx.attempt,
          }),
        }
      : {}),
  };
  return { scope, startNodeId: START_NODE_ID };
}

/**
 * propeller's `ValidateOutput` after the dynamic workflow completed: an `error.pb` in the node's output
 * dir wins; declared outputs must exist.
 */
async function validateOutputs(ctx: NodeContext): Promise<{ transition: Transition } | undefined> {
  const blobs = ctx.execution.services.blobs;
  const document = await readProtoIfExists(blobs, errorPath(ctx.outputDir), ErrorDocumentSchema);
  if (document !== undefined) {
    if (document.error === undefined) {
      return {
        transition: { phase: "failed", error: executionError(ExecutionError_ErrorKind.UNKNOWN, "Unknown", "Unknown") },
      };
    }
    const failure = taskFailureFromContainerError(document.error);
    return { transition: { phase: failure.recoverable ? "retryableFailure" : "failed", error: failure.error } };
  }
  const declared = Object.keys(taskTemplateOf(ctx)?.interface?.outputs?.variables ?? {}).length > 0;
  if (!declared || (await blobs.exists(ctx.outputsPath))) return undefined;
  return {
    transition: {
      phase: "retryableFailure",
      error: executionError(
        ExecutionError_ErrorKind.UNKNOWN,
        "OutputsNotFound",
        "Outputs not generated by task execution",
      ),
    },
  };
}
