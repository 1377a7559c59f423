/*
 * The default plugin for container tasks when there is no Kubernetes: each attempt's command runs as a
 * local process (the image stood in for, see ImageMapping), in a fresh sandbox directory, as the leader of
 * its own process group, its output in log files. Flyte's pod plugin (flyteplugins k8s/pod/plugin.go) is
 * the model for phases and errors; co-pilot's data handling comes with it for raw containers.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { executionError } from "../../semantics/execution-errors.js";
import {
  attemptLeftResult,
  attemptLogFiles,
  attemptLogs,
  type AttemptLogFiles,
  localAttemptName,
} from "../local-attempt-files.js";
import { allocationToken } from "../resources/allocation-token.js";
import { PluginPhase, type PhaseInfo, type TaskExecutionContext, type TaskPlugin } from "../task-plugin.js";
import {
  compileLocalProcessOptions,
  LOCAL_PROCESS_RESOURCE_NAMESPACE,
  type CompiledLocalProcessOptions,
  type LocalProcessPluginOptions,
} from "./local-process-options.js";
import { localProcessStateFromJson, localProcessStateToJson, type RunningState } from "./local-process-state.js";
import { pidFileOf, readStartedProcess, SandboxPool, sandboxDirs, type SandboxDirs } from "./attempt-sandbox.js";
import { LaunchFailure, prepareProcessLaunch } from "./prepare-process-launch.js";
import { processExitPhase } from "./process-exit-phase.js";
import { ProgramLookup } from "./program-lookup.js";
import { isProcessAlive, signalProcessGroup } from "./process-liveness.js";
import { type ProcessExit, ProcessTable, SpawnError, type StartedProcess } from "./process-table.js";
import { uploadCopilotOutputs } from "./upload-copilot-outputs.js";

const STDERR_TAIL_BYTES = 4096;

/** The local-process plugin, with what tests and the composition root may want to know. */
export interface LocalProcessPlugin extends TaskPlugin {
  /** The options in effect. */
  readonly options: CompiledLocalProcessOptions;
}

/** An attempt's files: its sandbox and its log files. */
interface AttemptFiles extends AttemptLogFiles {
  dirs: SandboxDirs;
}

/**
 * Creates the local-process plugin (see {@link LocalProcessPluginOptions}).
 *
 * Per attempt: the first round takes a token of the `local-process` resource namespace (else
 * WaitingForResources until one frees; the token frees when the process exits), renders the command, writes
 * co-pilot inputs, asks a small launcher process to start it (see ProcessLauncher) and reports Running with
 * `file://` links to its stdout and stderr, without waiting for the fork: the round's events and save go on
 * meanwhile. A program that is not installed fails permanently at once, naming it (see ProgramLookup). A
 * process that could not start after all, or that exited, wakes the engine; the next round maps the exit as
 * the pod plugin maps the primary container: exit 0 ⇒ Success (the engine then reads `outputs.pb` /
 * `error.pb`; with co-pilot, the output files are first uploaded as `outputs.pb`, or `error.pb`), SIGKILL ⇒
 * retryable SYSTEM `Interrupted`, other exits ⇒ retryable USER with stderr's tail.
 *
 * After an engine restart the process is found again by its pid (and start time), from the sandbox's
 * record the launcher writes as soon as it started: still running ⇒ polled until it exits; gone ⇒ Success
 * when it left `outputs.pb`, `error.pb` or `futures.pb`, else retryable SYSTEM `Interrupted`, since its exit
 * code was lost with the engine (or it never started).
 */
