/**
 * Flyte's `echo` test plugin (flyteplugins/go/tasks/plugins/testing/echo.go): the task's outputs are its
 * inputs, after an optional sleep. Inputs map to outputs of the same name; otherwise, as in Flyte, the
 * one input maps to the one output.
 */
import { create, type JsonValue } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { type Literal, LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { executionError } from "../semantics/execution-errors.js";
import { type PhaseInfo, PluginPhase, type TaskExecutionContext, type TaskPlugin } from "./task-plugin.js";

/** The echo plugin's id and task type. */
export const ECHO_TASK_TYPE = "echo";

/** Options of {@link createEchoPlugin}. */
export interface EchoPluginOptions {
  /** How long each task "runs" before echoing. @default 0 */
  sleepMs?: number;
  /** Clock in epoch ms. @default Date.now */
  now?: () => number;
}

/** The `echo` plugin. */
export function createEchoPlugin(options: EchoPluginOptions = {}): TaskPlugin {
  const sleepMs = options.sleepMs ?? 0;
  const now = options.now ?? Date.now;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    id: ECHO_TASK_TYPE,
    taskTypes: [ECHO_TASK_TYPE],
    async handle(ctx) {
      if (sleepMs > 0) {
        const state = ctx.state as { startedAt?: number } | undefined;
        const startedAt = state?.startedAt ?? now();
        if (state?.startedAt === undefined) ctx.setState({ startedAt } satisfies Record<string, JsonValue>);
        const remaining = startedAt + sleepMs - now();
        if (remaining > 0) {
          if (!timers.has(ctx.generatedName)) {
            timers.set(
              ctx.generatedName,
              setTimeout(() => {
                timers.delete(ctx.generatedName);
                ctx.wake();
              }, remaining),
            );
          }
          return { phase: PluginPhase.Running };
        }
      }
      return echo(ctx);
    },
    abort: () => Promise.resolve(),
    finalize(ctx) {
      const timer = timers.get(ctx.generatedName);
      if (timer !== undefined) clearTimeout(timer);
      timers.delete(ctx.generatedName);
      return Promise.resolve();
    },
  };
}

async function echo(ctx: TaskExecutionContext): Promise<PhaseInfo> {
  const mapping = outputNamesByInput(ctx.template);
  if (typeof mapping === "string") {
    return {
      phase: PluginPhase.PermanentFailure,
      error: executionError(ExecutionError_ErrorKind.SYSTEM, "EchoPluginError", mapping),
    };
  }
  const literals: Record<string, Literal> = {};
  if (mapping.size > 0) {
    const inputs = await ctx.inputs();
    for (const [input, output] of mapping) {
      const literal = inputs.literals[input];
      if (literal !== undefined) literals[output] = literal;
    }
  }
  return { phase: PluginPhase.Success, outputs: create(LiteralMapSchema, { literals }) };
}

function outputNamesByInput(template: TaskTemplate): Map<string, string> | string {
  const inputs = Object.keys(template.interface?.inputs?.variables ?? {});
  const outputs = Object.keys(template.interface?.outputs?.variables ?? {});
  if (inputs.length !== outputs.length) {
    return `the number of input [${inputs.length}] and output [${outputs.length}] variables does not match`;
  }
  const outputSet = new Set(outputs);
  if (inputs.every((name) => outputSet.has(name))) return new Map(inputs.map((name) => [name, name]));
  if (inputs.length > 1) return "this plugin does not currently support more than one input variable";
  return new Map(inputs.map((name, i) => [name, outputs[i]!]));
}
