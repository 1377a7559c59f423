/*
 * A TEST DOUBLE OF ADMIN's execution API for launch-plan nodes and recovery mode, on top of the recording
 * control plane (which keeps the events): CreateExecution and RecoverExecution hand the child to the engine
 * through admin's hand-off queue (as embedded admin does), GetExecution / GetExecutionData answer from the
 * recorded workflow events and the blob store, TerminateExecution hands an abort off, GetLaunchPlan serves
 * registered launch plans, and GetNodeExecution / GetNodeExecutionData answer from recorded node events.
 */
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { AloftError, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  ExecutionCreateResponseSchema,
  ExecutionSchema,
  ExecutionTerminateResponseSchema,
  WorkflowExecutionGetDataResponseSchema,
  type ExecutionCreateRequest,
  type ExecutionRecoverRequest,
  type ExecutionTerminateRequest,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecutionConfigSchema } from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import {
  NodeExecutionGetDataResponseSchema,
  NodeExecutionSchema,
} from "@aloft/idl/gen/flyteidl/admin/node_execution_pb";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Identifier, WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { NodeExecutionEvent } from "@aloft/idl/gen/flyteidl/event/event_pb";
import type { ExecutionRequest, WorkflowExecutor } from "@aloft/db";
import { readProto, type BlobStore } from "@aloft/storage";
import type { ControlPlane } from "../control-plane/control-plane.js";
import type { RecordingControlPlane } from "../testing/recording-control-plane.test-helper.js";

/** A launch plan the double knows: it runs `closure`. */
export interface LaunchPlanFixture {
  id: Identifier;
  closure: CompiledWorkflowClosure;
}

export interface ChildExecutionsAdmin {
  readonly controlPlane: ControlPlane;
  readonly created: ExecutionCreateRequest[];
  readonly recovered: ExecutionRecoverRequest[];
  readonly terminated: ExecutionTerminateRequest[];
  /** Requests of every execution the double handed off, by name. */
  readonly requests: Map<string, ExecutionRequest>;
  /** Connects the double to the harness's hand-off and blob store. */
  bind(target: { executor: WorkflowExecutor; blobs: BlobStore }): void;
  /** Hands an execution to the engine as admin does and remembers its request (for recovery). */
  submit(request: ExecutionRequest): Promise<void>;
}

