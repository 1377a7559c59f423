/**
 * The {@link ExecutionManager} (flyteadmin `execution_manager.go`): create, relaunch and recover through
 * {@link launchExecution}; get, list, data, archive and terminate here; workflow events in `events/`.
 */
import type { WorkflowExecutor } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AloftError, Code, TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import {
  AbortMetadataSchema,
  type Execution,
  ExecutionClosureSchema,
  ExecutionCreateRequestSchema,
  ExecutionCreateResponseSchema,
  ExecutionListSchema,
  ExecutionMetadata_ExecutionMode,
  ExecutionMetadataSchema,
  ExecutionSpecSchema,
  ExecutionStateChangeDetailsSchema,
  ExecutionTerminateResponseSchema,
  ExecutionUpdateResponseSchema,
  WorkflowExecutionGetDataResponseSchema,
} from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { type LiteralMap, LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { readProto } from "@aloft/storage";
import type { InlineEventDataPolicy } from "../../config/admin-config.js";
import type { ExecutionRow } from "../../db/schema.js";
import { Entity } from "../../repositories/filters/filter-entities.js";
import { identifierFilters } from "../../repositories/filters/filter-expression.js";
import { executionFromRow } from "../../transformers/execution-transformer.js";
import { executionKeyFromId, executionKeyToId } from "../../transformers/identifier-transformer.js";
import { decodeColumn, encodeColumn } from "../../transformers/proto-bytes.js";
import {
  validateResourceListRequest,
  validateWorkflowExecutionIdentifier,
} from "../../validation/identifier-validation.js";
import { listInputFrom, pageTokenAfter } from "../../validation/list-input.js";
import { alreadyInTerminalStateError } from "../events/event-errors.js";
import { retryOnConcurrentUpdate } from "../events/retry-on-concurrent-update.js";
import { createWorkflowEventHandler, type NotificationPublisher } from "../events/workflow-event.js";
import type { ExecutionManager, ManagerContext } from "../interfaces.js";
import { launchExecution, type LaunchExecutionDeps } from "./launch-execution.js";
import { fetchInputs, fetchOutputs, offloadLiteralMap, type RemoteDataSettings } from "./literal-data.js";
import { createLaunchPlanTargetCache } from "./launch-plan-target-cache.js";
import { createWorkflowClosureCache } from "./workflow-closure-cache.js";
import { createLaunchWriter, type LaunchWriterDeps } from "./launch-writes.js";
import { namespaceFor } from "./namespace.js";
import { workflowPhaseOf } from "../events/phase-names.js";

/** What {@link createExecutionManager} reads. */
export interface ExecutionManagerDeps extends Omit<LaunchExecutionDeps, "closures" | "launchPlanTargets" | "launches"> {
  /** The engine hand-off: launches and terminations are written with it, in their transaction. */
  executor: WorkflowExecutor;
  /** `config.remoteData`: inline data limits and signed URLs for GetExecutionData and events. */
  remoteData: RemoteDataSettings & { inlineEventDataPolicy: InlineEventDataPolicy };
  /** Where terminal-phase notifications go; none = dropped. */
  notifications?: NotificationPublisher;
  /** The `NOTIFY` that announces a new execution to other admin processes, sent in the creating transaction. */
  creationNotice?: LaunchWriterDeps["creationNotice"];
}

/** Builds the {@link ExecutionManager}. */
export function createExecutionManager(deps: ExecutionManagerDeps): ExecutionManager {
  const { repos, blobStore } = deps;
  const now = deps.now ?? (() => new Date());
  const launchDeps: LaunchExecutionDeps = {
    ...deps,
    closures: createWorkflowClosureCache(blobStore),
    launchPlanTargets: createLaunchPlanTargetCache(deps.repos),
    launches: createLaunchWriter({
      repos,
      executor: deps.executor,
      ...(deps.creationNotice === undefined ? {} : { creationNotice: deps.creationNotice }),
    }),
  };
  const createWorkflowEvent = createWorkflowEventHandler({
    repos,
    blobStore,
    maxOutputSizeBytes: deps.remoteData.maxSizeInBytes,
    inlineEventDataPolicy: deps.remoteData.inlineEventDataPolicy,
    ...(deps.notifications === undefined ? {} : { notifications: deps.notifications }),
  });

  /** An existing execution as a request to launch again (relaunch and recover). */
  async function relaunchFrom(
    row: ExecutionRow,
    name: string,
    inputs: LiteralMap | undefined,
    adjust: (spec: ReturnType<typeof decodeSpec>) => void,
    context: ManagerContext,
    requestedAt: Date,
  ) {
    const spec = decodeSpec(row);
    spec.metadata ??= create(ExecutionMetadataSchema);
    adjust(spec);
    const id = await launchExecution(
      launchDeps,
      create(ExecutionCreateRequestSchema, {
        project: row.execution_project,
        domain: row.execution_domain,
        name,
        spec,
        ...(inputs === undefined ? {} : { inputs }),
      }),
      context,
      { requestedAt, sourceExecutionRowId: row.id },
    );
    return create(ExecutionCreateResponseSchema, { id });
  }

  return {
    async createExecution(request, context) {
      const id = await launchExecution(launchDeps, request, context, { requestedAt: now() });
      return create(ExecutionCreateResponseSchema, { id });
    },

    async relaunchExecution(request, context) {
      const requestedAt = now();
      const row = await repos.executions.get(executionKeyFromId(request.id));
      const inputs =
        row.user_inputs_uri !== ""
          ? await readProto(blobStore, row.user_inputs_uri, LiteralMapSchema)
          : decodeSpec(row).inputs;
      return relaunchFrom(
        row,
        request.name,
        inputs,
        (spec) => {
          spec.metadata!.mode = ExecutionMetadata_ExecutionMode.RELAUNCH;
          spec.metadata!.referenceExecution = executionIdOf(row);
          spec.overwriteCache = request.overwriteCache;
        },
        context,
        requestedAt,
      );
    },

    async recoverExecution(request, context) {
      const requestedAt = now();
      const row = await repos.executions.get(executionKeyFromId(request.id));
      const inputs =
        row.user_inputs_uri !== "" ? await readProto(blobStore, row.user_inputs_uri, LiteralMapSchema) : undefined;
      return relaunchFrom(
        row,
        request.name,
        inputs,
        (spec) => {
          if (request.metadata !== undefined) {
            const parent = request.metadata.parentNodeExecution;
            if (parent === undefined) delete spec.metadata!.parentNodeExecution;
            else spec.metadata!.parentNodeExecution = parent;
          }
          spec.metadata!.mode = ExecutionMetadata_ExecutionMode.RECOVERED;
          spec.metadata!.referenceExecution = executionIdOf(row);
        },
        context,
        requestedAt,
      );
    },

    async getExecution(request) {
      validateWorkflowExecutionIdentifier(request.id);
      const row = await repos.executions.get(executionKeyFromId(request.id));
      return executionFromRow(row, {
        defaultNamespace: namespaceFor(deps.namespaceTemplate, request.id.project, request.id.domain),
      });
    },

    async updateExecution(request, context) {
      const requestedAt = now();
      validateWorkflowExecutionIdentifier(request.id);
      const row = await repos.executions.get(executionKeyFromId(request.id));
      const closure = decodeColumn(ExecutionClosureSchema, row.closure, "closure");
      closure.stateChangeDetails = create(ExecutionStateChangeDetailsSchema, {
        state: request.state,
        principal: context.identity?.subject ?? "",
        occurredAt: timestampFromDate(requestedAt),
      });
      await repos.executions.update(row.id, {
        state: request.state,
        closure: encodeColumn(ExecutionClosureSchema, closure),
      });
      return create(ExecutionUpdateResponseSchema);
    },

    async getExecutionData(request) {
      const key = executionKeyFromId(request.id);
      let row = await repos.executions.get(key);
      if (row.inputs_uri === "") {
        // Rows older than offloaded inputs keep them in the closure; offload once and remember where.
        const closure = decodeColumn(ExecutionClosureSchema, row.closure, "closure");
        const inputsUri = await offloadLiteralMap(
          blobStore,
          closure.computedInputs,
          key.project,
          key.domain,
          key.name,
          "inputs",
        );
        await repos.executions.update(row.id, { inputs_uri: inputsUri });
        row = { ...row, inputs_uri: inputsUri };
      }
      const execution = executionFromRow(row);
      const [inputs, outputs] = await Promise.all([
        fetchInputs(blobStore, deps.remoteData, row.inputs_uri),
        fetchOutputs(blobStore, deps.remoteData, executionOutputs(execution)),
      ]);
      return create(WorkflowExecutionGetDataResponseSchema, {
        inputs: inputs.blob,
        outputs: outputs.blob,
        fullInputs: inputs.full,
        fullOutputs: outputs.full,
      });
    },

    async listExecutions(request) {
      validateResourceListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Execution,
        listName: "ListExecutions",
        baseFilters: identifierFilters(Entity.Execution, request.id),
      });
      const rows = await repos.executions.list(input);
      const executions = rows.map((row) => {
        const execution = executionFromRow(row, { trimErrorMessage: true });
        // Deprecated copies of the inputs would bloat every page.
        if (execution.spec !== undefined) delete execution.spec.inputs;
        if (execution.closure !== undefined) delete execution.closure.computedInputs;
        return execution;
      });
      return create(ExecutionListSchema, { executions, token: pageTokenAfter(input, rows.length) });
    },

    async terminateExecution(request, context) {
      validateWorkflowExecutionIdentifier(request.id);
      const id = request.id;
      const principal = context.identity?.subject ?? "";
      // An event may move the phase between our read and write; re-read and re-check when it does.
      await retryOnConcurrentUpdate(async () => {
        const row = await repos.executions.get(executionKeyFromId(id));
        if (TERMINAL_WORKFLOW_PHASES.has(workflowPhaseOf(row.phase))) {
          throw alreadyInTerminalStateError("Cannot abort an already terminated workflow execution", row.phase);
        }
        const closure = decodeColumn(ExecutionClosureSchema, row.closure, "closure");
        closure.outputResult = {
          case: "abortMetadata",
          value: create(AbortMetadataSchema, { cause: request.cause, principal }),
        };
        closure.phase = WorkflowExecution_Phase.ABORTING;
        const changes = {
          closure: encodeColumn(ExecutionClosureSchema, closure),
          abort_cause: request.cause,
          phase: WorkflowExecution_Phase[WorkflowExecution_Phase.ABORTING],
        };
        const abort = {
          executionId: id,
          namespace: namespaceFor(deps.namespaceTemplate, id.project, id.domain),
          cluster: row.cluster,
          cause: request.cause,
        };
        let refusal: { cause: unknown } | undefined;
        try {
          await repos.withTransaction(async (tx) => {
            await tx.executions.update(row.id, changes, { expectPhase: row.phase });
            try {
              await deps.executor.abort(abort, { transaction: tx.executor });
            } catch (error) {
              refusal = { cause: error };
              throw error;
            }
          });
        } catch (error) {
          if (refusal === undefined) throw error;
          // flyteadmin has already saved ABORTING when the engine refuses: keep that and report the failure.
          await repos.executions.update(row.id, changes, { expectPhase: row.phase });
          throw new AloftError(Code.Internal, AloftError.from(refusal.cause).rawMessage, { cause: refusal.cause });
        }
      });
      return create(ExecutionTerminateResponseSchema);
    },

    createWorkflowEvent,
  };
}

function decodeSpec(row: ExecutionRow) {
  return decodeColumn(ExecutionSpecSchema, row.spec, "spec");
}

function executionIdOf(row: ExecutionRow) {
  return executionKeyToId({ project: row.execution_project, domain: row.execution_domain, name: row.execution_name });
}

/** Where an execution's outputs are: `closure.outputs` (URI or values) or the inline `output_data`. */
function executionOutputs(execution: Execution): { uri: string; data: LiteralMap | undefined } {
  const result = execution.closure?.outputResult;
  if (result?.case === "outputs") {
    const data = result.value.data;
    if (data.case === "uri") return { uri: data.value, data: undefined };
    if (data.case === "values") return { uri: "", data: data.value };
    return { uri: "", data: undefined };
  }
  if (result?.case === "outputData") return { uri: "", data: result.value };
  return { uri: "", data: undefined };
}
