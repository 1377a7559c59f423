/**
 * Launch-plan nodes (propeller's nodes/subworkflow/launchplan.go and launchplan/admin.go, §3.5 of the
 * engine spec): the node launches a child execution through admin, named
 * `fixedLen20(parentExecName-uniqueNodeId-attempt)` with FNV-64a, and follows it until it ends. In
 * recovery mode a child that succeeded in the original execution is recovered (`RecoverExecution`)
 * instead. The child's outputs become the node's; a failed child fails the node with the child's error,
 * an aborted one with `RemoteChildWorkflowExecutionFailed`; other phases (TIMED_OUT included, as in
 * propeller) keep the node running. Aborting the node terminates the child.
 *
 * Progress without polling: the node registers with the engine's {@link ChildExecutionWatch} so a child
 * run by this engine wakes it when it ends; a slow backstop timer re-checks children run elsewhere.
 */
import { create } from "@bufbuild/protobuf";
import { AloftError, Code, fixedLengthUniqueIdForParts } from "@aloft/idl";
import { EnvsSchema, LabelsSchema, AnnotationsSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  ExecutionCreateRequestSchema,
  ExecutionMetadata_ExecutionMode,
  ExecutionRecoverRequestSchema,
  ExecutionTerminateRequestSchema,
  WorkflowExecutionGetDataRequestSchema,
  WorkflowExecutionGetRequestSchema,
  type Execution,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { NodeExecutionGetRequestSchema } from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import {
  ExecutionError_ErrorKind,
  ExecutionErrorSchema,
  NodeExecution_Phase,
  WorkflowExecution_Phase,
} from "@aloft/idl/gen/flyteidl/core/execution_pb";
import {
  NodeExecutionIdentifierSchema,
  WorkflowExecutionIdentifierSchema,
  type Identifier,
  type NodeExecutionIdentifier,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { WorkflowNodeMetadataSchema } from "@aloft/idl/gen/flyteidl/event/event_pb";
import { readProto, writeProto } from "@aloft/storage";
import { executionError, messageOf, NodeError, systemError, userError } from "../semantics/execution-errors.js";
import { WorkflowNodePhase } from "../state/phases.js";
import { loadError } from "../state/workflow-status.js";
import type { NodeContext, NodeHandler, Transition } from "./node-handler.js";

/** propeller's `maxLengthForSubWorkflow`. */
const CHILD_EXECUTION_NAME_MAX_LENGTH = 20;
/** The label propeller recomputes for every execution (`k8s.ShardKeyLabel`). */
const SHARD_KEY_LABEL = "shard-key";
/** gRPC codes of a launch that failed for a system reason (the round is retried). */
const SYSTEM_LAUNCH_CODES = new Set([Code.DataLoss, Code.DeadlineExceeded, Code.Internal, Code.Unknown, Code.Canceled]);

/** Options of {@link createLaunchPlanNodeHandler}. */
export interface LaunchPlanNodeHandlerOptions {
  /** Backstop re-check of a running child (children run elsewhere do not wake the node). @default 5000 */
  recheckMs?: number;
}

/** The launch-plan node handler. */
export function createLaunchPlanNodeHandler(options: LaunchPlanNodeHandlerOptions = {}): NodeHandler {
  const recheckMs = options.recheckMs ?? 5_000;
  return {
    kind: "launchplan",
    finalizeRequired: false,
    async handle(ctx) {
      const state = ctx.state.workflow() ?? { phase: WorkflowNodePhase.Undefined };
      if (state.phase === WorkflowNodePhase.Undefined) {
        const transition = await startLaunchPlan(ctx, recheckMs);
        ctx.state.putWorkflow({ phase: WorkflowNodePhase.Executing });
        return transition;
      }
      if (state.phase === WorkflowNodePhase.Executing) return checkLaunchPlanStatus(ctx, recheckMs);
      // There is no failure node for launch plans: fail at once with the recorded error.
      return {
        phase: "failed",
        error:
          state.error === undefined
            ? executionError(ExecutionError_ErrorKind.UNKNOWN, "UnknownError", "")
            : loadError(state.error),
      };
    },
    async abort(ctx, reason) {
      const child = childExecutionId(ctx);
      ctx.execution.services.childExecutions?.unregister(child, ctx.execution.executionId);
      try {
        await ctx.execution.services.controlPlane.admin.terminateExecution(
          create(ExecutionTerminateRequestSchema, {
            id: child,
            cause: `cascading abort as parent execution id [${ctx.execution.executionId.name}] aborted, reason [${reason}]`,
          }),
        );
      } catch (error) {
        // An unknown or already terminated child needs no abort.
        if (isCode(error, Code.NotFound) || isCode(error, Code.FailedPrecondition)) return;
        throw new Error(`failed to terminate child execution [${child.name}]: ${messageOf(error)}`, { cause: error });
      }
    },
    finalize: () => Promise.resolve(),
  };
}

/** The node execution id the child names as its parent (`getParentNodeExecutionID`). */
export function parentNodeExecutionId(ctx: NodeContext): NodeExecutionIdentifier {
  const x = ctx.execution;
  return create(NodeExecutionIdentifierSchema, {
    executionId: x.executionId,
    nodeId: x.eventVersion === 0 ? ctx.nodeId : ctx.uniqueId,
  });
}

/** The child execution's id (`GetChildWorkflowExecutionIDV2`: FNV-64a, workflow definition version 1). */
export function childExecutionId(ctx: NodeContext): WorkflowExecutionIdentifier {
  const parent = parentNodeExecutionId(ctx);
  const executionId = ctx.execution.executionId;
  return create(WorkflowExecutionIdentifierSchema, {
    project: executionId.project,
    domain: executionId.domain,
    name: fixedLengthUniqueIdForParts(
      CHILD_EXECUTION_NAME_MAX_LENGTH,
      [executionId.name, parent.nodeId, String(ctx.attempt)],
      { algorithm: "fnv64a" },
    ),
  });
}

function launchPlanIdOf(ctx: NodeContext): Identifier | undefined {
  const target = ctx.node.target;
  if (target.case !== "workflowNode" || target.value.reference.case !== "launchplanRef") return undefined;
  return target.value.reference.value;
}

function launched(child: WorkflowExecutionIdentifier) {
  return { workflowNodeMetadata: create(WorkflowNodeMetadataSchema, { executionId: child }) };
}

/** propeller's `StartLaunchPlan`. */
async function startLaunchPlan(ctx: NodeContext, recheckMs: number): Promise<Transition> {
  const launchPlanId = launchPlanIdOf(ctx);
  if (launchPlanId === undefined) {
    return {
      phase: "failed",
      error: systemError(
        "BadSpecificationError",
        "workflow wfNode does not have a subworkflow or child workflow reference",
      ),
    };
  }
  let inputs: LiteralMap;
  try {
    inputs = await ctx.inputs();
  } catch (error) {
    return {
      phase: "failed",
      error: systemError("RuntimeExecutionError", `Failed to read input. Error [${messageOf(error)}]`),
    };
  }
  const x = ctx.execution;
  const admin = x.services.controlPlane.admin;
  const parentNodeExecution = parentNodeExecutionId(ctx);
  const child = childExecutionId(ctx);

  const original = x.request.recoveryExecution;
  let recoverFrom: WorkflowExecutionIdentifier | undefined;
  if (original !== undefined) recoverFrom = await recoveredChild(ctx, original);

  let created = false;
  try {
    if (recoverFrom !== undefined) {
      created = await recover(ctx, recoverFrom, child.name, parentNodeExecution);
    }
    if (!created) {
      await admin.createExecution(createRequest(ctx, child, launchPlanId, inputs, parentNodeExecution));
      created = true;
    }
  } catch (error) {
    if (isCode(error, Code.AlreadyExists)) {
      // Launched in an earlier round whose state was not saved: fine.
    } else if (isSystemLaunchError(error)) {
      throw new Error(`failed to launch workflow [${launchPlanId.name}], system error: ${messageOf(error)}`, {
        cause: error,
      });
    } else {
      return {
        phase: "failed",
        error: userError("RuntimeExecutionError", `failed to launch workflow: ${messageOf(error)}`),
        info: launched(child),
      };
    }
  }
  if (created) x.parallelism.increment();
  x.services.childExecutions?.register(child, x.executionId);
  x.wakeAt(x.now() + recheckMs);
  return { phase: "running", info: launched(child) };
}

/** The child the original execution's node ran, when it succeeded (recovery mode). */
async function recoveredChild(
  ctx: NodeContext,
  original: WorkflowExecutionIdentifier,
): Promise<WorkflowExecutionIdentifier | undefined> {
  const admin = ctx.execution.services.controlPlane.admin;
  try {
    const recovered = await admin.getNodeExecution(
      create(NodeExecutionGetRequestSchema, {
        id: { executionId: original, nodeId: parentNodeExecutionId(ctx).nodeId },
      }),
    );
    const closure = recovered.closure;
    if (closure?.phase !== NodeExecution_Phase.SUCCEEDED) return undefined;
    return closure.targetMetadata.case === "workflowNodeMetadata"
      ? closure.targetMetadata.value.executionId
      : undefined;
  } catch (error) {
    if (!isCode(error, Code.NotFound)) {
      ctx.execution.services.logger.warn({ err: error, node: ctx.nodeId }, "failed to recover workflow node");
    }
    return undefined;
  }
}

/** `RecoverExecution`; false when the original is unknown (then the child is created instead). */
async function recover(
  ctx: NodeContext,
  from: WorkflowExecutionIdentifier,
  name: string,
  parentNodeExecution: NodeExecutionIdentifier,
): Promise<boolean> {
  try {
    await ctx.execution.services.controlPlane.admin.recoverExecution(
      create(ExecutionRecoverRequestSchema, { id: from, name, metadata: { parentNodeExecution } }),
    );
    return true;
  } catch (error) {
    if (isCode(error, Code.NotFound)) {
      ctx.execution.services.logger.warn({ err: error }, "failed to recover the child execution; launching it instead");
      return false;
    }
    throw error;
  }
}

/** The `ExecutionCreateRequest` propeller's admin launcher sends. */
function createRequest(
  ctx: NodeContext,
  child: WorkflowExecutionIdentifier,
  launchPlan: Identifier,
  inputs: LiteralMap,
  parentNodeExecution: NodeExecutionIdentifier,
) {
  const request = ctx.execution.request;
  const config = request.executionConfig;
  const labels = Object.fromEntries(Object.entries(request.labels).filter(([key]) => key !== SHARD_KEY_LABEL));
  const rawOutputDataConfig = request.rawOutputDataConfig ?? config?.rawOutputDataConfig;
  return create(ExecutionCreateRequestSchema, {
    project: child.project,
    domain: child.domain,
    name: child.name,
    inputs,
    spec: {
      launchPlan,
      metadata: {
        mode: ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW,
        // propeller never sets the parent's nesting level or principal here: the child is always at 1.
        nesting: 1,
        principal: "",
        parentNodeExecution,
      },
      labels: create(LabelsSchema, { values: labels }),
      annotations: create(AnnotationsSchema, { values: { ...request.annotations } }),
      ...(config?.securityContext === undefined ? {} : { securityContext: config.securityContext }),
      maxParallelism: config?.maxParallelism ?? 0,
      ...(rawOutputDataConfig === undefined ? {} : { rawOutputDataConfig }),
      ...(config?.interruptible === undefined ? {} : { interruptible: config.interruptible }),
      overwriteCache: config?.overwriteCache ?? false,
      envs: create(EnvsSchema, { values: config?.envs?.values ?? [] }),
    },
  });
}

/** propeller's `CheckLaunchPlanStatus`. */
async function checkLaunchPlanStatus(ctx: NodeContext, recheckMs: number): Promise<Transition> {
  const x = ctx.execution;
  const admin = x.services.controlPlane.admin;
  const child = childExecutionId(ctx);
  // Registered before asking, so a child ending in between still wakes this node.
  x.services.childExecutions?.register(child, x.executionId);
  let execution: Execution;
  try {
    execution = await admin.getExecution(create(WorkflowExecutionGetRequestSchema, { id: child }));
  } catch (error) {
    if (!isCode(error, Code.NotFound)) throw error;
    x.services.childExecutions?.unregister(child, x.executionId);
    return {
      phase: "failed",
      error: systemError(
        "",
        new NodeError(
          ctx.nodeId,
          "",
          "launch-plan not found",
          error instanceof Error ? error : new Error(String(error)),
        ).message,
      ),
      info: launched(child),
    };
  }
  const closure = execution.closure;
  switch (closure?.phase) {
    case WorkflowExecution_Phase.ABORTED: {
      x.services.childExecutions?.unregister(child, x.executionId);
      const message = new NodeError(
        ctx.nodeId,
        "RemoteChildWorkflowExecutionFailed",
        `launchplan [${child.name}] aborted`,
        new Error("launchplan execution aborted"),
      ).message;
      return {
        phase: "failed",
        error: userError("RemoteChildWorkflowExecutionFailed", message),
        info: launched(child),
      };
    }
    case WorkflowExecution_Phase.FAILED: {
      x.services.childExecutions?.unregister(child, x.executionId);
      const error =
        closure.outputResult.case === "error"
          ? closure.outputResult.value
          : create(ExecutionErrorSchema, { code: "LaunchPlanExecutionFailed", message: "Unknown Error" });
      return { phase: "failed", error, info: launched(child) };
    }
    case WorkflowExecution_Phase.SUCCEEDED: {
      x.services.childExecutions?.unregister(child, x.executionId);
      const outputs = await childOutputs(ctx, child, execution);
      await writeProto(x.services.blobs, ctx.outputsPath, LiteralMapSchema, outputs);
      return { phase: "success", info: { ...launched(child), outputUri: ctx.outputsPath } };
    }
    default:
      x.parallelism.increment();
      x.wakeAt(x.now() + recheckMs);
      return { phase: "running" };
  }
}

/** The child's outputs: `GetExecutionData`, else its outputs URI (propeller's launcher `syncItem`). */
async function childOutputs(
  ctx: NodeContext,
  child: WorkflowExecutionIdentifier,
  execution: Execution,
): Promise<LiteralMap> {
  const x = ctx.execution;
  let failure: unknown;
  try {
    const data = await x.services.controlPlane.admin.getExecutionData(
      create(WorkflowExecutionGetDataRequestSchema, { id: child }),
    );
    if (data.fullOutputs !== undefined) return data.fullOutputs;
  } catch (error) {
    failure = error;
  }
  const result = execution.closure?.outputResult;
  const uri = result?.case === "outputs" && result.value.data.case === "uri" ? result.value.data.value : "";
  if (uri === "") {
    if (failure !== undefined) throw failure;
    return create(LiteralMapSchema);
  }
  return readProto(x.services.blobs, uri, LiteralMapSchema);
}

function isCode(error: unknown, code: Code): boolean {
  return (
    (error instanceof AloftError && error.code === code) ||
    (typeof error === "object" && error !== null && (error as { code?: unknown }).code === code)
  );
}

function isSystemLaunchError(error: unknown): boolean {
  for (const code of SYSTEM_LAUNCH_CODES) if (isCode(error, code)) return true;
  // Anything that is not a gRPC error (a network failure) is a system error too.
  return (
    !(error instanceof AloftError) &&
    (typeof error !== "object" || error === null || typeof (error as { code?: unknown }).code !== "number")
  );
}
