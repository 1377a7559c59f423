/*
 * Builders and task plugins for the tests of array, dynamic, launch-plan nodes and recovery mode.
 */
import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type BindingData } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { ArrayNodeSchema, type Node } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
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
