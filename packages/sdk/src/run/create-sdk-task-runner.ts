import { runContainerTaskLocally, TaskFailure } from "@aloft/engine";
import { formatIdentifier } from "@aloft/idl";
import type { LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import {
  checkpointPrefix,
  fileUri,
  joinUri,
  previousCheckpointPrefix,
  rawOutputPrefix,
  type BlobStore,
} from "@aloft/storage";
import {
  DECL,
  type DeclaredEntity,
  type InterfaceDecl,
  type TaskEntityLike,
  type WorkflowEntityLike,
} from "../entities/decl.js";
import { describeEntity } from "./describe-entity.js";
import type { EntityBase } from "../entities/entity.js";
import { makeTaskContext, type TaskContext } from "../entities/task-context.js";
import { decodeInputs, encodeOutputs, outputValues } from "../entities/task-io.js";
import type { RunnableTask, TaskExecutionContext, TaskResult } from "../entities/task-result.js";
import type { LocalTaskRequest, LocalTaskRunner } from "../local/execute-workflow-options.js";
import type { LocalCatalog } from "./local-catalog.js";

/** A mock's body: the task's input values in, its output values out (as a task body returns them). @internal */
export type TaskMock = (inputs: Record<string, unknown>, ctx: TaskContext) => unknown;

/** What `@aloft/sdk/testing` adds to a run. @internal */
export interface RunHooks {
  /** The mock replacing an entity (a task, launch plan or reference), if any. */
  mockOf?(entity: EntityBase): TaskMock | undefined;
  /** Called with the input values of every task call the run makes (elements of maps included), before it runs. */
  onTaskCall?(entity: EntityBase, inputs: Record<string, unknown>): void;
}

/** Options of {@link createSdkTaskRunner}. */
export interface SdkTaskRunnerOptions {
  catalog: LocalCatalog;
  store: BlobStore;
  /** The run's local data folder: raw outputs go to `<dataDir>/raw`, scratch space to `<dataDir>/work`. */
  dataDir: string;
  /** The environment tasks see. */
  env: Readonly<Record<string, string | undefined>>;
  hooks?: RunHooks;
  /**
   * Receives what each failed attempt threw, by unique node id, so the run can report the user's own
   * error; `standIn` when the node is the stand-in task of a launch plan or reference.
   */
  onThrown?: (uniqueNodeId: string, thrown: unknown, standIn: boolean) => void;
}

function failure(message: string, origin: "USER" | "SYSTEM" = "USER"): TaskFailure {
  return new TaskFailure({ code: "LocalRunError", message, recoverable: false, origin });
}

function ifaceOf(entity: DeclaredEntity): InterfaceDecl {
  const decl = entity[DECL];
  return decl.kind === "launch-plan" ? (decl.workflow as WorkflowEntityLike)[DECL].iface : decl.iface;
}

/**
 * The task runner of a local run: finds the SDK entity behind each task id and runs its code in this
 * process on the attempt's context (TypeScript tasks and map elements through `executeLiterals`,
 * raw containers as local processes, mocks through their functions). References and other entities
 * without local code fail the node with a message saying how to mock them.
 */
export function createSdkTaskRunner(options: SdkTaskRunnerOptions): LocalTaskRunner {
  const { catalog, store, hooks } = options;
  const rawPrefix = joinUri(fileUri(options.dataDir), "raw");
  const workRoot = `${options.dataDir}/work`;

  const contextOf = (request: LocalTaskRequest): TaskExecutionContext => {
    const layout = {
      rawPrefix,
      executionName: request.executionId.name,
      uniqueNodeId: request.uniqueNodeId,
      attempt: request.attempt,
    };
    const raw = rawOutputPrefix(layout);
    return {
      store,
      rawOutputPrefix: raw,
      workDir: `${workRoot}/${request.generatedName}`,
      executionId: request.executionId,
      nodeId: request.nodeId,
      attempt: request.attempt,
      taskId: request.taskId,
      checkpointPrefix: checkpointPrefix(raw),
      previousCheckpointPrefix: previousCheckpointPrefix(layout) || undefined,
      settings: catalog.settings,
      env: options.env,
      signal: request.signal,
    };
  };

  const runMock = async (
    entity: DeclaredEntity,
    mock: TaskMock,
    inputs: LiteralMap,
    ctx: TaskExecutionContext,
  ): Promise<TaskResult> => {
    const iface = ifaceOf(entity);
    const label = `mock of ${describeEntity(entity)}`;
    const values = await decodeInputs(iface, inputs, ctx, label);
    hooks?.onTaskCall?.(entity, values);
    const result = await mock(values, makeTaskContext(ctx));
    return { kind: "outputs", outputs: await encodeOutputs(iface, outputValues(iface, result, label), ctx, label) };
  };

  const run = async (request: LocalTaskRequest): Promise<TaskResult> => {
    const entry = catalog.findTask(request.taskId);
    if (entry === undefined) {
      throw failure(`task ${formatIdentifier(request.taskId)} is not known to this run`, "SYSTEM");
    }
    const ctx = contextOf(request);
    // A map's elements run the mapped task: that is what a mock or a call record is about.
    let entity: DeclaredEntity = entry.entity;
    const decl = entity[DECL];
    if (decl.kind === "map") entity = decl.inner;
    const mock = hooks?.mockOf?.(entity);
    if (mock !== undefined) return runMock(entity, mock, request.inputs, ctx);
    if (entry.kind === "stand-in") {
      throw failure(
        `${describeEntity(entity)} has no code in this process (it is registered elsewhere), so it cannot run ` +
          "locally: mock it with createTestRunner().mock(…) from @aloft/sdk/testing",
      );
    }
    const taskDecl = (entity as TaskEntityLike)[DECL];
    if (hooks?.onTaskCall !== undefined) {
      hooks.onTaskCall(entity, await decodeInputs(taskDecl.iface, request.inputs, ctx, describeEntity(entity)));
    }
    if (taskDecl.kind === "container") {
      return runContainerTaskLocally({
        template: request.template,
        inputs: request.inputs,
        store,
        rawOutputPrefix: ctx.rawOutputPrefix,
        generatedName: request.generatedName,
        prevCheckpointPrefix: ctx.previousCheckpointPrefix,
        signal: request.signal,
      });
    }
    if (taskDecl.kind !== "function") {
      throw failure(`${describeEntity(entity)} cannot run locally (a ${taskDecl.kind} task)`, "SYSTEM");
    }
    return (entity as TaskEntityLike & RunnableTask).executeLiterals(request.inputs, ctx);
  };

  return {
    async runTask(request) {
      try {
        return await run(request);
      } catch (thrown) {
        options.onThrown?.(request.uniqueNodeId, thrown, catalog.findTask(request.taskId)?.kind === "stand-in");
        throw thrown;
      }
    },
  };
}
