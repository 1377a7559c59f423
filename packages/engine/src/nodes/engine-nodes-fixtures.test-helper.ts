/*
 * Builders and task plugins for the tests of array, dynamic, launch-plan nodes and recovery mode.
 */
import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type BindingData, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { ArrayNodeSchema, type Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import { DynamicJobSpecSchema, type DynamicJobSpec } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { futuresPath, writeProto } from "@aloft/storage";
import { executionError } from "../semantics/execution-errors.js";
import { PluginPhase, type TaskExecutionContext, type TaskPlugin } from "../plugins/task-plugin.js";
import { entityId, node, taskNode } from "../testing/workflows.test-helper.js";

/** An array node mapping task `taskName` over the node's inputs. */
export function mapNode(
  id: string,
  taskName: string,
  inputs: Record<string, BindingData>,
  options: {
    minSuccessRatio?: number;
    minSuccesses?: number;
    parallelism?: number;
    boundInputs?: string[];
    retries?: number;
    timeoutMs?: number;
  } = {},
): Node {
  const sub = taskNode(`${id}-sub`, taskName, inputs, {
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const successCriteria =
    options.minSuccessRatio !== undefined
      ? ({ case: "minSuccessRatio", value: options.minSuccessRatio } as const)
      : options.minSuccesses !== undefined
        ? ({ case: "minSuccesses", value: options.minSuccesses } as const)
        : ({ case: undefined } as const);
  return node(
    id,
    {
      case: "arrayNode",
      value: create(ArrayNodeSchema, {
        node: sub,
        successCriteria,
        ...(options.parallelism === undefined
          ? {}
          : { parallelismOption: { case: "parallelism", value: options.parallelism } }),
        boundInputs: options.boundInputs ?? [],
      }),
    },
    inputs,
  );
}

/** A node launching launch plan `name` (version v1 in project p, domain d). */
export function launchPlanNode(id: string, name: string, inputs: Record<string, BindingData> = {}): Node {
  return node(
    id,
    {
      case: "workflowNode",
      value: { reference: { case: "launchplanRef", value: entityId(name, ResourceType.LAUNCH_PLAN) } },
    },
    inputs,
  );
}

/** Echoes its inputs, except that an odd integer input `x` fails the attempt permanently (USER). */
export function oddFailsPlugin(taskType = "odd-fails"): TaskPlugin & { calls: number } {
  const plugin = {
    id: taskType,
    taskTypes: [taskType],
    calls: 0,
    async handle(ctx: TaskExecutionContext) {
      plugin.calls++;
      const inputs = await ctx.inputs();
      const x = inputs.literals.x;
      const primitive =
        x?.value.case === "scalar" && x.value.value.value.case === "primitive" ? x.value.value.value.value : undefined;
      const value = primitive?.value.case === "integer" ? primitive.value.value : undefined;
      if (typeof value === "bigint" && value % 2n === 1n) {
        return {
          phase: PluginPhase.PermanentFailure,
          error: executionError(ExecutionError_ErrorKind.USER, "Odd", `odd input ${value}`),
        };
      }
      return { phase: PluginPhase.Success, outputs: create(LiteralMapSchema, { literals: inputs.literals }) };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
  return plugin;
}

/** What one attempt saw: its environment, name and paths. */
export interface SeenAttempt {
  env: Record<string, string>;
  generatedName: string;
  inputsPath: string;
  outputPrefix: string;
}

/** Echoes its inputs and records what each attempt saw. */
export function recordingEchoPlugin(taskType = "recording-echo"): TaskPlugin & { seen: SeenAttempt[] } {
  const seen: SeenAttempt[] = [];
  return {
    id: taskType,
    taskTypes: [taskType],
    seen,
    async handle(ctx) {
      seen.push({
        env: { ...ctx.env },
        generatedName: ctx.generatedName,
        inputsPath: ctx.paths.inputs,
        outputPrefix: ctx.paths.outputPrefix,
      });
      return {
        phase: PluginPhase.Success,
        outputs: create(LiteralMapSchema, { literals: (await ctx.inputs()).literals }),
      };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}

/**
 * A dynamic task: writes the `DynamicJobSpec` `spec(inputs)` returns as `futures.pb` (instead of outputs)
 * and succeeds; records the attempts it ran.
 */
export function futuresPlugin(
  spec: (inputs: LiteralMap) => DynamicJobSpec,
  taskType = "dynamic",
): TaskPlugin & { attempts: number[] } {
  const attempts: number[] = [];
  return {
    id: taskType,
    taskTypes: [taskType],
    attempts,
    async handle(ctx) {
      attempts.push(ctx.taskExecutionId.retryAttempt);
      await writeProto(ctx.blobs, futuresPath(ctx.paths.outputPrefix), DynamicJobSpecSchema, spec(await ctx.inputs()));
      return { phase: PluginPhase.Success };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}

/** An integer input's value. */
export function intInput(inputs: LiteralMap, name: string): number {
  const literal = inputs.literals[name];
  const primitive =
    literal?.value.case === "scalar" && literal.value.value.value.case === "primitive"
      ? literal.value.value.value.value
      : undefined;
  if (primitive?.value.case !== "integer") throw new Error(`input ${name} is not an integer`);
  return Number(primitive.value.value);
}

/** Fails attempts permanently (USER `Broken`) while `failing` is set, else echoes its inputs; counts calls per task. */
export function switchablePlugin(
  taskType = "switchable",
): TaskPlugin & { failing: boolean; calls: Map<string, number> } {
  const plugin = {
    id: taskType,
    taskTypes: [taskType],
    failing: true,
    calls: new Map<string, number>(),
    async handle(ctx: TaskExecutionContext) {
      const name = ctx.template.id?.name ?? "";
      plugin.calls.set(name, (plugin.calls.get(name) ?? 0) + 1);
      if (plugin.failing) {
        return {
          phase: PluginPhase.PermanentFailure,
          error: executionError(ExecutionError_ErrorKind.USER, "Broken", "switched off"),
        };
      }
      return {
        phase: PluginPhase.Success,
        outputs: create(LiteralMapSchema, { literals: (await ctx.inputs()).literals }),
      };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
  return plugin;
}

/** Echoes its inputs and counts calls per task name. */
export function countingEchoPlugin(taskType = "counting"): TaskPlugin & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  return {
    id: taskType,
    taskTypes: [taskType],
    calls,
    async handle(ctx) {
      const name = ctx.template.id?.name ?? "";
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return {
        phase: PluginPhase.Success,
        outputs: create(LiteralMapSchema, { literals: (await ctx.inputs()).literals }),
      };
    },
    abort: () => Promise.resolve(),
    finalize: () => Promise.resolve(),
  };
}