export function createChildExecutionsAdmin(
  plane: RecordingControlPlane,
  launchPlans: readonly LaunchPlanFixture[] = [],
): ChildExecutionsAdmin {
  let bound: { executor: WorkflowExecutor; blobs: BlobStore } | undefined;
  const target = () => {
    if (bound === undefined) throw new Error("bind() the child executions admin to a harness first");
    return bound;
  };
  const requests = new Map<string, ExecutionRequest>();
  const created: ExecutionCreateRequest[] = [];
  const recovered: ExecutionRecoverRequest[] = [];
  const terminated: ExecutionTerminateRequest[] = [];
  const workflowEvent = (name: string, phase: WorkflowExecution_Phase) =>
    plane.workflowEvents.findLast((e) => e.executionId?.name === name && e.phase === phase);
  const lastNodeEvent = (execution: string, nodeId: string): NodeExecutionEvent | undefined =>
    plane.nodeEvents.findLast((e) => e.id?.executionId?.name === execution && e.id.nodeId === nodeId);

  const submit = async (request: ExecutionRequest): Promise<void> => {
    requests.set(request.executionId.name, request);
    plane.register(request.executionId.name);
    await target().executor.execute(request);
  };

  const controlPlane: ControlPlane = {
    signals: plane.signals,
    admin: {
      ...plane.admin,
      async createExecution(request) {
        if (requests.has(request.name)) throw AloftError.alreadyExists(`execution ${request.name} already exists`);
        const lpId = request.spec?.launchPlan;
        const launchPlan = launchPlans.find((lp) => lp.id.name === lpId?.name);
        if (launchPlan === undefined) throw AloftError.notFound(`launch plan ${lpId?.name} not found`);
        created.push(request);
        const spec = request.spec!;
        await submit({
          executionId: {
            $typeName: "flyteidl.core.WorkflowExecutionIdentifier",
            project: request.project,
            domain: request.domain,
            name: request.name,
            org: "",
          },
          namespace: `${request.project}-${request.domain}`,
          referenceWorkflowName: launchPlan.closure.primary?.template?.id?.name ?? "",
          referenceLaunchPlanName: launchPlan.id.name,
          workflowClosure: launchPlan.closure,
          inputsUri: "",
          inputs: request.inputs ?? create(LiteralMapSchema),
          acceptedAt: timestampNow(),
          labels: { ...spec.labels?.values },
          annotations: { ...spec.annotations?.values },
          taskPluginOverrides: [],
          executionConfig: create(WorkflowExecutionConfigSchema, {
            maxParallelism: spec.maxParallelism,
            ...(spec.envs === undefined ? {} : { envs: spec.envs }),
            overwriteCache: spec.overwriteCache,
          }),
          eventVersion: 2,
        });
        return create(ExecutionCreateResponseSchema, {
          id: { project: request.project, domain: request.domain, name: request.name },
        });
      },
      async recoverExecution(request) {
        const original = requests.get(request.id?.name ?? "");
        if (original === undefined) throw AloftError.notFound(`execution ${request.id?.name} not found`);
        if (requests.has(request.name)) throw AloftError.alreadyExists(`execution ${request.name} already exists`);
        recovered.push(request);
        const executionId = { ...original.executionId, name: request.name };
        await submit({ ...original, executionId, recoveryExecution: request.id! });
        return create(ExecutionCreateResponseSchema, { id: executionId });
      },
      getExecution(request) {
        const name = request.id?.name ?? "";
        const phase = plane.phaseOf(name);
        if (phase === undefined) return Promise.reject(AloftError.notFound(`execution ${name} not found`));
        const failed = workflowEvent(name, WorkflowExecution_Phase.FAILED);
        const succeeded = workflowEvent(name, WorkflowExecution_Phase.SUCCEEDED);
        const outputUri = succeeded?.outputResult.case === "outputUri" ? succeeded.outputResult.value : undefined;
        return Promise.resolve(
          create(ExecutionSchema, {
            id: request.id,
            closure: {
              phase,
              outputResult:
                phase === WorkflowExecution_Phase.FAILED && failed?.outputResult.case === "error"
                  ? { case: "error", value: failed.outputResult.value }
                  : outputUri !== undefined
                    ? { case: "outputs", value: { data: { case: "uri", value: outputUri } } }
                    : { case: undefined },
            },
          }),
        );
      },
      async getExecutionData(request) {
        const succeeded = workflowEvent(request.id?.name ?? "", WorkflowExecution_Phase.SUCCEEDED);
        const uri = succeeded?.outputResult.case === "outputUri" ? succeeded.outputResult.value : undefined;
        const fullOutputs = uri === undefined ? undefined : await readProto(target().blobs, uri, LiteralMapSchema);
        return create(WorkflowExecutionGetDataResponseSchema, fullOutputs === undefined ? {} : { fullOutputs });
      },
      async terminateExecution(request) {
        const name = request.id?.name ?? "";
        const phase = plane.phaseOf(name);
        if (phase === undefined) throw AloftError.notFound(`execution ${name} not found`);
        if (TERMINAL_WORKFLOW_PHASES.has(phase))
          throw AloftError.failedPrecondition(`execution ${name} has already ended`);
        terminated.push(request);
        await target().executor.abort({
          executionId: request.id!,
          namespace: "p-d",
          cluster: "",
          cause: request.cause,
        });
        return create(ExecutionTerminateResponseSchema);
      },
      getLaunchPlan(request) {
        const launchPlan = launchPlans.find((lp) => lp.id.name === request.id?.name);
        if (launchPlan === undefined)
          return Promise.reject(AloftError.notFound(`launch plan ${request.id?.name} not found`));
        const workflowInterface = launchPlan.closure.primary?.template?.interface;
        const expected = Object.fromEntries(
          Object.entries(workflowInterface?.inputs?.variables ?? {}).map(([name, v]) => [
            name,
            { var: v, behavior: { case: "required" as const, value: true } },
          ]),
        );
        return Promise.resolve(
          create(LaunchPlanSchema, {
            id: launchPlan.id,
            closure: { expectedInputs: { parameters: expected }, expectedOutputs: workflowInterface?.outputs },
          }),
        );
      },
      getNodeExecution(request) {
        const event = lastNodeEvent(request.id?.executionId?.name ?? "", request.id?.nodeId ?? "");
        if (event === undefined)
          return Promise.reject(AloftError.notFound(`node execution ${request.id?.nodeId} not found`));
        const taskMetadata = event.targetMetadata.case === "taskNodeMetadata" ? event.targetMetadata.value : undefined;
        const dynamicJobSpecUri = plane.nodeEvents
          .filter((e) => e.id?.executionId?.name === event.id?.executionId?.name && e.id?.nodeId === event.id?.nodeId)
          .map((e) =>
            e.targetMetadata.case === "taskNodeMetadata"
              ? e.targetMetadata.value.dynamicWorkflow?.dynamicJobSpecUri
              : undefined,
          )
          .find((uri) => uri !== undefined);
        return Promise.resolve(
          create(NodeExecutionSchema, {
            id: request.id,
            inputUri: event.inputValue.case === "inputUri" ? event.inputValue.value : "",
            closure: {
              phase: event.phase,
              outputResult:
                event.outputResult.case === "outputUri" || event.outputResult.case === "error"
                  ? event.outputResult
                  : { case: undefined },
              targetMetadata:
                event.targetMetadata.case === "workflowNodeMetadata"
                  ? { case: "workflowNodeMetadata", value: { executionId: event.targetMetadata.value.executionId } }
                  : taskMetadata !== undefined
                    ? {
                        case: "taskNodeMetadata",
                        value: {
                          cacheStatus: taskMetadata.cacheStatus,
                          checkpointUri: taskMetadata.checkpointUri,
                          ...(taskMetadata.catalogKey === undefined ? {} : { catalogKey: taskMetadata.catalogKey }),
                        },
                      }
                    : { case: undefined },
              deckUri: event.deckUri,
              dynamicJobSpecUri: dynamicJobSpecUri ?? "",
            },
            metadata: {
              isDynamic: event.isDynamic || dynamicJobSpecUri !== undefined,
              isParentNode: event.isParent,
              specNodeId: event.specNodeId,
            },
          }),
        );
      },
      async getNodeExecutionData(request) {
        const execution = request.id?.executionId?.name ?? "";
        const nodeId = request.id?.nodeId ?? "";
        const event = lastNodeEvent(execution, nodeId);
        if (event === undefined) throw AloftError.notFound(`node execution ${nodeId} not found`);
        const read = (uri: string | undefined): Promise<LiteralMap | undefined> =>
          uri === undefined || uri === ""
            ? Promise.resolve(undefined)
            : readProto(target().blobs, uri, LiteralMapSchema).catch(() => undefined);
        const fullInputs = await read(event.inputValue.case === "inputUri" ? event.inputValue.value : undefined);
        const fullOutputs = await read(event.outputResult.case === "outputUri" ? event.outputResult.value : undefined);
        const dynamic = plane.nodeEvents
          .filter((e) => e.id?.executionId?.name === execution && e.id.nodeId === nodeId)
          .map((e) =>
            e.targetMetadata.case === "taskNodeMetadata" ? e.targetMetadata.value.dynamicWorkflow : undefined,
          )
          .find((d) => d !== undefined);
        return create(NodeExecutionGetDataResponseSchema, {
          ...(fullInputs === undefined ? {} : { fullInputs }),
          ...(fullOutputs === undefined ? {} : { fullOutputs }),
          ...(dynamic === undefined
            ? {}
            : {
                dynamicWorkflow: {
                  id: dynamic.id,
                  compiledWorkflow: dynamic.compiledWorkflow,
                  dynamicJobSpecUri: dynamic.dynamicJobSpecUri,
                },
              }),
        });
      },
    },
  };
  return {
    controlPlane,
    created,
    recovered,
    terminated,
    requests,
    bind(next) {
      bound = next;
    },
    submit,
  };
}

/** The request the harness's `submit` builds, for executions submitted through the double. */
export function executionRequest(
  name: string,
  closure: CompiledWorkflowClosure,
  inputs: LiteralMap,
  extra: Partial<ExecutionRequest> = {},
): ExecutionRequest {
  const executionId: WorkflowExecutionIdentifier = {
    $typeName: "flyteidl.core.WorkflowExecutionIdentifier",
    project: "p",
    domain: "d",
    name,
    org: "",
  };
  return {
    executionId,
    namespace: "p-d",
    referenceWorkflowName: closure.primary?.template?.id?.name ?? "wf",
    referenceLaunchPlanName: closure.primary?.template?.id?.name ?? "wf",
    workflowClosure: closure,
    inputsUri: "",
    inputs,
    acceptedAt: timestampNow(),
    labels: {},
    annotations: {},
    taskPluginOverrides: [],
    executionConfig: create(WorkflowExecutionConfigSchema),
    eventVersion: 2,
    ...extra,
  };
}
