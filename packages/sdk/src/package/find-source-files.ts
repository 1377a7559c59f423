import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { AloftError } from "@aloft/idl";

/** The extensions of modules the loader reads. */
export const MODULE_EXTENSIONS: readonly string[] = [".ts", ".mts", ".js", ".mjs"];

const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);

/** Options of {@link findSourceFiles}. */
export interface FindSourceFilesOptions {
  /** Files and folders; relative paths resolve against `cwd`. */
  paths: readonly string[];
  /** @default process.cwd() */
  cwd?: string;
}

function isModuleFile(name: string): boolean {
  if (name.endsWith(".d.ts") || name.endsWith(".d.mts")) return false;
  if (name.includes(".test.")) return false;
  return MODULE_EXTENSIONS.includes(extname(name));
}

async function walk(folder: string, out: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    // Hidden folders (.git, .cache) never hold the project's modules.
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(path, out);
    } else if (entry.isFile() && isModuleFile(entry.name)) {
      out.push(path);
    }
  }
}

/**
 * The module files named by `paths`: files as given (any extension the loader reads), folders walked
 * for `*.ts`, `*.mts`, `*.js` and `*.mjs`, skipping `node_modules`, `dist`, hidden folders, tests
 * (`*.test.*`) and declaration files. Absolute paths, sorted, each once.
 *
 * @throws AloftError `NotFound` for a path that does not exist, `InvalidArgument` for a file the
 * loader cannot read (another extension, a declaration file).
 */
export async function findSourceFiles(options: FindSourceFilesOptions): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  const found: string[] = [];
  for (const given of options.paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw AloftError.notFound(`no such file or folder: ${given}`);
    if (info.isDirectory()) {
      await walk(path, found);
    } else if (MODULE_EXTENSIONS.includes(extname(path)) && !path.endsWith(".d.ts")) {
      found.push(path);
    } else {
      throw AloftError.invalidArgument(
        `${given}: not a module the loader reads (expected ${MODULE_EXTENSIONS.map((e) => `*${e}`).join(", ")})`,
      );
    }
  }
  return [...new Set(found)].sort();
}
