import type { Identifier, WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { SerializationSettings } from "../serialize/serialization-settings.js";
import type { TypeContext } from "../types/type.js";

/**
 * What running a task's code produces: its outputs, or (for a dynamic task) the workflow it built,
 * which the caller compiles and runs. Failures are thrown (see `TaskFailure`).
 */
export type TaskResult = { kind: "outputs"; outputs: LiteralMap } | { kind: "dynamic"; spec: DynamicJobSpec };

/** The environment a task body runs in, locally or in a container (`aloft-execute`). */
export interface TaskExecutionContext extends TypeContext {
  /** The execution, when run by an engine; a generated local id otherwise. */
  executionId: WorkflowExecutionIdentifier;
  /** The node running the task (`n0`), or "" when the task is run on its own. */
  nodeId: string;
  /** 0 for the first attempt. */
  attempt: number;
  /** The task's registered id, when known. */
  taskId: Identifier | undefined;
  /** Where this attempt may write a checkpoint, and where the previous attempt's is (if any). */
  checkpointPrefix: string | undefined;
  previousCheckpointPrefix: string | undefined;
  /** Settings for serializing what a dynamic task builds (its children share the parent's version and image). */
  settings: SerializationSettings;
  /** The process environment seen by the task. */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal | undefined;
}

/** A task whose code can run here: what the local executor and `aloft-execute` call. */
export interface RunnableTask {
  /** Runs the task body on literal inputs; throws `TaskFailure` (or anything) when the user code fails. */
  executeLiterals(inputs: LiteralMap, ctx: TaskExecutionContext): Promise<TaskResult>;
}
