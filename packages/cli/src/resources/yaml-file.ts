import { access, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { CliError } from "../cli-error.js";
import type { OutputSink } from "../output.js";
import { confirm, type AnswerSource } from "./confirm.js";

/**
 * Reads a YAML file the user wrote (`--file`, `--execFile`, `--attrFile`), relative to `cwd`.
 *
 * @throws CliError (failure) naming the file when it cannot be read or parsed.
 */
export async function readYamlFile(path: string, cwd: string): Promise<unknown> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw CliError.failure(`cannot read ${path}: ${reason}`, { cause: error });
  }
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw CliError.failure(`cannot parse ${path}: ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
}

/** Options for {@link writeEditableFile}. */
export interface WriteEditableFileOptions {
  cwd: string;
  output: OutputSink;
  /** @default process.stdin */
  input?: AnswerSource;
}

/**
 * Writes a file for the user to edit (an execution spec, an attribute file), readable only by them as flytectl
 * writes it (0600). An existing file is replaced only after a yes on a terminal (flytectl's "warning file … will
 * be overwritten"); without a terminal the command stops instead.
 *
 * @throws CliError when the file exists and may not be replaced, or cannot be written.
 */
export async function writeEditableFile(path: string, text: string, options: WriteEditableFileOptions): Promise<void> {
  const file = resolve(options.cwd, path);
  if (await exists(file)) {
    const yes = await confirm({
      question: `warning file ${path} will be overwritten`,
      output: options.output,
      ...(options.input === undefined ? {} : { input: options.input }),
      notInteractive: CliError.failure(`${path} already exists`, {
        hint: "remove it, or choose another file name",
      }),
    });
    if (!yes) throw CliError.failure(`${path} already exists: back it up before continuing`);
  }
  try {
    await writeFile(file, text, { mode: 0o600 });
  } catch (error) {
    throw CliError.failure(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