export function createLocalProcessPlugin(options: LocalProcessPluginOptions = {}): LocalProcessPlugin {
  const opts = compileLocalProcessOptions(options);
  const table = new ProcessTable();
  const programs = new ProgramLookup();
  const sandboxesDir = join(opts.workDir, "sandboxes");
  // Enough kept sandboxes for every process slot to start from one, with room for a burst of finishes.
  const sandboxes = new SandboxPool(sandboxesDir, opts.maxConcurrentProcesses * 2);
  /** Liveness pollers of processes found running after a restart, by sandbox. */
  const recoveryPollers = new Map<string, ReturnType<typeof setInterval>>();

  const filesOf = (ctx: TaskExecutionContext): AttemptFiles => ({
    dirs: sandboxDirs(join(sandboxesDir, localAttemptName(ctx))),
    ...attemptLogFiles(ctx, opts.logDir),
  });

  const tokenOf = (ctx: TaskExecutionContext) => allocationToken(ctx.taskExecutionId, ctx.generatedName);

  const running = (state: RunningState): PhaseInfo => ({
    phase: PluginPhase.Running,
    version: 0,
    info: { logs: attemptLogs(state) },
  });

  const start = async (ctx: TaskExecutionContext): Promise<PhaseInfo> => {
    const target = ctx.template.target;
    if (target.case !== "container") {
      const message = `the ${opts.id} plugin runs container tasks; task [${ctx.template.id?.name ?? ""}] has ${target.case ?? "no target"}`;
      return {
        phase: PluginPhase.PermanentFailure,
        reason: message,
        error: executionError(ExecutionError_ErrorKind.USER, "BadTaskSpecification", message),
      };
    }
    const rm_ = ctx.resourceManager;
    rm_.registerQuota?.(LOCAL_PROCESS_RESOURCE_NAMESPACE, opts.maxConcurrentProcesses);
    const allocation = await rm_.allocate(LOCAL_PROCESS_RESOURCE_NAMESPACE, tokenOf(ctx), undefined, {
      onAvailable: () => ctx.wake(),
    });
    if (allocation === "exhausted") {
      ctx.setState(localProcessStateToJson({ phase: "waiting" }));
      return {
        phase: PluginPhase.WaitingForResources,
        reason: `waiting for one of the engine's local process slots (${LOCAL_PROCESS_RESOURCE_NAMESPACE})`,
      };
    }

    const files = filesOf(ctx);
    sandboxes.create(files.dirs);
    let launch;
    try {
      launch = await prepareProcessLaunch(ctx, target.value, files.dirs, opts);
    } catch (e) {
      if (e instanceof LaunchFailure) return e.phase;
      throw e;
    }
    const program = launch.argv[0] ?? "";
    const missing = programs.check(program, launch.env, launch.cwd);
    if (missing !== undefined) {
      return spawnFailure(new SpawnError(missing.errno, missing.message), program, target.value.image);
    }
    const key = files.dirs.root;
    table.start(key, {
      argv: launch.argv,
      cwd: launch.cwd,
      env: launch.env,
      inheritEnv: launch.inheritEnv,
      stdoutFile: files.stdoutFile,
      stderrFile: files.stderrFile,
      pidFile: pidFileOf(files.dirs),
    });
    // The slot is the running process's: it frees when the process exits, so a task waiting for one starts
    // without waiting for this attempt's next round and finalize (which releases it again, harmlessly).
    table.onExit(key, () => void rm_.release(LOCAL_PROCESS_RESOURCE_NAMESPACE, tokenOf(ctx)));
    table.onExit(key, () => ctx.wake());
    const state: RunningState = {
      phase: "running",
      ...(program === "" ? {} : { program }),
      sandbox: key,
      stdoutFile: files.stdoutFile,
      stderrFile: files.stderrFile,
      startedAtMs: Date.now(),
      ...(target.value.dataConfig?.enabled === true ? { copilotOutputDir: files.dirs.copilotOutputs } : {}),
    };
    ctx.setState(localProcessStateToJson(state));
    return running(state);
  };

  /** Why the attempt's process did not start, as the phase that reports it. */
  const notStarted = (ctx: TaskExecutionContext, state: RunningState, failure: Error): PhaseInfo => {
    if (failure instanceof SpawnError) {
      const target = ctx.template.target;
      return spawnFailure(failure, state.program ?? "", target.case === "container" ? target.value.image : "");
    }
    const message = `could not start the task's process: ${failure.message}`;
    return {
      phase: PluginPhase.RetryableFailure,
      reason: message,
      error: executionError(ExecutionError_ErrorKind.SYSTEM, "CannotStartProcess", message),
    };
  };

  /** The pid recorded for the attempt: in its state, else in its sandbox. */
  const recordedProcess = (state: RunningState): StartedProcess | undefined =>
    state.pid !== undefined ? { pid: state.pid, startTicks: state.startTicks } : readStartedProcess(state.sandbox);

  const exited = async (ctx: TaskExecutionContext, state: RunningState, exit: ProcessExit): Promise<PhaseInfo> => {
    const phase = processExitPhase(exit, {
      containerName: ctx.generatedName,
      stderrTail: exit.exitCode === 0 ? "" : await readTail(state.stderrFile),
      info: { logs: attemptLogs(state) },
    });
    if (phase.phase === PluginPhase.Success && state.copilotOutputDir !== undefined) {
      await uploadCopilotOutputs(ctx, state.copilotOutputDir);
    }
    return phase;
  };

  const pollRecovered = (ctx: TaskExecutionContext, state: RunningState, recorded: StartedProcess): void => {
    if (recoveryPollers.has(state.sandbox)) return;
    const timer = setInterval(() => {
      if (isProcessAlive(recorded.pid, recorded.startTicks)) return;
      clearInterval(timer);
      recoveryPollers.delete(state.sandbox);
      ctx.wake();
    }, opts.recoveryPollMs);
    timer.unref();
    recoveryPollers.set(state.sandbox, timer);
  };

  const stopPolling = (sandbox: string): void => {
    const timer = recoveryPollers.get(sandbox);
    if (timer !== undefined) clearInterval(timer);
    recoveryPollers.delete(sandbox);
  };

  const observe = async (ctx: TaskExecutionContext, state: RunningState): Promise<PhaseInfo> => {
    if (table.has(state.sandbox)) {
      const failure = table.failureOf(state.sandbox);
      if (failure !== undefined) return notStarted(ctx, state, failure);
      const exit = table.exitOf(state.sandbox);
      return exit === undefined ? running(state) : exited(ctx, state, exit);
    }
    const recorded = recordedProcess(state);
    if (recorded !== undefined && isProcessAlive(recorded.pid, recorded.startTicks)) {
      pollRecovered(ctx, state, recorded);
      return running(state);
    }
    stopPolling(state.sandbox);
    if (await attemptLeftResult(ctx)) return { phase: PluginPhase.Success, info: { logs: attemptLogs(state) } };
    const message =
      recorded === undefined
        ? "the engine restarted before the task's process started"
        : `the engine restarted while the task ran, and its process [${recorded.pid}] ended without leaving outputs`;
    return {
      phase: PluginPhase.RetryableFailure,
      reason: message,
      error: executionError(ExecutionError_ErrorKind.SYSTEM, "Interrupted", message),
      info: { logs: attemptLogs(state) },
    };
  };

  return {
    id: opts.id,
    taskTypes: opts.taskTypes,
    options: opts,
    // Finalize frees the slot and the sandbox; a later round judges the attempt by its pid and the blob store.
    properties: { finalizeKeepsOutcome: true },

    async handle(ctx) {
      const state = localProcessStateFromJson(ctx.state);
      return state?.phase === "running" ? observe(ctx, state) : start(ctx);
    },

    async abort(ctx) {
      const state = localProcessStateFromJson(ctx.state);
      if (state?.phase !== "running") return;
      stopPolling(state.sandbox);
      const known = table.has(state.sandbox);
      const started = known ? await table.started(state.sandbox) : recordedProcess(state);
      if (started === undefined) return;
      const runs = known ? table.exitOf(state.sandbox) === undefined : isProcessAlive(started.pid, started.startTicks);
      if (!runs) return;
      signalProcessGroup(started.pid, "SIGTERM");
      const kill = setTimeout(() => {
        // The group outlives its leader when the task started children; kill whatever is left of it.
        signalProcessGroup(started.pid, "SIGKILL");
      }, opts.killGracePeriodMs);
      kill.unref();
      table.onExit(state.sandbox, () => {
        if (!groupExists(started.pid)) clearTimeout(kill);
      });
    },

    close() {
      for (const sandbox of [...recoveryPollers.keys()]) stopPolling(sandbox);
      table.close();
      return Promise.resolve();
    },

    async finalize(ctx) {
      await ctx.resourceManager.release(LOCAL_PROCESS_RESOURCE_NAMESPACE, tokenOf(ctx));
      const state = localProcessStateFromJson(ctx.state);
      const sandbox = state?.phase === "running" ? state.sandbox : filesOf(ctx).dirs.root;
      stopPolling(sandbox);
      table.forget(sandbox);
      await sandboxes.release(sandbox);
    },
  };
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnFailure(error: SpawnError, program: string, image: string): PhaseInfo {
  const message =
    error.errno === "ENOENT"
      ? `program [${program}] not found: install it where the engine runs (for flytekit tasks, install flytekit ` +
        `in the task's environment) or map the image [${image}] to a command prefix in the local-process ` +
        `plugin's images option (${error.message})`
      : `cannot start [${program}]: ${error.message}`;
  return {
    phase: PluginPhase.PermanentFailure,
    reason: message,
    error: executionError(
      ExecutionError_ErrorKind.USER,
      error.errno === "ENOENT" ? "ProgramNotFound" : "CannotStartProgram",
      message,
    ),
  };
}

async function readTail(file: string): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return "";
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, STDERR_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}
