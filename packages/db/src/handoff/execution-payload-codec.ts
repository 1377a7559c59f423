import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AloftError } from "@aloft/idl";
import { ClusterAssignmentSchema } from "@aloft/idl/gen/flyteidl/admin/cluster_assignment_pb";
import { RawOutputDataConfigSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  ExecutionClusterLabelSchema,
  PluginOverrideSchema,
  TaskResourceSpecSchema,
  WorkflowExecutionConfigSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { AbortRequest, ExecutionRequest } from "./workflow-executor.js";

/*
 * Queue payloads are JSON (readable in a database shell) whose protobuf fields are base64 binary
 * (exact, compact, and independent of JSON-name rules). `v` versions the layout.
 */

const VERSION = 1;

type Encoded = Record<string, unknown>;

function encodeMessage<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc> | undefined,
): string | undefined {
  return message === undefined ? undefined : Buffer.from(toBinary(schema, message)).toString("base64");
}

function decodeMessage<Desc extends DescMessage>(
  schema: Desc,
  value: unknown,
  field: string,
): MessageShape<Desc> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw corrupt(field);
  try {
    return fromBinary(schema, Buffer.from(value, "base64"));
  } catch (error) {
    throw corrupt(field, error);
  }
}

function requireMessage<Desc extends DescMessage>(schema: Desc, value: unknown, field: string): MessageShape<Desc> {
  const message = decodeMessage(schema, value, field);
  if (message === undefined) throw corrupt(field);
  return message;
}

function corrupt(field: string, cause?: unknown): AloftError {
  return AloftError.internal(`corrupt execution queue payload: field '${field}'`, { cause });
}

function stringField(payload: Encoded, field: string): string {
  const value = payload[field];
  if (typeof value !== "string") throw corrupt(field);
  return value;
}

function optionalString(payload: Encoded, field: string): string | undefined {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw corrupt(field);
  return value;
}

function stringMap(payload: Encoded, field: string): Record<string, string> {
  const value = payload[field] ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw corrupt(field);
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") throw corrupt(field);
    result[key] = entry;
  }
  return result;
}

function parse(text: string): Encoded {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw corrupt("(json)", error);
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw corrupt("(json)");
  const encoded = payload as Encoded;
  if (encoded.v !== VERSION) throw corrupt("v");
  return encoded;
}

/**
 * Encoded closures by object: launches of one workflow share one adjusted closure object (see
 * admin's `workflow-closure-cache.ts`), which is never changed, so it is encoded once.
 */
const encodedClosures = new WeakMap<object, string>();

function encodeClosure(closure: ExecutionRequest["workflowClosure"]): string | undefined {
  if (closure === undefined) return undefined;
  let encoded = encodedClosures.get(closure);
  if (encoded === undefined) {
    encoded = encodeMessage(CompiledWorkflowClosureSchema, closure)!;
    encodedClosures.set(closure, encoded);
  }
  return encoded;
}

/** An {@link ExecutionRequest} as an `execution_queue.payload`. */
export function encodeExecutionRequest(request: ExecutionRequest): string {
  return JSON.stringify({
    v: VERSION,
    executionId: encodeMessage(WorkflowExecutionIdentifierSchema, request.executionId),
    namespace: request.namespace,
    referenceWorkflowName: request.referenceWorkflowName,
    referenceLaunchPlanName: request.referenceLaunchPlanName,
    workflowClosure: encodeClosure(request.workflowClosure),
    workflowClosureUri: request.workflowClosureUri,
    inputsUri: request.inputsUri,
    inputs: encodeMessage(LiteralMapSchema, request.inputs),
    acceptedAt: encodeMessage(TimestampSchema, request.acceptedAt),
    labels: request.labels,
    annotations: request.annotations,
    taskPluginOverrides: request.taskPluginOverrides.map((override) => encodeMessage(PluginOverrideSchema, override)),
    executionConfig: encodeMessage(WorkflowExecutionConfigSchema, request.executionConfig),
    recoveryExecution: encodeMessage(WorkflowExecutionIdentifierSchema, request.recoveryExecution),
    taskResources:
      request.taskResources === undefined
        ? undefined
        : {
            defaults: encodeMessage(TaskResourceSpecSchema, request.taskResources.defaults),
            limits: encodeMessage(TaskResourceSpecSchema, request.taskResources.limits),
          },
    eventVersion: request.eventVersion,
    roleNameKey: request.roleNameKey,
    rawOutputDataConfig: encodeMessage(RawOutputDataConfigSchema, request.rawOutputDataConfig),
    clusterAssignment: encodeMessage(ClusterAssignmentSchema, request.clusterAssignment),
    executionClusterLabel: encodeMessage(ExecutionClusterLabelSchema, request.executionClusterLabel),
  });
}

