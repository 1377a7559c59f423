import { AloftError } from "@aloft/idl";
import type { Identifier, WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { BlobStore } from "@aloft/storage";
import type { TaskExecutionContext } from "./task-result.js";

/**
 * A checkpoint the task may save and, on a retry, read back (flytekit's `SyncCheckpoint`): one blob
 * per attempt under Flyte's checkpoint prefixes.
 */
export interface Checkpoint {
  /** The previous attempt's checkpoint, or `undefined` on a first attempt or when it wrote none. */
  read(): Promise<Uint8Array | undefined>;
  /** Saves this attempt's checkpoint (replacing what it saved before). */
  write(data: Uint8Array | string): Promise<void>;
}

/** What a task body gets besides its inputs. */
export interface TaskContext {
  /** The execution, when run by an engine; a generated local id otherwise. */
  readonly executionId: WorkflowExecutionIdentifier;
  /** The node running the task (`n0`), or `""` when the task runs on its own. */
  readonly nodeId: string;
  /** 0 for the first attempt, 1 for the first retry… */
  readonly attempt: number;
  /** The task's registered id, when known. */
  readonly taskId: Identifier | undefined;
  /** The environment the task sees. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal | undefined;
  /** Where data the task writes (files, datasets) goes. */
  readonly rawOutputPrefix: string;
  /** A local scratch directory. */
  readonly workDir: string;
  /** The blob store holding inputs and outputs. */
  readonly store: BlobStore;
  /** Save and restore progress across retries. */
  readonly checkpoint: Checkpoint;
}

// flytekit's `SyncCheckpoint.TMP_DST_PATH`: the object a byte checkpoint is written as.
const CHECKPOINT_OBJECT = "_dst_cp";

function checkpointOf(ctx: TaskExecutionContext): Checkpoint {
  return {
    async read() {
      const prefix = ctx.previousCheckpointPrefix;
      if (prefix === undefined || prefix === "") return undefined;
      const found: string[] = [];
      for await (const uri of ctx.store.list(prefix)) found.push(uri);
      if (found.length === 0) return undefined;
      if (found.length > 1) {
        throw AloftError.failedPrecondition(`expected one checkpoint under ${prefix}, found ${found.length}`);
      }
      return ctx.store.get(found[0] as string);
    },
    async write(data) {
      const prefix = ctx.checkpointPrefix;
      if (prefix === undefined || prefix === "") {
        throw AloftError.failedPrecondition("this run has no checkpoint location");
      }
      await ctx.store.put(ctx.store.join(prefix, CHECKPOINT_OBJECT), data);
    },
  };
}

/** The context a task body sees, from the executor's. @internal */
export function makeTaskContext(ctx: TaskExecutionContext): TaskContext {
  return {
    executionId: ctx.executionId,
    nodeId: ctx.nodeId,
    attempt: ctx.attempt,
    taskId: ctx.taskId,
    env: ctx.env,
    signal: ctx.signal,
    rawOutputPrefix: ctx.rawOutputPrefix,
    workDir: ctx.workDir,
    store: ctx.store,
    checkpoint: checkpointOf(ctx),
  };
}
