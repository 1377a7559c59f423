import type { SerializationSettings } from "./serialization-settings.js";

/** The resolver `aloft-execute` uses to find a task: import its module, look it up by name in the registry. */
export const ALOFT_RESOLVER = "aloft";

/** Flyte's fast-registration prefix: download and unpack the code bundle, then run the rest. */
export function fastExecutePrefix(): string[] {
  return [
    "aloft-fast-execute",
    "--additional-distribution",
    "{{ .remote_package_path }}",
    "--dest-dir",
    "{{ .dest_dir }}",
    "--",
  ];
}

/** Where `aloft-execute` finds a task, and for map tasks which inputs are bound. */
export interface TaskLoaderArgs {
  /** The module path the task is exported from (`examples/hello`). */
  module: string;
  /** The task's registered name. */
  taskName: string;
  /** Map tasks: the inputs passed whole to each element (sorted). */
  mapBound?: readonly string[];
}

/**
 * The container args of a TypeScript task (its `command` stays empty, as flytekit's): `aloft-execute`
 * with Flyte's templated paths and `--resolver aloft -- module <m> task <name>`, plus `array true
 * bound <a,b>` for map tasks, wrapped in `aloft-fast-execute … --` when the code travels as a bundle.
 */
export function taskContainerArgs(loader: TaskLoaderArgs, settings: SerializationSettings): string[] {
  const args = [
    "aloft-execute",
    "--inputs",
    "{{.input}}",
    "--output-prefix",
    "{{.outputPrefix}}",
    "--raw-output-data-prefix",
    "{{.rawOutputDataPrefix}}",
    "--checkpoint-path",
    "{{.checkpointOutputPrefix}}",
    "--prev-checkpoint",
    "{{.prevCheckpointPrefix}}",
    "--resolver",
    ALOFT_RESOLVER,
    "--",
    "module",
    loader.module,
    "task",
    loader.taskName,
  ];
  if (loader.mapBound !== undefined) args.push("array", "true", "bound", loader.mapBound.join(","));
  return (settings.code?.kind ?? "fast") === "fast" ? [...fastExecutePrefix(), ...args] : args;
}
