/**
 * The {@link TaskExecutionContext} a task plugin gets for one attempt (propeller's
 * nodes/task/taskexec_context.go): ids, paths (§5.1), Flyte's environment variables (§5.2), the plugin's
 * state, and the engine's wake-up hook.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import {
  NodeExecutionIdentifierSchema,
  TaskExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { checkpointPrefix, generatedName, previousCheckpointPrefix, rawOutputPrefix } from "@aloft/storage";
import type { TaskExecutionContext, TaskPaths, TaskPlugin } from "../plugins/task-plugin.js";
import type { NodeContext } from "./node-handler.js";

/** A {@link TaskExecutionContext} plus what the task handler reads back after the plugin ran. */
export interface BuiltTaskExecutionContext extends TaskExecutionContext {
  /** The state the plugin set this round (or the previous one when it set none). */
  readonly newState: JsonValue | undefined;
}

/** Builds the context of the current attempt of a task node. */
export function buildTaskExecutionContext(options: {
  ctx: NodeContext;
  template: TaskTemplate;
  plugin: TaskPlugin;
  state: JsonValue | undefined;
  recoveredCheckpoint?: string;
}): BuiltTaskExecutionContext {
  const { ctx, template, plugin } = options;
  const x = ctx.execution;
  const executionId = x.executionId;
  const nodeExecutionId = create(NodeExecutionIdentifierSchema, { executionId, nodeId: ctx.uniqueId });
  const taskExecutionId = create(TaskExecutionIdentifierSchema, {
    taskId: template.id,
    nodeExecutionId,
    retryAttempt: ctx.attempt,
  });
  const maxLength = plugin.properties?.generatedNameMaxLength;
  const nameParts = {
    executionName: executionId.name,
    uniqueNodeId: ctx.uniqueId,
    attempt: ctx.attempt,
    ...(maxLength === undefined ? {} : { maxLength }),
  };
  const rawPrefix = rawOutputPrefix({ rawPrefix: x.rawOutputPrefix, ...nameParts });
  const paths: TaskPaths = {
    inputs: ctx.inputsPath,
    inputPrefix: ctx.dataDir,
    outputPrefix: ctx.outputDir,
    rawOutputPrefix: rawPrefix,
    checkpointPrefix: checkpointPrefix(rawPrefix),
    prevCheckpointPrefix: previousCheckpointPrefix({
      rawPrefix: x.rawOutputPrefix,
      ...nameParts,
      ...(options.recoveredCheckpoint === undefined ? {} : { recoveredCheckpointUri: options.recoveredCheckpoint }),
    }),
  };
  const workflowName = x.closure.primary.compiled.template?.id?.name ?? x.request.referenceWorkflowName;
  const env: Record<string, string> = {
    FLYTE_INTERNAL_EXECUTION_WORKFLOW: `${executionId.project}:${executionId.domain}:${workflowName}`,
    FLYTE_INTERNAL_EXECUTION_ID: executionId.name,
    FLYTE_INTERNAL_EXECUTION_PROJECT: executionId.project,
    FLYTE_INTERNAL_EXECUTION_DOMAIN: executionId.domain,
    FLYTE_ATTEMPT_NUMBER: String(ctx.attempt),
  };
  if (template.id !== undefined) {
    env.FLYTE_INTERNAL_TASK_PROJECT = template.id.project;
    env.FLYTE_INTERNAL_TASK_DOMAIN = template.id.domain;
    env.FLYTE_INTERNAL_TASK_NAME = template.id.name;
    env.FLYTE_INTERNAL_TASK_VERSION = template.id.version;
  }
  for (const pair of x.request.executionConfig?.envs?.values ?? []) env[pair.key] = pair.value;

  let state = options.state;
  let inputs: Promise<LiteralMap> | undefined;
  const target = ctx.node.target;
  const overrides = target.case === "taskNode" ? target.value.overrides : undefined;
  const timeout = ctx.node.metadata?.timeout;
  return {
    taskExecutionId,
    nodeExecutionId,
    workflowExecutionId: executionId,
    generatedName: generatedName(nameParts),
    template,
    namespace: x.request.namespace,
    paths,
    interruptible: ctx.interruptible,
    ...(overrides?.resources === undefined ? {} : { resourceOverrides: overrides.resources }),
    env,
    labels: x.request.labels,
    annotations: x.request.annotations,
    ...(template.securityContext === undefined ? {} : { securityContext: template.securityContext }),
    ...(timeout === undefined ? {} : { executionDeadline: timeout }),
    blobs: x.services.blobs,
    inputs: () => (inputs ??= ctx.inputs()),
    get state() {
      return options.state;
    },
    setState(next) {
      state = next;
    },
    get newState() {
      return state;
    },
    wake: () => x.wake(),
    resourceManager: x.services.resourceManager,
    signal: x.services.signal,
  };
}
