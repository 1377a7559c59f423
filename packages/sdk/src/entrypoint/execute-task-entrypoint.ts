import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { ErrorDocumentSchema, type ContainerError } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { readProto, writeProto, type BlobStore } from "@aloft/storage";
import type { TaskResult } from "../entities/task-result.js";
import { arrayElementInputs, arrayJobIndex } from "./array-element.js";
import { blobStoreFromEnv, toBlobUri } from "./blob-store-from-env.js";
import { containerErrorFor, errorDocument, type FailureScope } from "./container-error-document.js";
import { hydrateFastRegistration } from "./hydrate-fast-registration.js";
import { loadTask } from "./load-task.js";
import { parseExecuteArgs, parseTaskLocator, type ExecuteArgs } from "./parse-execute-args.js";
import { taskContextFromEnv } from "./task-context-from-env.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Options of {@link executeTaskEntrypoint}. */
export interface ExecuteTaskEntrypointOptions {
  /**
   * The folder holding the code: an unpacked bundle or a checkout.
   * @default `--dynamic-dest-dir` when given, else `cwd`
   */
  codeDir?: string;
  /** What relative paths resolve against. @default process.cwd() */
  cwd?: string;
  /** The blob store to use instead of one configured from `env` (the store is then not closed). */
  store?: BlobStore;
  /** Where progress and failures are logged (stderr in the bins). @default nothing */
  log?: (line: string) => void;
  /** Aborts the task (the task body sees it as `ctx.signal`). */
  signal?: AbortSignal;
  /**
   * A failure that happened before the task could start (e.g. fetching its code): written as its
   * `error.pb`, SYSTEM and recoverable, instead of running it.
   */
  setupFailure?: unknown;
}

/** What {@link executeTaskEntrypoint} did. */
export interface ExecuteTaskEntrypointResult {
  /** The process exit code: 0 even when the task failed (propeller reads `error.pb`), see `FLYTE_FAIL_ON_ERROR`. */
  exitCode: number;
  /** Which file it wrote under the output prefix (`nothing` when the arguments were unusable). */
  wrote: "outputs" | "futures" | "error" | "nothing";
  /** The URI of that file. */
  uri: string | undefined;
  /** The error written to `error.pb`, when it was. */
  error: ContainerError | undefined;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "t", "yes", "y", "on"].includes(value.trim().toLowerCase());
}

// flytekit's `_build_error_file_name`: distributed tasks' workers must not overwrite each other's error.
function errorFileName(env: Env): string {
  const strategy = env.FLYTE_INTERNAL_DIST_ERROR_STRATEGY ?? env._F_DES;
  return strategy === undefined || strategy === "" ? "error.pb" : `error-${randomUUID().replaceAll("-", "")}.pb`;
}

function workerName(env: Env): string {
  const strategy = env.FLYTE_INTERNAL_DIST_ERROR_STRATEGY ?? env._F_DES;
  return strategy === undefined || strategy === "" ? "" : (env.FLYTE_INTERNAL_WORKER_NAME ?? env._F_WN ?? "");
}

// A failure with the scope `_dispatch_execute` would give it.
class ScopedFailure {
  constructor(
    readonly scope: FailureScope,
    readonly error: unknown,
  ) {}
}

async function scoped<T>(scope: FailureScope, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ScopedFailure(scope, error);
  }
}

// Storage trouble is the platform's, not the user's (flytekit's catch-all marks it SYSTEM, retried).
function userOrSystem(error: unknown): FailureScope {
  const code = (error as { code?: unknown } | null)?.code;
  const isAloft = error instanceof AloftError || (error instanceof Error && error.name === "AloftError");
  return isAloft && (code === Code.Unavailable || code === Code.DeadlineExceeded) ? "system" : "user";
}

interface RunPlan {
  args: ExecuteArgs;
  codeDir: string;
  store: BlobStore;
  outputPrefix: string;
}

