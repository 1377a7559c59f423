import { relative, sep } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { RunEvent, RunOptions } from "@aloft/sdk";
import type { RunInputDescription, RunInterfaceDescription } from "@aloft/sdk/internal";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError, ExitCode } from "../cli-error.js";

/** The options of `aloft run` itself, as parsed. */
interface RunFlags {
  json?: boolean;
  cache?: "on" | "off" | "overwrite";
  signal?: string[];
  dataDir?: string;
  maxParallelism?: number;
  quiet?: boolean;
  remote?: boolean;
  help?: boolean;
  // Remote runs only:
  config?: string;
  project?: string;
  domain?: string;
  admin?: string;
  name?: string;
  wait?: boolean;
  follow?: boolean;
  version?: string;
}

/** The options that only make sense with `--remote`. */
const REMOTE_ONLY = ["config", "project", "domain", "admin", "name", "wait", "follow", "version"] as const;
/** The options that only make sense for a local run. */
const LOCAL_ONLY = ["json", "signal", "dataDir"] as const;

const description = [
  "Run a task, workflow or launch plan locally, in this process: the file is loaded (TypeScript or JavaScript), the entity found by its export name (or registered name), and its inputs read from one flag per input, typed from its interface.",
  "The run goes through the compiled workflow, as on Flyte: retries, branches, maps, dynamic tasks, sub-workflows, launch plans and gates behave as they would there. Tasks declared with `cache` are cached in ~/.aloft/local-cache (or $ALOFT_LOCAL_CACHE_DIR).",
  "Prints one line per node as it finishes on stderr, and the outputs on stdout: the value of a single output, else one `name: value` line per output (JSON with --json). Exits 1 when the run fails.",
  "Input values: numbers, strings, true/false, ISO dates (2024-05-01T12:00:00Z), durations (1h30m), JSON for lists, records and maps, paths or URIs for files, folders and datasets.",
  "With --remote it runs on the platform instead, as `pyflyte run --remote`: the entity and what it uses are packaged (as `aloft package`: the version is a content hash unless --version is given) and registered in -p/-d (as `aloft register files`: the code goes up through admin's data proxy, entities already there count as registered), then an execution is created with the inputs and its name and console URL printed. --wait waits for it and prints its outputs; --follow shows its progress live, then its outputs. Either exits 1 when it does not succeed. Signals are sent with `aloft signal`.",
].join("\n\n");

const examples = `
Examples:
  aloft run examples/hello-world.ts helloWorld --name world --n 3
  aloft run examples/hello-world.ts helloWorld --help       # the inputs of helloWorld
  aloft run examples/branches.ts classify --x -4 --json
  aloft run --remote -p flytesnacks -d development --wait examples/hello-world.ts helloWorld --name world
  aloft run examples/hello-world.ts square --x 7 --remote --follow --admin localhost:30080 -p flytesnacks -d development
  aloft run --remote --name my-run examples/hello-world.ts helloWorld --name world   # an input shadows an option: give the option before the file`;

const CACHE_MODES = ["on", "off", "overwrite"] as const;

function parseCache(value: string): RunFlags["cache"] {
  const mode = value.toLowerCase();
  if ((CACHE_MODES as readonly string[]).includes(mode)) return mode as RunFlags["cache"];
  throw new InvalidArgumentError("use on, off or overwrite.");
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("use a non-negative integer.");
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError("use <name>=<value>.");
  return [...(previous ?? []), value];
}

/** `aloft run`'s own options; `skip` leaves out those an entity's inputs use. */
function runOptions(skip: ReadonlySet<string> = new Set()): Option[] {
  const options = [
    new Option("--json", "print the outputs as JSON"),
    new Option("--cache <mode>", "the local cache of cached tasks: on, off or overwrite")
      .argParser(parseCache)
      .default("on"),
    new Option(
      "--signal <name=value>",
      "a value for a gate (waitForInput, approve: true or false); repeatable",
    ).argParser(collect),
    new Option("--data-dir <dir>", "where files, folders and datasets tasks write go (default: a new temp folder)"),
    new Option("--max-parallelism <n>", "how many nodes may run at once (default: 25)").argParser(parseCount),
    new Option("-q, --quiet", "print no progress lines"),
    new Option("--remote", "run on the platform (admin at --admin or the config file's admin.endpoint)"),
    new Option(
      "-p, --project <project>",
      "remote: the project (default: root.project in the config file, else flytesnacks)",
    ),
    new Option(
      "-d, --domain <domain>",
      "remote: the domain (default: root.domain in the config file, else development)",
    ),
    new Option(
      "--admin <url>",
      "remote: admin's endpoint (default: admin.endpoint in the config file, else localhost:30080)",
    ),
    new Option(
      "-c, --config <file>",
      "remote: flytectl's config file (default: $FLYTECTL_CONFIG, else ~/.flyte/config.yaml)",
    ),
    new Option("--name <name>", "remote: the execution's name (default: a generated one)"),
    new Option("--version <version>", "remote: the version to register under (default: a content hash)"),
    new Option("--wait", "remote: wait for the execution to end and print its outputs"),
    new Option("--follow", "remote: show the execution's progress live, then its outputs"),
  ];
  return options.filter((o) => !skip.has(o.attributeName()) && !skip.has(o.long?.replace(/^--/, "") ?? ""));
}