/**
 * Reads back what {@link encodeExecutionRequest} wrote.
 * @throws AloftError Internal "corrupt execution queue payload: field '…'".
 */
export function decodeExecutionRequest(text: string): ExecutionRequest {
  const payload = parse(text);
  const overrides = payload.taskPluginOverrides ?? [];
  if (!Array.isArray(overrides)) throw corrupt("taskPluginOverrides");
  const resources = payload.taskResources as Encoded | undefined | null;
  const eventVersion = payload.eventVersion ?? 0;
  if (typeof eventVersion !== "number") throw corrupt("eventVersion");
  const request: ExecutionRequest = {
    executionId: requireMessage(WorkflowExecutionIdentifierSchema, payload.executionId, "executionId"),
    namespace: stringField(payload, "namespace"),
    referenceWorkflowName: stringField(payload, "referenceWorkflowName"),
    referenceLaunchPlanName: stringField(payload, "referenceLaunchPlanName"),
    inputsUri: stringField(payload, "inputsUri"),
    acceptedAt: decodeMessage(TimestampSchema, payload.acceptedAt, "acceptedAt") ?? create(TimestampSchema),
    labels: stringMap(payload, "labels"),
    annotations: stringMap(payload, "annotations"),
    taskPluginOverrides: overrides.map((override: unknown) =>
      requireMessage(PluginOverrideSchema, override, "taskPluginOverrides"),
    ),
    eventVersion,
  };
  const workflowClosure = decodeMessage(CompiledWorkflowClosureSchema, payload.workflowClosure, "workflowClosure");
  if (workflowClosure !== undefined) request.workflowClosure = workflowClosure;
  const workflowClosureUri = optionalString(payload, "workflowClosureUri");
  if (workflowClosureUri !== undefined) request.workflowClosureUri = workflowClosureUri;
  const inputs = decodeMessage(LiteralMapSchema, payload.inputs, "inputs");
  if (inputs !== undefined) request.inputs = inputs;
  const executionConfig = decodeMessage(WorkflowExecutionConfigSchema, payload.executionConfig, "executionConfig");
  if (executionConfig !== undefined) request.executionConfig = executionConfig;
  const recoveryExecution = decodeMessage(
    WorkflowExecutionIdentifierSchema,
    payload.recoveryExecution,
    "recoveryExecution",
  );
  if (recoveryExecution !== undefined) request.recoveryExecution = recoveryExecution;
  if (resources !== undefined && resources !== null) {
    request.taskResources = {
      defaults: requireMessage(TaskResourceSpecSchema, resources.defaults, "taskResources.defaults"),
      limits: requireMessage(TaskResourceSpecSchema, resources.limits, "taskResources.limits"),
    };
  }
  const roleNameKey = optionalString(payload, "roleNameKey");
  if (roleNameKey !== undefined) request.roleNameKey = roleNameKey;
  const rawOutputDataConfig = decodeMessage(
    RawOutputDataConfigSchema,
    payload.rawOutputDataConfig,
    "rawOutputDataConfig",
  );
  if (rawOutputDataConfig !== undefined) request.rawOutputDataConfig = rawOutputDataConfig;
  const clusterAssignment = decodeMessage(ClusterAssignmentSchema, payload.clusterAssignment, "clusterAssignment");
  if (clusterAssignment !== undefined) request.clusterAssignment = clusterAssignment;
  const executionClusterLabel = decodeMessage(
    ExecutionClusterLabelSchema,
    payload.executionClusterLabel,
    "executionClusterLabel",
  );
  if (executionClusterLabel !== undefined) request.executionClusterLabel = executionClusterLabel;
  return request;
}

/** An {@link AbortRequest} as an `execution_queue.payload`. */
export function encodeAbortRequest(request: AbortRequest): string {
  return JSON.stringify({
    v: VERSION,
    executionId: encodeMessage(WorkflowExecutionIdentifierSchema, request.executionId),
    namespace: request.namespace,
    cluster: request.cluster,
    cause: request.cause,
  });
}

/**
 * Reads back what {@link encodeAbortRequest} wrote.
 * @throws AloftError Internal "corrupt execution queue payload: field '…'".
 */
export function decodeAbortRequest(text: string): AbortRequest {
  const payload = parse(text);
  return {
    executionId: requireMessage(WorkflowExecutionIdentifierSchema, payload.executionId, "executionId"),
    namespace: stringField(payload, "namespace"),
    cluster: stringField(payload, "cluster"),
    cause: stringField(payload, "cause"),
  };
}
