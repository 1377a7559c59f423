import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import { ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { BlobStore } from "@aloft/storage";
import {
  CopilotUserError,
  readCopilotOutputs,
  replaceCopilotPaths,
  writeCopilotInputs,
  type BlobAccess,
} from "./copilot-data.js";
import { renderCommandTemplates } from "./render-command-templates.js";
import { TaskFailure } from "./task-failure.js";

/** Options of {@link runContainerTaskLocally}. */
export interface RunContainerTaskOptions {
  /** A task with a `container` target, typically of type `raw-container`. Its image is ignored. */
  template: TaskTemplate;
  inputs: LiteralMap;
  /** Reads blob inputs and stores blob outputs; without it, only local (`file://` or absolute) blobs work. */
  store?: BlobStore;
  /**
   * Where blob outputs and `{{.rawOutputDataPrefix}}` point: a URI of `store` or a local directory.
   * @default a new directory under the system temp dir, kept after the run
   */
  rawOutputPrefix?: string;
  /** Parent of the scratch directory the command runs in (removed afterwards). @default the system temp dir */
  workDir?: string;
  /** Keep the scratch directory (for debugging). @default false */
  keepWorkDir?: boolean;
  /** The attempt's generated name, for `{{.perRetryUniqueKey}}`. @default random */
  generatedName?: string;
  /** `{{.prevCheckpointPrefix}}`. @default "" (rendered as `""`) */
  prevCheckpointPrefix?: string;
  /** `{{.namespace}}`. @default "" */
  namespace?: string;
  /** Added to the process environment after the container's own `env`. */
  env?: Readonly<Record<string, string>>;
  /** Kills the process. */
  signal?: AbortSignal;
  /** Receives the process output as it comes. @default discarded (stderr's tail is kept for errors) */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
}

/** What a container task that succeeded produced (the shape task runners return). */
export interface ContainerTaskOutputs {
  kind: "outputs";
  outputs: LiteralMap;
}

const STDERR_TAIL_CHARS = 4096;

/**
 * Runs a container task's command as a local process, the way Flyte runs a raw container (without
 * the image): Flyte's template substitution on command and args (`{{.input}}`, `{{.outputPrefix}}`,
 * `{{.inputs.x}}`, …), and, when the task has an enabled `DataLoadingConfig`, co-pilot's behaviour:
 * inputs are written as files named after the variables plus `inputs.pb` and `inputs.json|yaml` into
 * a directory that replaces `input_path` in the command, and outputs are read from files named after
 * the output variables in the directory that replaces `output_path`. Without a data config the
 * command must write `outputs.pb` (or `error.pb`) under `{{.outputPrefix}}`, as flytekit does.
 *
 * Failures are thrown as {@link TaskFailure} (classified for the executor's retries):
 * a non-zero exit (retryable USER, with the tail of stderr), an `_ERROR` file (retryable USER),
 * unreadable outputs (retryable), a template that cannot be rendered (not retryable).
 *
 * @throws AloftError `InvalidArgument` when the task has no container, or neither command nor args.
 */
export async function runContainerTaskLocally(options: RunContainerTaskOptions): Promise<ContainerTaskOutputs> {
  const { template, inputs } = options;
  if (template.target.case !== "container") {
    throw AloftError.invalidArgument(`task ${template.id?.name ?? ""} has no container to run`);
  }
  const container = template.target.value;
  const argvTemplates = [...container.command, ...container.args];
  if (argvTemplates.length === 0) throw AloftError.invalidArgument(`task ${template.id?.name ?? ""} has no command`);

  const work = await mkdtemp(join(options.workDir ?? tmpdir(), "aloft-container-"));
  try {
    const metaDir = join(work, "meta");
    const outputPrefix = join(metaDir, "0");
    await mkdir(outputPrefix, { recursive: true });
    const inputFile = join(metaDir, "inputs.pb");
    await writeFile(inputFile, toBinary(LiteralMapSchema, inputs));

    const outputVariables = template.interface?.outputs?.variables ?? {};
    const usesRawPrefix = argvTemplates.some((a) => /{{\s*[.$]RawOutputDataPrefix\s*}}/i.test(a));
    const hasBlobOutputs = Object.values(outputVariables).some((v) => v.type?.type.case === "blob");
    const rawOutputPrefix =
      options.rawOutputPrefix ??
      (usesRawPrefix || hasBlobOutputs ? await mkdtemp(join(tmpdir(), "aloft-raw-")) : join(work, "raw"));
    const blobs: BlobAccess = { store: options.store, rawOutputPrefix };

    let argv: string[];
    try {
      argv = renderCommandTemplates(argvTemplates, inputs, {
        input: inputFile,
        inputPrefix: metaDir,
        outputPrefix,
        rawOutputDataPrefix: rawOutputPrefix,
        checkpointOutputPrefix: `${rawOutputPrefix}/_flytecheckpoints`,
        prevCheckpointPrefix: options.prevCheckpointPrefix ?? "",
        generatedName: options.generatedName ?? `local-${randomBytes(4).toString("hex")}`,
        namespace: options.namespace ?? "",
      });
    } catch (e) {
      throw new TaskFailure({
        code: "BadTaskSpecification",
        message: (e as Error).message,
        recoverable: false,
        cause: e,
      });
    }

    const dataConfig = container.dataConfig?.enabled === true ? container.dataConfig : undefined;
    const copilotIn = join(work, "copilot-inputs");
    const copilotOut = join(work, "copilot-outputs");
    if (dataConfig !== undefined) {
      try {
        await writeCopilotInputs({ inputs, dir: copilotIn, format: dataConfig.format, blobs });
      } catch (e) {
        throw new TaskFailure({
          code: "CopilotDownloadFailed",
          message: (e as Error).message,
          recoverable: false,
          cause: e,
        });
      }
      await mkdir(copilotOut, { recursive: true });
      argv = replaceCopilotPaths(argv, dataConfig, { inputDir: copilotIn, outputDir: copilotOut });
    }

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    for (const kv of container.env) env[kv.key] = kv.value;
    Object.assign(env, options.env ?? {});
    await runProcess(argv, { cwd: work, env, signal: options.signal, onOutput: options.onOutput });

    if (dataConfig !== undefined) {
      try {
        return {
          kind: "outputs",
          outputs: await readCopilotOutputs({ dir: copilotOut, outputs: template.interface?.outputs, blobs }),
        };
      } catch (e) {
        const reported = e instanceof CopilotUserError;
        throw new TaskFailure({
          code: reported ? "ContainerReportedError" : "CopilotUploadFailed",
          message: (e as Error).message,
          recoverable: true,
          cause: e,
        });
      }
    }
    return { kind: "outputs", outputs: await readOutputFiles(outputPrefix, Object.keys(outputVariables).length > 0) };
  } finally {
    if (options.keepWorkDir !== true) await rm(work, { recursive: true, force: true });
  }
}

/** What propeller checks after a container task succeeds: `error.pb`, then `outputs.pb` when outputs are declared. */
async function readOutputFiles(outputPrefix: string, outputsDeclared: boolean): Promise<LiteralMap> {
  const errorBytes = await readFile(join(outputPrefix, "error.pb")).catch(() => undefined);
  if (errorBytes !== undefined) {
    const doc = fromBinary(ErrorDocumentSchema, errorBytes);
    if (doc.error === undefined) {
      throw new TaskFailure({
        code: "ErrorFileBadFormat",
        message: "error not formatted correctly, nil error",
        recoverable: true,
        origin: "SYSTEM",
      });
    }
    throw TaskFailure.fromContainerError(doc.error);
  }
  const outputsPath = join(outputPrefix, "outputs.pb");
  if ((await stat(outputsPath).catch(() => undefined)) === undefined) {
    if (outputsDeclared) {
      throw new TaskFailure({
        code: "OutputsNotFound",
        message: "Outputs not generated by task execution",
        recoverable: true,
        origin: "UNKNOWN",
      });
    }
    return fromBinary(LiteralMapSchema, new Uint8Array());
  }
  return fromBinary(LiteralMapSchema, await readFile(outputsPath));
}

async function runProcess(
  argv: readonly string[],
  options: {
    cwd: string;
    env: Record<string, string>;
    signal: AbortSignal | undefined;
    onOutput: RunContainerTaskOptions["onOutput"];
  },
): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined)
    throw new TaskFailure({ code: "BadTaskSpecification", message: "empty command", recoverable: false });
  let stderrTail = "";
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => options.onOutput?.(chunk, "stdout"));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      options.onOutput?.(chunk, "stderr");
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.name === "AbortError") reject(e);
      else
        reject(
          new TaskFailure({
            code: "CommandFailed",
            message: `cannot run [${command}]: ${e.message}`,
            recoverable: false,
            cause: e,
          }),
        );
    });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  if (exit.code === 0) return;
  if (exit.code === null) {
    throw new TaskFailure({
      code: "Interrupted",
      message: `[${command}] was killed by ${exit.signal ?? "a signal"}. Message: \n${stderrTail}`,
      recoverable: true,
      origin: "SYSTEM",
    });
  }
  throw new TaskFailure({
    code: "ContainerFailed",
    message: `[${command}] terminated with exit code (${exit.code}). Reason [Error]. Message: \n${stderrTail}.`,
    recoverable: true,
  });
}