/** A commander command that throws instead of exiting and prints through the context. */
function standalone(name: string, context: CliContext): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.output.stdout(text),
      writeErr: (text) => context.output.stderr(text),
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true)
    .helpOption("-h, --help", "show help");
}

const HELP_CODES = new Set(["commander.helpDisplayed", "commander.help"]);

/** Parses `argv` with `command`: `true` when it printed help; usage errors become `CliError`s. */
function parseWith(command: Command, argv: readonly string[], helpHint: string): boolean {
  try {
    command.parse([...argv], { from: "user" });
    return false;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (HELP_CODES.has(error.code)) return true;
    const [first = "", ...rest] = error.message.split("\n");
    const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(" "))?.[1];
    throw CliError.usage(first.replace(/^error:\s*/, ""), {
      hint: suggestion === undefined ? `run '${helpHint}' for usage` : `did you mean ${suggestion}?`,
      cause: error,
    });
  }
}

/** `aloft run`: pyflyte run's local mode for TypeScript. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const run = program
      .command("run")
      .summary("run a task, workflow or launch plan, locally or on the platform (--remote)")
      .description(description)
      .usage("[options] <file> <entity> [--<input> <value>...]")
      // Inputs are flags of the entity, known only once the file is loaded: parsed in the action.
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument("[args...]")
      .action(async (args: string[]) => {
        await runCommand(args, context, run);
      });
    const options = runOptions();
    run.addHelpText(
      "after",
      `\nOptions:\n${options.map((o) => `  ${o.flags.padEnd(26)}${o.description}`).join("\n")}\n  ${"-h, --help".padEnd(26)}show help (after <file> <entity>: the entity's inputs)\n${examples}`,
    );
  },
};

async function runCommand(args: readonly string[], context: CliContext, outer: Command): Promise<void> {
  // Phase 1: aloft run's options before the file, the file and the entity.
  const base = standalone("aloft run", context)
    .passThroughOptions()
    .argument("[file]")
    .argument("[entity]")
    .argument("[rest...]");
  for (const option of runOptions()) base.addOption(option);
  base.helpOption(false).addOption(new Option("-h, --help"));
  parseWith(base, args, "aloft run --help");
  const before = base.opts<RunFlags>();
  const [file, entityName, ...rest] = base.args;
  if (file === undefined) {
    if (before.help === true) {
      outer.outputHelp();
      return;
    }
    throw CliError.usage("missing the file to run", {
      hint: "aloft run <file> <entity> [--<input> <value>...], e.g. aloft run examples/hello-world.ts helloWorld --name world",
    });
  }

  // Loaded here, not at the top: `aloft --help` should not pay for the SDK.
  const sdk = await import("@aloft/sdk");
  const internal = await import("@aloft/sdk/internal");
  const { Code } = await import("@aloft/idl");
  // Stacks (a failing task's line, a declaration's call site) must point into the user's .ts files.
  process.setSourceMapsEnabled(true);
  let loaded: Awaited<ReturnType<typeof internal.loadModules>>;
  try {
    loaded = await internal.loadModules({ files: [file], cwd: context.cwd });
  } catch (error) {
    if ((error as { code?: unknown }).code === Code.NotFound) {
      throw CliError.usage(`no such file: ${file}`, { hint: "give the path of a .ts or .js module", cause: error });
    }
    throw error;
  }
  const module = loaded.modules[0]?.module;
  const candidates = loaded.entities.filter((e) => e.location?.module === module);
  const names = candidates.map((e) => e.location?.exportName ?? e.name ?? "");
  const listing =
    names.length === 0 ? `${file} exports no task, workflow or launch plan` : `${file} has ${names.join(", ")}`;
  if (entityName === undefined || entityName.startsWith("-")) {
    throw CliError.usage("missing the entity to run: the export name of a task, workflow or launch plan", {
      hint: listing,
    });
  }
  const entity =
    candidates.find((e) => e.location?.exportName === entityName) ?? loaded.entities.find((e) => e.name === entityName);
  if (entity === undefined) {
    const closest = closestName(entityName, names);
    throw CliError.usage(`${file} has no task, workflow or launch plan named ${entityName}`, {
      hint: closest === undefined ? listing : `did you mean ${closest}? (${listing})`,
    });
  }

  // Phase 2: the entity's inputs as flags, and aloft run's options again (those no input shadows).
  const iface = internal.describeRunInterface(entity);
  const inputNames = new Set(iface.inputs.map((i) => i.name));
  const usage = `aloft run ${file} ${entityName}`;
  const cmd = standalone(usage, context)
    .usage("[--<input> <value>...] [options]")
    .description(
      `${internal.describeEntity(entity)}${iface.description === undefined ? "" : `: ${iface.description}`}${describeOutputs(iface)}`,
    );
  for (const input of iface.inputs) {
    if (input.fixed) continue;
    cmd.addOption(inputOption(input).helpGroup("Inputs:"));
  }
  for (const option of runOptions(inputNames)) cmd.addOption(option.helpGroup("Options:"));
  cmd.helpOption("-h, --help", "show this help");
  const fixed = iface.inputs.filter((i) => i.fixed);
  if (fixed.length > 0) {
    cmd.addHelpText(
      "after",
      `\nFixed by the launch plan:\n${fixed.map((i) => `  ${i.name} = ${i.defaultText ?? ""}`).join("\n")}`,
    );
  }
  if (before.help === true) {
    cmd.outputHelp();
    return;
  }
  if (parseWith(cmd, rest, `${usage} --help`)) return;
  const parsed = cmd.opts<Record<string, unknown>>();
  const flags: RunFlags = { ...before };
  for (const key of ["json", "cache", "dataDir", "maxParallelism", "quiet", "remote", ...REMOTE_ONLY] as const) {
    if (!inputNames.has(key) && parsed[key] !== undefined && cmd.getOptionValueSource(key) !== "default") {
      (flags as Record<string, unknown>)[key] = parsed[key];
    }
  }
  if (!inputNames.has("signal")) flags.signal = [...(before.signal ?? []), ...((parsed.signal as string[]) ?? [])];
  checkModeOptions(flags, cmd);

  const inputs: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const input of iface.inputs) {
    if (input.fixed) continue;
    const text = parsed[input.name];
    if (text === undefined) {
      if (input.required) missing.push(`--${input.name} <${input.type.name}>`);
      continue;
    }
    inputs[input.name] = text === true ? true : parseInput(input, String(text), `${usage} --help`);
  }
  if (missing.length > 0) {
    throw CliError.usage(`missing required input${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`, {
      hint: `run '${usage} --help' to see its inputs`,
    });
  }

  if (flags.remote === true) {
    const { runRemote } = await import("../remote-run/run-remote.js");
    const byName = new Map(iface.inputs.map((input) => [input.name, input]));
    await runRemote({
      loaded,
      entity,
      inputs: Object.entries(inputs).map(([name, value]) => ({ name, type: byName.get(name)!.type, value })),
      flags: {
        ...pick(flags, REMOTE_ONLY),
        ...(flags.cache === "overwrite" ? { overwriteCache: true } : {}),
        ...(flags.maxParallelism === undefined ? {} : { maxParallelism: flags.maxParallelism }),
      },
      context,
    });
    return;
  }

  const signals = parseSignals(flags.signal ?? []);
  let outputs: unknown;
  try {
    // `run` is typed for entities whose interface is known statically; this one was found at run time.
    const runEntity = sdk.run as unknown as (entity: unknown, inputs: unknown, options: RunOptions) => Promise<unknown>;
    outputs = await runEntity(entity, inputs, {
      cache: flags.cache ?? "on",
      dataDir: flags.dataDir === undefined ? undefined : resolvePath(context.cwd, flags.dataDir),
      maxParallelism: flags.maxParallelism,
      env: context.env,
      signals: ({ name, kind, type }) => {
        const text = signals.get(name);
        if (text === undefined) {
          const what = kind === "approve" ? `approval "${name}" (true or false)` : `signal "${name}" (${type.name})`;
          throw new Error(`no value was given for ${what}: give it with --signal ${name}=<value>`);
        }
        if (kind === "approve") return parseBoolean(text, name);
        try {
          return type.parseText(text);
        } catch (error) {
          const raw = (error as { rawMessage?: unknown }).rawMessage;
          const message = (typeof raw === "string" ? raw : (error as Error).message).replace(/^value: /, "");
          throw new Error(`invalid value for --signal ${name} (${type.name}): ${message}`, { cause: error });
        }
      },
      onEvent:
        flags.quiet === true
          ? undefined
          : (event: RunEvent) => {
              const line = internal.formatRunEvent(event);
              if (line !== undefined) context.output.stderr(`${line}\n`);
            },
    });
  } catch (error) {
    if (error instanceof Error && error.name === "RunFailure") {
      // Only a failure of user code has a stack worth pointing at (its cause's).
      const at = error.cause === undefined ? undefined : thrownAt(error, context.cwd);
      throw CliError.failure(error.message.split("\n")[0] ?? error.message, {
        hint: at === undefined ? undefined : `thrown at ${at} (ALOFT_DEBUG=1 prints the whole stack)`,
        cause: error,
      });
    }
    throw error;
  }
  context.output.stdout(internal.formatRunOutputs({ outputs, single: iface.singleOutput, json: flags.json === true }));
  context.setExitCode(ExitCode.Ok);
}

/** Refuses options of the other mode: remote-only options on a local run, local-only ones on a remote run. */
function checkModeOptions(flags: RunFlags, cmd: Command): void {
  const flag = (key: string) => cmd.options.find((o) => o.attributeName() === key)?.long ?? `--${key}`;
  if (flags.remote === true) {
    const local = LOCAL_ONLY.find((key) =>
      key === "signal" ? (flags.signal ?? []).length > 0 : flags[key] !== undefined,
    );
    if (local !== undefined) {
      throw CliError.usage(`${flag(local)} applies to local runs only`, {
        hint:
          local === "signal"
            ? "send signals to a remote execution with aloft signal approve|set"
            : `drop ${flag(local)}, or --remote to run in this process`,
      });
    }
    if (flags.cache === "off") {
      throw CliError.usage("--cache off applies to local runs only", {
        hint: "remote runs take --cache on (the default) or overwrite",
      });
    }
    if (flags.wait === true && flags.follow === true) {
      throw CliError.usage("--wait and --follow exclude each other", {
        hint: "--follow also waits, showing the progress",
      });
    }
    return;
  }
  const remote = REMOTE_ONLY.find((key) => flags[key] !== undefined);
  if (remote !== undefined) {
    throw CliError.usage(`${flag(remote)} needs --remote`, { hint: "add --remote to run on the platform" });
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked;
}

/** The flag of one input: `--<name> <type>`, parsed with the type, with its type and default in the help. */
function inputOption(input: RunInputDescription): Option {
  const typeName = input.type.name;
  const boolean = typeName === "boolean";
  const placeholder = /^[\w.-]+$/.test(typeName) ? typeName : "value";
  const details = [
    /^[\w.-]+$/.test(typeName) ? undefined : typeName,
    input.required ? "required" : undefined,
    input.defaultText === undefined ? undefined : `default: ${input.defaultText}`,
  ].filter((d) => d !== undefined);
  const text = [input.description, details.length === 0 ? undefined : `(${details.join(", ")})`]
    .filter((d) => d !== undefined)
    .join(" ");
  return new Option(`--${input.name} ${boolean ? "[boolean]" : `<${placeholder}>`}`, text);
}

/** An input's value from its flag's text, read by its type; a bad value is a usage error naming the flag. */
function parseInput(input: RunInputDescription, text: string, helpHint: string): unknown {
  try {
    return input.type.parseText(text);
  } catch (error) {
    const raw = (error as { rawMessage?: unknown }).rawMessage;
    const message = (typeof raw === "string" ? raw : (error as Error).message).replace(/^value: /, "");
    throw CliError.usage(`invalid value for --${input.name} <${input.type.name}>: ${message}`, {
      hint: `run '${helpHint}' to see its inputs`,
    });
  }
}

function describeOutputs(iface: RunInterfaceDescription): string {
  if (iface.outputs.length === 0) return "\n\nOutputs: none";
  if (iface.singleOutput) return `\n\nOutput: ${iface.outputs[0]?.typeName ?? ""}`;
  return `\n\nOutputs:\n${iface.outputs.map((o) => `  ${o.name}: ${o.typeName}`).join("\n")}`;
}

function parseSignals(values: readonly string[]): Map<string, string> {
  const signals = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf("=");
    signals.set(value.slice(0, at), value.slice(at + 1));
  }
  return signals;
}

function parseBoolean(text: string, name: string): boolean {
  const value = text.trim().toLowerCase();
  if (value === "true" || value === "yes" || value === "1") return true;
  if (value === "false" || value === "no" || value === "0") return false;
  throw new Error(`approval "${name}" takes true or false, got ${JSON.stringify(text)}`);
}

function resolvePath(cwd: string, path: string): string {
  return path.startsWith("/") ? path : `${cwd}${sep}${path}`;
}

/** Where the user's code threw: the first frame of the failure's stack, relative to the working directory. */
function thrownAt(error: Error, cwd: string): string | undefined {
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    const m = /\(?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m === null) continue;
    const rel = relative(cwd, m[1] ?? "");
    return `${rel.startsWith("..") ? m[1] : rel.split(sep).join("/")}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** The known name closest to `name` by edit distance, if it is close enough to be a likely typo. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (best === undefined || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
