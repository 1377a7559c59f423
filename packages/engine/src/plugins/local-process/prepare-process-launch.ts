/*
 * What a container task's process runs with: its command and args with Flyte's templates rendered over the
 * attempt's blob paths (propeller.md §5.2), co-pilot's inputs written as files when the task has a
 * `data_config` (§5.5), the image stood in for by its configured mapping, and the environment a pod would
 * get (container env, then Flyte's).
 */
import { mkdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { Container } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { create } from "@bufbuild/protobuf";
import { taskTemplatePath, writeProto } from "@aloft/storage";
import { replaceCopilotPaths, writeCopilotInputs } from "../../semantics/copilot-data.js";
import { executionError, messageOf } from "../../semantics/execution-errors.js";
import { renderCommandTemplates } from "../../semantics/render-command-templates.js";
import { commandTemplatePaths } from "../command-template-paths.js";
import { PluginPhase, type PhaseInfo, type TaskExecutionContext } from "../task-plugin.js";
import type { SandboxDirs } from "./attempt-sandbox.js";
import type { CompiledLocalProcessOptions } from "./local-process-options.js";

/** The process to start for an attempt. */
export interface ProcessLaunch {
  argv: string[];
  cwd: string;
  /** The environment, or with `inheritEnv` what is set over the engine's own. */
  env: Record<string, string>;
  inheritEnv: boolean;
}

/** A launch that cannot happen, with the phase that reports why. */
export class LaunchFailure extends Error {
  constructor(readonly phase: PhaseInfo) {
    super(phase.error?.message ?? phase.reason ?? "launch failed");
    this.name = "LaunchFailure";
  }
}

const TASK_TEMPLATE_PATH = /{{\s*[.$]TaskTemplatePath\s*}}/i;
const INPUT_VARIABLE = /{{\s*[.$]Inputs\./i;
const OUTPUT_PREFIX = /{{\s*[.$]OutputPrefix\s*}}/i;

function failure(permanent: boolean, code: string, message: string): LaunchFailure {
  return new LaunchFailure({
    phase: permanent ? PluginPhase.PermanentFailure : PluginPhase.RetryableFailure,
    reason: message,
    error: executionError(ExecutionError_ErrorKind.USER, code, message),
  });
}

/**
 * The container's command and args with Flyte's templates rendered for the attempt of `ctx` (the task
 * template is uploaded to `task.pb` first when `{{.taskTemplatePath}}` is used).
 *
 * @throws LaunchFailure permanent `FailedToBuildResource` (the pod plugin's BuildResource failure) for a
 * template that cannot be rendered or a container without a command.
 */
export async function renderTaskCommand(ctx: TaskExecutionContext, container: Container): Promise<string[]> {
  const templates = [...container.command, ...container.args];
  if (templates.length === 0) {
    throw failure(true, "FailedToBuildResource", "could not build resource for task: the container has no command");
  }
  const inputs = templates.some((t) => INPUT_VARIABLE.test(t)) ? await ctx.inputs() : create(LiteralMapSchema, {});
  let templatePath: string | undefined;
  if (templates.some((t) => TASK_TEMPLATE_PATH.test(t))) {
    templatePath = taskTemplatePath(ctx.paths.inputPrefix);
    await writeProto(ctx.blobs, templatePath, TaskTemplateSchema, ctx.template);
  }
  try {
    return renderCommandTemplates(templates, inputs, {
      ...commandTemplatePaths(ctx),
      ...(templatePath === undefined ? {} : { taskTemplatePath: templatePath }),
    });
  } catch (e) {
    throw failure(true, "FailedToBuildResource", `could not build resource for task: ${messageOf(e)}`);
  }
}

/**
 * Builds the launch of `container` for the attempt of `ctx` (its sandbox `dirs` made already), writing
 * co-pilot inputs into `dirs`.
 *
 * @throws LaunchFailure see {@link renderTaskCommand}; inputs co-pilot cannot write (retryable USER
 * `CopilotDownloadFailed`, as a failed download init container).
 */
export async function prepareProcessLaunch(
  ctx: TaskExecutionContext,
  container: Container,
  dirs: SandboxDirs,
  options: CompiledLocalProcessOptions,
): Promise<ProcessLaunch> {
  let argv = await renderTaskCommand(ctx, container);
  // A local program told the output prefix may write `outputs.pb` with plain file calls, which need the
  // directory (S3 has none). Synchronous: one call of microseconds, cheaper than a trip through the thread
  // pool (see attempt-sandbox).
  const toldOutputPrefix = [...container.command, ...container.args].some((t) => OUTPUT_PREFIX.test(t));
  if (toldOutputPrefix && ctx.paths.outputPrefix.startsWith("file://")) {
    mkdirSync(fileURLToPath(ctx.paths.outputPrefix), { recursive: true });
  }
  const dataConfig = container.dataConfig?.enabled === true ? container.dataConfig : undefined;
  if (dataConfig !== undefined) {
    try {
      await writeCopilotInputs({
        inputs: await ctx.inputs(),
        dir: dirs.copilotInputs,
        format: dataConfig.format,
        blobs: { store: ctx.blobs, rawOutputPrefix: ctx.paths.rawOutputPrefix },
      });
    } catch (e) {
      throw failure(false, "CopilotDownloadFailed", `co-pilot could not write the inputs: ${messageOf(e)}`);
    }
    await mkdir(dirs.copilotOutputs, { recursive: true });
    argv = replaceCopilotPaths(argv, dataConfig, { inputDir: dirs.copilotInputs, outputDir: dirs.copilotOutputs });
  }

  const image = options.images[container.image];
  const program = argv[0] === undefined ? undefined : options.programs[argv[0]];
  if (program !== undefined) argv = [...program, ...argv.slice(1)];
  if (image?.commandPrefix !== undefined) argv = [...image.commandPrefix, ...argv];

  const env: Record<string, string> = { ...options.env, ...image?.env };
  for (const kv of container.env) env[kv.key] = kv.value;
  Object.assign(env, ctx.env);
  return { argv, cwd: image?.workingDir ?? dirs.work, env, inheritEnv: options.inheritEnv };
}
