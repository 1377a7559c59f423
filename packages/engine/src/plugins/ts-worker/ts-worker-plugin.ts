/*
 * The TypeScript SDK's tasks (`ts-task`) on warm worker processes: the same container args a pod would run
 * (`aloft-fast-execute … -- aloft-execute …`), handed over IPC to a worker that already loaded the task's
 * code bundle, so a task costs little more than an in-process call. Tasks that opt out, or whose command is
 * something else, run as local processes.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { JsonValue } from "@bufbuild/protobuf";
import { ExecutionError_ErrorKind, type TaskLog } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executionError } from "../../semantics/execution-errors.js";
import { attemptLeftResult, attemptLogFiles, attemptLogs, localAttemptName } from "../local-attempt-files.js";
import { createLocalProcessPlugin } from "../local-process/local-process-plugin.js";
import { LaunchFailure, renderTaskCommand } from "../local-process/prepare-process-launch.js";
import { processExitPhase } from "../local-process/process-exit-phase.js";
import { PluginPhase, type PhaseInfo, type TaskExecutionContext, type TaskPlugin } from "../task-plugin.js";
import {
  compileTsWorkerOptions,
  WARM_WORKER_CONFIG_KEY,
  type CompiledTsWorkerOptions,
  type TsWorkerPluginOptions,
} from "./ts-worker-options.js";
import { isTsWorkerCommand, workerBundleKey } from "./worker-bundle-key.js";
import { WorkerPool, type RunOutcome, type WorkerPoolStats } from "./worker-pool.js";

/** Exit code of `aloft-execute` for arguments it cannot use. */
const BAD_ARGUMENTS_EXIT_CODE = 2;

/** The ts-worker plugin, with its pool's controls. */
export interface TsWorkerPlugin extends TaskPlugin {
  readonly options: CompiledTsWorkerOptions;
  /** What the pool holds. */
  stats(): WorkerPoolStats;
  /** Kills the workers (engine shutdown). */
  close(): Promise<void>;
}

type WorkerState =
  | { mode: "worker"; phase: "waiting" }
  | { mode: "worker"; phase: "running"; runId: string; stdoutFile: string; stderrFile: string; startedAtMs: number }
  | { mode: "process"; process: JsonValue | null };

function stateFromJson(json: JsonValue | undefined): WorkerState | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  if (json.mode === "process") return { mode: "process", process: json.process ?? null };
  if (json.mode !== "worker") return undefined;
  if (json.phase === "waiting") return { mode: "worker", phase: "waiting" };
  if (
    json.phase === "running" &&
    typeof json.runId === "string" &&
    typeof json.stdoutFile === "string" &&
    typeof json.stderrFile === "string" &&
    typeof json.startedAtMs === "number"
  ) {
    return {
      mode: "worker",
      phase: "running",
      runId: json.runId,
      stdoutFile: json.stdoutFile,
      stderrFile: json.stderrFile,
      startedAtMs: json.startedAtMs,
    };
  }
  return undefined;
}

/** A view of `ctx` whose plugin state is the fallback plugin's part of the ts-worker state. */
function processContext(ctx: TaskExecutionContext, inner: JsonValue | undefined): TaskExecutionContext {
  return {
    taskExecutionId: ctx.taskExecutionId,
    nodeExecutionId: ctx.nodeExecutionId,
    workflowExecutionId: ctx.workflowExecutionId,
    generatedName: ctx.generatedName,
    template: ctx.template,
    namespace: ctx.namespace,
    paths: ctx.paths,
    interruptible: ctx.interruptible,
    ...(ctx.resourceOverrides === undefined ? {} : { resourceOverrides: ctx.resourceOverrides }),
    env: ctx.env,
    labels: ctx.labels,
    annotations: ctx.annotations,
    ...(ctx.securityContext === undefined ? {} : { securityContext: ctx.securityContext }),
    ...(ctx.executionDeadline === undefined ? {} : { executionDeadline: ctx.executionDeadline }),
    blobs: ctx.blobs,
    inputs: () => ctx.inputs(),
    state: inner,
    setState: (state) => ctx.setState({ mode: "process", process: state ?? null }),
    wake: () => ctx.wake(),
    resourceManager: ctx.resourceManager,
    signal: ctx.signal,
  };
}

function wantsProcess(ctx: TaskExecutionContext): boolean {
  if (ctx.template.config[WARM_WORKER_CONFIG_KEY]?.trim().toLowerCase() === "false") return true;
  const target = ctx.template.target;
  if (target.case !== "container") return true;
  return !isTsWorkerCommand([...target.value.command, ...target.value.args]);
}

/**
 * Creates the ts-worker plugin (see {@link TsWorkerPluginOptions}).
 *
 * Per attempt: the first round renders the container args (Flyte's templates), picks a warm worker of the
 * task's code bundle (else starts one, evicting an idle worker of another bundle when the pool is full, else
 * WaitingForResources until a worker frees), sends the run and reports Running with `file://` links to the
 * attempt's stdout and stderr (the worker's output while it runs the task). The worker's `done` wakes the
 * engine: exit 0 ⇒ Success (the engine reads outputs.pb / error.pb / futures.pb as for any container task),
 * 2 ⇒ permanent USER (unusable arguments), other codes ⇒ retryable USER; a worker that dies mid-task ⇒
 * retryable SYSTEM `WorkerCrashed`, and the next task gets a new worker. After an engine restart (workers
 * exit with it) a run is Success if it left its outputs, else retryable SYSTEM `Interrupted`.
 */
