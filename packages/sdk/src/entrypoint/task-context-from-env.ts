import { taskId, workflowExecutionId } from "@aloft/idl";
import type { BlobStore } from "@aloft/storage";
import type { TaskExecutionContext } from "../entities/task-result.js";
import { settingsFromEnv } from "../serialize/settings-env.js";
import type { SerializationSettings } from "../serialize/serialization-settings.js";
import { DEFAULT_TASK_IMAGE } from "../package/default-task-image.js";

type Env = Readonly<Record<string, string | undefined>>;

// flytekit's `get_one_of`: the long name, then the short one.
function oneOf(env: Env, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) return value;
  }
  return "";
}

/** Options of {@link taskContextFromEnv}. */
export interface TaskContextFromEnvOptions {
  env: Env;
  store: BlobStore;
  /** A scratch folder for this run. */
  workDir: string;
  /** Where offloaded data goes (a URI); the output prefix when propeller gave none. */
  rawOutputPrefix: string;
  checkpointPrefix: string | undefined;
  previousCheckpointPrefix: string | undefined;
  signal?: AbortSignal;
}

/**
 * The context a task runs with in a container, from Flyte's environment as flytekit's
 * `setup_execution` reads it: the execution (`FLYTE_INTERNAL_EXECUTION_{PROJECT,DOMAIN,ID}` or
 * `_F_PRJ`/`_F_DM`/`_F_NM`), the task (`FLYTE_INTERNAL_TASK_{PROJECT,DOMAIN,NAME,VERSION}` or
 * `_F_TK_*`), the attempt (`FLYTE_ATTEMPT_NUMBER`), the node (`ALOFT_NODE_ID`, which Flyte does not
 * set: `""`), and the settings dynamic tasks serialize with (`_ALOFT_SS_C`, completed from the
 * execution and the task version as flytekit does, image `FLYTE_INTERNAL_IMAGE` when absent).
 */
export function taskContextFromEnv(options: TaskContextFromEnvOptions): TaskExecutionContext {
  const { env } = options;
  const execution = {
    project: oneOf(env, "FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ"),
    domain: oneOf(env, "FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM"),
    name: oneOf(env, "FLYTE_INTERNAL_EXECUTION_ID", "_F_NM"),
  };
  const task = {
    project: oneOf(env, "FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ"),
    domain: oneOf(env, "FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM"),
    name: oneOf(env, "FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM"),
    version: oneOf(env, "FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V"),
  };
  const attempt = Number.parseInt(oneOf(env, "FLYTE_ATTEMPT_NUMBER"), 10);
  const base: SerializationSettings = settingsFromEnv(env) ?? {
    project: "",
    domain: "",
    version: "",
    image: oneOf(env, "FLYTE_INTERNAL_IMAGE") || DEFAULT_TASK_IMAGE,
  };
  const settings: SerializationSettings = {
    ...base,
    project: base.project || execution.project,
    domain: base.domain || execution.domain,
    // Children of a dynamic task share its version (flytekit sets it from the task id).
    version: task.version || base.version,
  };
  return {
    store: options.store,
    rawOutputPrefix: options.rawOutputPrefix,
    workDir: options.workDir,
    executionId: workflowExecutionId(execution),
    nodeId: oneOf(env, "ALOFT_NODE_ID"),
    attempt: Number.isSafeInteger(attempt) && attempt >= 0 ? attempt : 0,
    taskId: task.name === "" ? undefined : taskId(task),
    checkpointPrefix: options.checkpointPrefix,
    previousCheckpointPrefix: options.previousCheckpointPrefix,
    settings,
    env,
    signal: options.signal,
  };
}