async function runTask(plan: RunPlan, env: Env, options: ExecuteTaskEntrypointOptions, workDir: string) {
  const { args, store, outputPrefix } = plan;
  const cwd = options.cwd ?? process.cwd();
  const loaded = await scoped("user", async () => {
    const locator = parseTaskLocator(args.resolverArgs);
    return {
      locator,
      ...(await loadTask({ codeDir: plan.codeDir, module: locator.module, taskName: locator.taskName })),
    };
  });
  let inputs: LiteralMap = await scoped("system", () =>
    readProto(store, toBlobUri(args.inputs, cwd), LiteralMapSchema),
  );
  const array = loaded.locator.array;
  if (array !== undefined) {
    inputs = await scoped("user", async () => arrayElementInputs(inputs, arrayJobIndex(env), array.bound));
  }
  const ctx = taskContextFromEnv({
    env,
    store,
    workDir,
    rawOutputPrefix: args.rawOutputDataPrefix === undefined ? outputPrefix : toBlobUri(args.rawOutputDataPrefix, cwd),
    checkpointPrefix: args.checkpointPath === undefined ? undefined : toBlobUri(args.checkpointPath, cwd),
    previousCheckpointPrefix: args.prevCheckpoint === undefined ? undefined : toBlobUri(args.prevCheckpoint, cwd),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  options.log?.(`aloft-execute: running ${loaded.locator.taskName} from ${loaded.locator.module}`);
  try {
    return await loaded.task.executeLiterals(inputs, ctx);
  } catch (error) {
    throw new ScopedFailure(userOrSystem(error), error);
  }
}

async function writeResult(plan: RunPlan, result: TaskResult): Promise<ExecuteTaskEntrypointResult> {
  const { store, outputPrefix, args } = plan;
  if (result.kind === "outputs") {
    const uri = store.join(outputPrefix, "outputs.pb");
    await writeProto(store, uri, LiteralMapSchema, result.outputs);
    return { exitCode: 0, wrote: "outputs", uri, error: undefined };
  }
  const spec =
    args.dynamicAddlDistro === undefined
      ? result.spec
      : hydrateFastRegistration(result.spec, {
          distribution: args.dynamicAddlDistro,
          destDir: args.dynamicDestDir ?? ".",
        });
  const uri = store.join(outputPrefix, "futures.pb");
  await writeProto(store, uri, DynamicJobSpecSchema, spec);
  return { exitCode: 0, wrote: "futures", uri, error: undefined };
}

/**
 * `aloft-execute`, pyflyte-execute's counterpart, as a function (the bins call it; so can a warm
 * worker): parses the container args, loads the task with the `aloft` resolver, reads `inputs.pb`
 * (for map tasks, picks this element), runs the task and writes `outputs.pb` (a `LiteralMap`),
 * `futures.pb` (a dynamic task's `DynamicJobSpec`, fast-registration placeholders filled in) or
 * `error.pb` (an `ErrorDocument`) under the output prefix.
 *
 * Failures are classified as flytekit's `_dispatch_execute` does: failing to load the task and
 * errors of user code are USER (RECOVERABLE only for a `RecoverableError`), failing to read inputs
 * or to reach storage is SYSTEM and RECOVERABLE; messages carry the (source-mapped) stack. The exit
 * code is 0 whenever a result or `error.pb` was written, 1 when `FLYTE_FAIL_ON_ERROR` is true and
 * an error was written or when not even `error.pb` could be written, and 2 for unusable arguments.
 *
 * It leaves no process state behind (no environment, working directory or handler changes), except
 * that Node's source-map support is switched on, for stacks, and modules stay in Node's cache.
 */
export async function executeTaskEntrypoint(
  argv: readonly string[],
  env: Env,
  options: ExecuteTaskEntrypointOptions = {},
): Promise<ExecuteTaskEntrypointResult> {
  const cwd = options.cwd ?? process.cwd();
  let args: ExecuteArgs;
  try {
    args = parseExecuteArgs(argv[0] === "aloft-execute" ? argv.slice(1) : argv);
  } catch (error) {
    options.log?.(error instanceof AloftError ? error.rawMessage : String(error));
    return { exitCode: 2, wrote: "nothing", uri: undefined, error: undefined };
  }
  // Stacks of bundled code then name the user's .ts files and lines.
  process.setSourceMapsEnabled(true);

  const outputPrefix = toBlobUri(args.outputPrefix, cwd);
  const uris = [toBlobUri(args.inputs, cwd), outputPrefix];
  if (args.rawOutputDataPrefix !== undefined) uris.push(toBlobUri(args.rawOutputDataPrefix, cwd));
  let store: BlobStore;
  try {
    store = options.store ?? blobStoreFromEnv({ env, uris });
  } catch (error) {
    options.log?.(`aloft-execute: cannot set up storage: ${error instanceof Error ? error.message : String(error)}`);
    return { exitCode: 1, wrote: "nothing", uri: undefined, error: undefined };
  }
  const plan: RunPlan = { args, codeDir: options.codeDir ?? args.dynamicDestDir ?? cwd, store, outputPrefix };
  const workDir = await mkdtemp(join(tmpdir(), "aloft-task-"));
  try {
    let failure: ScopedFailure;
    try {
      if (options.setupFailure !== undefined) throw new ScopedFailure("system", options.setupFailure);
      const result = await runTask(plan, env, options, workDir);
      try {
        return await writeResult(plan, result);
      } catch (error) {
        failure = new ScopedFailure("system", error);
      }
    } catch (error) {
      failure = error instanceof ScopedFailure ? error : new ScopedFailure("system", error);
    }
    const containerError = containerErrorFor(failure.error, failure.scope, workerName(env));
    options.log?.(`aloft-execute: the task failed (${failure.scope}):\n${containerError.message}`);
    const uri = store.join(outputPrefix, errorFileName(env));
    try {
      await writeProto(store, uri, ErrorDocumentSchema, errorDocument(containerError));
    } catch (error) {
      options.log?.(`aloft-execute: cannot write ${uri}: ${error instanceof Error ? error.message : String(error)}`);
      return { exitCode: 1, wrote: "nothing", uri: undefined, error: containerError };
    }
    return { exitCode: isTrue(env.FLYTE_FAIL_ON_ERROR) ? 1 : 0, wrote: "error", uri, error: containerError };
  } finally {
    await rm(workDir, { recursive: true, force: true });
    if (options.store === undefined) await store.close().catch(() => undefined);
  }
}
