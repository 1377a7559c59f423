import { AloftError } from "@aloft/idl";
import { ALOFT_RESOLVER } from "../serialize/container-args.js";

/** The arguments of `aloft-execute`, as serialization writes them (see `taskContainerArgs`). */
export interface ExecuteArgs {
  /** Where `inputs.pb` is (URI or local path). */
  inputs: string;
  /** Where `outputs.pb`, `futures.pb` or `error.pb` go. */
  outputPrefix: string;
  /** Where offloaded data goes; `undefined` when propeller left the template unfilled. */
  rawOutputDataPrefix: string | undefined;
  /** Where this attempt may write a checkpoint. */
  checkpointPath: string | undefined;
  /** The previous attempt's checkpoint, if any. */
  prevCheckpoint: string | undefined;
  /** Fast registration: where the code archive came from and where it is, for dynamic tasks' children. */
  dynamicAddlDistro: string | undefined;
  dynamicDestDir: string | undefined;
  /** Always `aloft`. */
  resolver: string;
  /** What follows `--`, still unparsed (`module <m> task <name> [array true bound <a,b>]`). */
  resolverArgs: string[];
}

/** What the `aloft` resolver's arguments name. */
export interface TaskLocator {
  /** The module path (`examples/hello`). */
  module: string;
  /** The task's registered name. */
  taskName: string;
  /** For map tasks: the inputs passed whole to every element. */
  array: { bound: string[] } | undefined;
}

const OPTIONS: Record<string, keyof ExecuteArgs> = {
  "--inputs": "inputs",
  "--output-prefix": "outputPrefix",
  "--raw-output-data-prefix": "rawOutputDataPrefix",
  "--checkpoint-path": "checkpointPath",
  "--prev-checkpoint": "prevCheckpoint",
  "--dynamic-addl-distro": "dynamicAddlDistro",
  "--dynamic-dest-dir": "dynamicDestDir",
  "--resolver": "resolver",
};

// flytekit's `normalize_inputs`: templates propeller did not fill mean "not given".
function normalized(value: string | undefined, template: string): string | undefined {
  if (value === undefined || value === template || value === "" || value === '""') return undefined;
  return value;
}

/**
 * Parses `aloft-execute`'s arguments (without the program name): `--inputs <uri> --output-prefix
 * <uri> [--raw-output-data-prefix <uri>] [--checkpoint-path <uri>] [--prev-checkpoint <uri|"">]
 * [--dynamic-addl-distro <uri> --dynamic-dest-dir <dir>] --resolver aloft -- <resolver args>`, each
 * option also as `--name=value`. Unfilled `{{.template}}` values count as absent, as in flytekit.
 *
 * @throws AloftError `InvalidArgument` for unknown options, options without a value, a missing
 * `--inputs` or `--output-prefix`, or a resolver other than `aloft`.
 */
export function parseExecuteArgs(argv: readonly string[]): ExecuteArgs {
  const values: Partial<Record<keyof ExecuteArgs, string>> = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      i++;
      break;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = OPTIONS[flag];
    if (key === undefined) throw AloftError.invalidArgument(`aloft-execute: unknown argument ${JSON.stringify(arg)}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw AloftError.invalidArgument(`aloft-execute: ${flag} needs a value`);
    values[key] = value;
  }
  const resolverArgs = argv.slice(i);
  if (values.inputs === undefined || values.inputs === "") {
    throw AloftError.invalidArgument("aloft-execute: --inputs is required");
  }
  if (values.outputPrefix === undefined || values.outputPrefix === "") {
    throw AloftError.invalidArgument("aloft-execute: --output-prefix is required");
  }
  const resolver = values.resolver ?? ALOFT_RESOLVER;
  if (resolver !== ALOFT_RESOLVER) {
    throw AloftError.invalidArgument(
      `aloft-execute: unknown resolver ${JSON.stringify(resolver)}; only "aloft" exists`,
    );
  }
  return {
    inputs: values.inputs,
    outputPrefix: values.outputPrefix,
    rawOutputDataPrefix: normalized(values.rawOutputDataPrefix, "{{.rawOutputDataPrefix}}"),
    checkpointPath: normalized(values.checkpointPath, "{{.checkpointOutputPrefix}}"),
    prevCheckpoint: normalized(values.prevCheckpoint, "{{.prevCheckpointPrefix}}"),
    dynamicAddlDistro: normalized(values.dynamicAddlDistro, "{{ .remote_package_path }}"),
    dynamicDestDir: normalized(values.dynamicDestDir, "{{ .dest_dir }}"),
    resolver,
    resolverArgs,
  };
}

/**
 * Parses the `aloft` resolver's arguments: `module <m> task <name>`, then for map tasks `array true
 * bound <a,b>` (an empty list when nothing is bound), pairs in any order.
 *
 * @throws AloftError `InvalidArgument` for a missing module or task, an unknown key or a key
 * without a value.
 */
export function parseTaskLocator(resolverArgs: readonly string[]): TaskLocator {
  const pairs = new Map<string, string>();
  for (let i = 0; i < resolverArgs.length; i += 2) {
    const key = resolverArgs[i] as string;
    const value = resolverArgs[i + 1];
    if (!["module", "task", "array", "bound"].includes(key)) {
      throw AloftError.invalidArgument(`resolver aloft: unknown argument ${JSON.stringify(key)}`);
    }
    if (value === undefined) throw AloftError.invalidArgument(`resolver aloft: ${key} needs a value`);
    pairs.set(key, value);
  }
  const module = pairs.get("module");
  const taskName = pairs.get("task");
  if (module === undefined || module === "" || taskName === undefined || taskName === "") {
    throw AloftError.invalidArgument(
      `resolver aloft: expected "module <module> task <name>", got ${JSON.stringify(resolverArgs.join(" "))}`,
    );
  }
  const isArray = pairs.get("array") === "true";
  const bound = (pairs.get("bound") ?? "").split(",").filter((b) => b !== "");
  return { module, taskName, array: isArray ? { bound } : undefined };
}