export function createTsWorkerPlugin(options: TsWorkerPluginOptions): TsWorkerPlugin {
  const opts = compileTsWorkerOptions(options);
  const pool = new WorkerPool({
    workerEntry: opts.workerEntry,
    poolSize: opts.poolSize,
    idleTimeoutMs: opts.idleTimeoutMs,
    execArgv: opts.execArgv,
    env: opts.workerEnv,
    workRoot: join(opts.workDir, "workers"),
    abortGracePeriodMs: opts.abortGracePeriodMs,
  });
  const fallback = createLocalProcessPlugin({
    workDir: join(opts.workDir, "processes"),
    logDir: opts.logDir,
    ...opts.processFallback,
    id: opts.id,
    taskTypes: opts.taskTypes,
  });

  const start = async (ctx: TaskExecutionContext): Promise<PhaseInfo> => {
    const target = ctx.template.target;
    if (target.case !== "container") throw new Error("unreachable: checked by wantsProcess");
    let argv: string[];
    try {
      argv = await renderTaskCommand(ctx, target.value);
    } catch (e) {
      if (e instanceof LaunchFailure) return e.phase;
      throw e;
    }
    const env: Record<string, string> = { ...opts.env };
    for (const kv of target.value.env) env[kv.key] = kv.value;
    Object.assign(env, ctx.env);

    const name = localAttemptName(ctx);
    const { stdoutFile, stderrFile } = attemptLogFiles(ctx, opts.logDir);
    await mkdir(opts.logDir, { recursive: true });
    const runId = `${name}-${randomUUID()}`;
    const started = pool.start(workerBundleKey(argv, opts.codeDir), {
      runId,
      argv,
      env,
      codeDir: opts.codeDir,
      stdoutFile,
      stderrFile,
    });
    if (!started) {
      pool.waitForCapacity(name, () => ctx.wake());
      ctx.setState({ mode: "worker", phase: "waiting" });
      return {
        phase: PluginPhase.WaitingForResources,
        reason: `waiting for a TypeScript worker (all ${opts.poolSize} are busy)`,
      };
    }
    pool.cancelWait(name);
    pool.onFinish(runId, () => ctx.wake());
    ctx.setState({ mode: "worker", phase: "running", runId, stdoutFile, stderrFile, startedAtMs: Date.now() });
    return { phase: PluginPhase.Running, version: 0, info: { logs: attemptLogs({ stdoutFile, stderrFile }) } };
  };

  const finished = (ctx: TaskExecutionContext, outcome: RunOutcome, logs: TaskLog[]): PhaseInfo => {
    if (outcome.kind === "crashed") {
      const how = outcome.signal === null ? `exit code ${outcome.exitCode ?? "?"}` : `signal ${outcome.signal}`;
      const message = `the TypeScript worker running the task exited (${how}) before the task finished. Message: \n${outcome.stderrTail}`;
      return {
        phase: PluginPhase.RetryableFailure,
        reason: message,
        error: executionError(ExecutionError_ErrorKind.SYSTEM, "WorkerCrashed", message),
        info: { logs },
      };
    }
    if (outcome.exitCode === BAD_ARGUMENTS_EXIT_CODE) {
      const message = `aloft-execute cannot use the task's arguments: ${outcome.stderrTail}`;
      return {
        phase: PluginPhase.PermanentFailure,
        reason: message,
        error: executionError(ExecutionError_ErrorKind.USER, "BadTaskSpecification", message),
        info: { logs },
      };
    }
    return processExitPhase(
      { exitCode: outcome.exitCode, signal: undefined },
      { containerName: ctx.generatedName, stderrTail: outcome.stderrTail, info: { logs } },
    );
  };

  const observe = async (
    ctx: TaskExecutionContext,
    state: Extract<WorkerState, { phase: "running" }>,
  ): Promise<PhaseInfo> => {
    const logs = attemptLogs(state);
    if (pool.has(state.runId)) {
      const outcome = pool.outcomeOf(state.runId);
      if (outcome === undefined) return { phase: PluginPhase.Running, version: 0, info: { logs } };
      return finished(ctx, outcome, logs);
    }
    if (await attemptLeftResult(ctx)) return { phase: PluginPhase.Success, info: { logs } };
    const message = "the engine restarted while the task ran on a TypeScript worker, and it left no outputs";
    return {
      phase: PluginPhase.RetryableFailure,
      reason: message,
      error: executionError(ExecutionError_ErrorKind.SYSTEM, "Interrupted", message),
      info: { logs },
    };
  };

  return {
    id: opts.id,
    taskTypes: opts.taskTypes,
    options: opts,
    // Finalize forgets the run (or finalizes the process fallback); a later round judges it by the blob store.
    properties: { finalizeKeepsOutcome: true },

    async handle(ctx) {
      const state = stateFromJson(ctx.state);
      if (state?.mode === "process" || (state === undefined && wantsProcess(ctx))) {
        const inner = state?.mode === "process" ? (state.process ?? undefined) : undefined;
        return fallback.handle(processContext(ctx, inner));
      }
      if (state?.phase === "running") return observe(ctx, state);
      return start(ctx);
    },

    async abort(ctx, reason) {
      const state = stateFromJson(ctx.state);
      if (state?.mode === "process") {
        await fallback.abort(processContext(ctx, state.process ?? undefined), reason);
        return;
      }
      pool.cancelWait(localAttemptName(ctx));
      if (state?.phase === "running") pool.abort(state.runId, reason);
    },

    async finalize(ctx) {
      const state = stateFromJson(ctx.state);
      pool.cancelWait(localAttemptName(ctx));
      if (state?.mode === "process") {
        await fallback.finalize(processContext(ctx, state.process ?? undefined));
        return;
      }
      if (state?.phase === "running") pool.forget(state.runId);
    },

    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}
