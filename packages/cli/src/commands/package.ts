import { relative, sep } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { formatColumns, printLines } from "../output.js";

interface PackageFlags {
  output: string;
  project?: string;
  domain?: string;
  version?: string;
  image: string[];
  env: string[];
  fast: boolean;
  force?: boolean;
  root?: string;
}

const description = [
  "Package TypeScript tasks, workflows and launch plans for registration, as `pyflyte package` does: the modules are loaded (TypeScript or JavaScript; folders are walked), every exported entity is named `<module path with / → .>.<export name>` unless it has a `name`, and everything they use is serialized and compiled. Nothing is written when something does not compile.",
  "The package is a .tgz of `<NN>_<name>_<1|2|3>.pb` files (TaskSpec, WorkflowSpec, LaunchPlan, in registration order) plus the code bundle `fast<digest>.tar.gz` (leave it out with --no-fast when the image holds the code). `flytectl register files` and `aloft compile` read it.",
  "Ids carry -p/-d when given (else empty, for the registering client to fill) and --version, by default a content hash of the code, the settings and the SDK version: the same code gives the same version. `flytectl register files --version v` keeps that version unless --force is given.",
].join("\n\n");

const examples = `
Examples:
  aloft package examples --output flyte-package.tgz
  aloft package examples/hello-world.ts -p flytesnacks -d development --image ghcr.io/me/app:1.0
  aloft package src --image gpu=ghcr.io/me/gpu:2 --version v1 --force`;

function collectImage(value: string, previous: string[]): string[] {
  if (value.trim() === "") throw new InvalidArgumentError("give an image, or name=image.");
  return [...previous, value];
}

function collectEnv(value: string, previous: string[]): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError("use NAME=value.");
  return [...previous, value];
}

// pyflyte's `--image [name=]image`: one unnamed default image, any number of named ones.
function images(values: readonly string[]): { image: string | undefined; images: Record<string, string> } {
  let image: string | undefined;
  const named: Record<string, string> = {};
  for (const value of values) {
    const m = /^([A-Za-z0-9_-]+)=(.+)$/.exec(value);
    if (m === null) {
      if (image !== undefined) {
        throw CliError.usage("only one --image may be unnamed (the default image)", {
          hint: "name the others: --image gpu=ghcr.io/me/gpu:2",
        });
      }
      image = value;
    } else {
      named[m[1] as string] = m[2] as string;
    }
  }
  return { image, images: named };
}

function env(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") ? path : rel.split(sep).join("/");
}

const KIND_LABELS = { task: "task", workflow: "workflow", "launch-plan": "launchplan" } as const;

async function runPackage(paths: readonly string[], flags: PackageFlags, context: CliContext): Promise<void> {
  // Loaded here, not at the top: `aloft --help` should not pay for the bundler and tsx.
  const { loadModules, writePackage } = await import("@aloft/sdk/internal");
  const loaded = await loadModules({
    files: paths,
    cwd: context.cwd,
    ...(flags.root === undefined ? {} : { root: flags.root }),
  });
  const { image, images: named } = images(flags.image);
  const result = await writePackage({
    loaded,
    output: flags.output,
    cwd: context.cwd,
    ...(flags.project === undefined ? {} : { project: flags.project }),
    ...(flags.domain === undefined ? {} : { domain: flags.domain }),
    ...(flags.version === undefined ? {} : { version: flags.version }),
    ...(image === undefined ? {} : { image }),
    images: named,
    env: env(flags.env),
    fast: flags.fast,
    force: flags.force === true,
  });
  if (!result.ok) {
    context.output.stderr(result.errors.map((e) => `${e}\n`).join(""));
    const n = result.errors.length;
    throw CliError.failure(`nothing was written: ${n} problem${n === 1 ? "" : "s"} found while compiling`);
  }
  const rows = result.entries.map((e) => [KIND_LABELS[e.kind], e.name, e.file]);
  if (result.codeArchive !== undefined) rows.push(["code", "", result.codeArchive]);
  printLines(context.output, [
    ...formatColumns(rows),
    `packaged ${result.entries.length} entities, version ${result.version}, into ${shown(result.output, context.cwd)}`,
  ]);
}

/** `aloft package`: pyflyte package for TypeScript modules. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command("package")
      .summary("package TypeScript tasks and workflows for registration (pyflyte package)")
      .description(description)
      .argument("<paths...>", "module files (.ts, .mts, .js, .mjs) or folders holding them")
      .option("-o, --output <file>", "the package to write", "flyte-package.tgz")
      .option("-p, --project <project>", "the project of every id (default: left for the registering client)")
      .option("-d, --domain <domain>", "the domain of every id (default: left for the registering client)")
      .option("--version <version>", "the version of every id (default: a content hash)")
      .option(
        "-i, --image <[name=]image>",
        "the default image of TypeScript tasks, or a named one for {{.image.<name>.fqn}}; repeatable",
        collectImage,
        [],
      )
      .option("--env <NAME=value>", "an environment variable for every TypeScript task; repeatable", collectEnv, [])
      .option("--no-fast", "leave the code out: the image holds it")
      .option("-f, --force", "replace the output when it exists")
      .option("--root <dir>", "the project root module paths are relative to (default: the nearest package.json)")
      .addHelpText("after", examples)
      .action(async (paths: string[], flags: PackageFlags) => {
        if (flags.output.trim() === "") throw CliError.usage("--output needs a file name");
        await runPackage(paths, flags, context);
      });
  },
};
