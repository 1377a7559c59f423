import { randomInt } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import type { CompiledWorkflowClosure } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import {
  WorkflowExecutionIdentifierSchema,
  type Identifier,
  type WorkflowExecutionIdentifier,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ParameterMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { TaskNodeOverrides } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { TaskResult } from "../entities/task-result.js";
import type { LocalCache } from "./local-cache.js";
import type { LocalNodeEvent } from "./local-run-result.js";

/** One task attempt the executor asks a {@link LocalTaskRunner} to run. */
export interface LocalTaskRequest {
  taskId: Identifier;
  /**
   * The task. For an array-node element, list outputs are already turned into their element types,
   * as propeller shows the task to each element.
   */
  template: TaskTemplate;
  inputs: LiteralMap;
  /** The node's id in its workflow (`n<i>` for array elements). */
  nodeId: string;
  /** propeller's unique node id (event version 1). */
  uniqueNodeId: string;
  /** 0 for the first attempt. */
  attempt: number;
  executionId: WorkflowExecutionIdentifier;
  /**
   * Unique per attempt: propeller's generated name `fixedLen50(<execution>-<uniqueNodeId>-<attempt>)`,
   * which Flyte uses for pod names and raw output locations.
   */
  generatedName: string;
  /** The element index when the task runs as an array-node element. */
  arrayIndex: number | undefined;
  /** The node's `task_node.overrides` (image, resources), when any. */
  overrides: TaskNodeOverrides | undefined;
  /** Aborted when the attempt times out, the workflow fails fast, or the run is cancelled. */
  signal: AbortSignal;
}

/**
 * Runs task code for the local executor. Returns outputs, or a `DynamicJobSpec` for a dynamic task
 * (the executor compiles and runs it). Throws to fail the attempt; what is retried is decided by
 * `containerErrorFromThrown` (a `RecoverableError` or a recoverable `TaskFailure` is retried
 * within the node's retries; anything else fails the node).
 */
export interface LocalTaskRunner {
  runTask(request: LocalTaskRequest): Promise<TaskResult>;
}

/** What a launch-plan node launches: the launch plan's workflow, defaults and fixed inputs. */
export interface LocalLaunchPlan {
  closure: CompiledWorkflowClosure;
  defaultInputs?: ParameterMap;
  fixedInputs?: LiteralMap;
}

/** Finds launch plans by id (flyteadmin's role); undefined when there is none. */
export type LaunchPlanResolver = (id: Identifier) => LocalLaunchPlan | undefined | Promise<LocalLaunchPlan | undefined>;

/** A gate node waiting for a value. */
export interface LocalSignalRequest {
  /** `signal` for `wait_for_input`, `approve` for approvals (whose type is always boolean). */
  kind: "signal" | "approve";
  signalId: string;
  type: LiteralType;
  executionId: WorkflowExecutionIdentifier;
  /** The gate node's path in the run. */
  path: string;
  /** For approvals: the values being approved. */
  inputs: LiteralMap | undefined;
  /** Aborted when the node times out or the run ends. */
  signal: AbortSignal;
}

/**
 * Supplies signal values (flyteadmin's SignalService): resolves once the value is known. An approval
 * resolves a boolean literal: `true` passes the inputs on, `false` rejects.
 */
export type SignalProvider = (request: LocalSignalRequest) => Promise<Literal>;

/** Options of {@link executeWorkflow}. */
export interface ExecuteWorkflowOptions {
  /** The compiled workflow to run (the primary one), with its tasks and sub-workflows. */
  closure: CompiledWorkflowClosure;
  /**
   * The workflow's inputs. Every input of the interface must be given and castable to its type
   * (admin merges defaults before propeller sees them; so must the caller).
   * @default an empty map
   */
  inputs?: LiteralMap;
  runner: LocalTaskRunner;
  /** Needed to run launch-plan nodes and dynamic tasks that call launch plans. */
  launchPlans?: LaunchPlanResolver;
  /** Needed to run gate nodes that wait for a signal or an approval. */
  signals?: SignalProvider;
  /** Memoises outputs of `discoverable` tasks. @default no caching */
  cache?: LocalCache;
  /**
   * How many task, array and launch-plan nodes may run at once across the whole run, sub-workflows
   * and dynamic children included (array elements count against their array node's own
   * parallelism instead); 0 means unlimited.
   * @default 25 (flyteadmin's default)
   */
  maxParallelism?: number;
  /** Cancels the run: running nodes are aborted and the result's phase is ABORTED. */
  abortSignal?: AbortSignal;
  /** Called synchronously for each node event, in the order they happen. Must not throw. */
  onEvent?: (event: LocalNodeEvent) => void;
  /**
   * The execution's id, passed to tasks and signals.
   * @default the workflow's project and domain, and a random 20-character name
   */
  executionId?: WorkflowExecutionIdentifier;
}

/** {@link ExecuteWorkflowOptions} with every default applied. */
export interface CompiledExecuteWorkflowOptions {
  closure: CompiledWorkflowClosure;
  inputs: LiteralMap;
  runner: LocalTaskRunner;
  launchPlans: LaunchPlanResolver | undefined;
  signals: SignalProvider | undefined;
  cache: LocalCache | undefined;
  maxParallelism: number;
  abortSignal: AbortSignal | undefined;
  onEvent: ((event: LocalNodeEvent) => void) | undefined;
  executionId: WorkflowExecutionIdentifier;
}

/** flyteadmin's default `max_parallelism`. */
export const DEFAULT_MAX_PARALLELISM = 25;

/**
 * Applies the defaults of {@link ExecuteWorkflowOptions}.
 * @throws AloftError `InvalidArgument` when the closure has no primary workflow or `maxParallelism` is negative.
 */
export function compileExecuteWorkflowOptions(options: ExecuteWorkflowOptions): CompiledExecuteWorkflowOptions {
  const primaryId = options.closure.primary?.template?.id;
  if (primaryId === undefined)
    throw AloftError.invalidArgument("the closure has no primary workflow template with an id");
  const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  if (!Number.isInteger(maxParallelism) || maxParallelism < 0) {
    throw AloftError.invalidArgument(`maxParallelism must be a non-negative integer, got ${maxParallelism}`);
  }
  return {
    closure: options.closure,
    inputs: options.inputs ?? create(LiteralMapSchema),
    runner: options.runner,
    launchPlans: options.launchPlans,
    signals: options.signals,
    cache: options.cache,
    maxParallelism,
    abortSignal: options.abortSignal,
    onEvent: options.onEvent,
    executionId:
      options.executionId ??
      create(WorkflowExecutionIdentifierSchema, {
        project: primaryId.project,
        domain: primaryId.domain,
        name: randomExecutionName(),
      }),
  };
}

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A flyteadmin-style execution name: 20 lowercase characters starting with a letter. */
export function randomExecutionName(): string {
  let name = NAME_CHARS[randomInt(26)] ?? "a";
  for (let i = 1; i < 20; i++) name += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return name;
}
