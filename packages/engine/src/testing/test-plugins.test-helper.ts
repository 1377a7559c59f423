/*
 * Task plugins for the engine's tests.
 */
import { create } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { executionError } from "../semantics/execution-errors.js";
import { PluginPhase, type TaskExecutionContext, type TaskPlugin } from "../plugins/task-plugin.js";

/** Fails attempts with a retryable error of `kind` until attempt `failures`, then echoes its inputs by name. */
export function flakyPlugin(options: {
  failures: number;
  kind: "USER" | "SYSTEM";
  taskType?: string;
}): TaskPlugin & { attempts: number[] } {
  const attempts: number[] = [];
  return {
    id: options.taskType ?? "flaky",
    taskTypes: [options.taskType ?? "flaky"],
    attempts,
    async handle(ctx) {
      const attempt = ctx.taskExecutionId.retryAttempt;
      attempts.push(attempt);
      if (attempt < options.failures) {
        return {
          phase: PluginPhase.RetryableFailure,
          error: executionError(ExecutionError_ErrorKind[options.kind], "Flaky", `attempt ${attempt} failed`),
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
}

/**
 * Runs until the test releases the attempt (`release(generatedName)` or `releaseAll()`), then echoes its
 * inputs. Records handle, abort and finalize calls; keeps `{ started: true }` as its state.
 */
export function gatedPlugin(taskType = "gated"): TaskPlugin & {
  handles: string[];
  aborts: string[];
  successes: string[];
  releaseAll(): void;
  release(generatedName: string): void;
  started: Set<string>;
} {
  const released = new Set<string>();
  let all = false;
  const wakes = new Map<string, () => void>();
  const plugin = {
    id: taskType,
    taskTypes: [taskType],
    handles: [] as string[],
    aborts: [] as string[],
    successes: [] as string[],
    started: new Set<string>(),
    async handle(ctx: TaskExecutionContext) {
      plugin.handles.push(ctx.generatedName);
      plugin.started.add(ctx.generatedName);
      wakes.set(ctx.generatedName, () => ctx.wake());
      if (!all && !released.has(ctx.generatedName)) {
        ctx.setState({ started: true });
        return { phase: PluginPhase.Running, version: 0 };
      }
      plugin.successes.push(ctx.generatedName);
      return {
        phase: PluginPhase.Success,
        outputs: create(LiteralMapSchema, { literals: (await ctx.inputs()).literals }),
      };
    },
    abort(ctx: TaskExecutionContext) {
      plugin.aborts.push(ctx.generatedName);
      return Promise.resolve();
    },
    finalize: () => Promise.resolve(),
    releaseAll() {
      all = true;
      for (const wake of wakes.values()) wake();
    },
    release(generatedName: string) {
      released.add(generatedName);
      wakes.get(generatedName)?.();
    },
  };
  return plugin;
}
