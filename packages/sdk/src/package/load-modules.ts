import { relative, sep } from "node:path";
import { AloftError, Code } from "@aloft/idl";
import { DECL, isDeclared } from "../entities/decl.js";
import { isEntity, type EntityBase } from "../entities/entity.js";
import { assignLocation } from "../entities/registry.js";
import { findSourceFiles } from "./find-source-files.js";
import { withModuleLoader, type ModuleNamespace } from "./import-module-file.js";
import { modulePathOf, projectRootOf } from "./module-path.js";
import { reachableEntities } from "./reachable-entities.js";

/** Options of {@link loadModules}. */
export interface LoadModulesOptions {
  /** Module files and folders (walked for `*.ts|*.mts|*.js|*.mjs`); relative paths resolve against `cwd`. */
  files: readonly string[];
  /**
   * The project root module paths are relative to.
   * @default the nearest folder with a `package.json` above the first file
   */
  root?: string;
  /** @default process.cwd() */
  cwd?: string;
}

/** One module the loader imported. */
export interface LoadedModule {
  /** The path entity locations use: relative to the root, `/`-separated, no extension (`examples/hello`). */
  module: string;
  /** The file's absolute path. */
  file: string;
  /**
   * The exports located here, in the order the loader named them: an entity exported by several
   * modules belongs to the first one loaded. Replaying these (`assignLocation`) names entities again
   * in a task's container exactly as at packaging time.
   */
  located: string[];
}

/** What {@link loadModules} found. */
export interface LoadedModules {
  /** The project root (absolute). */
  root: string;
  /** The modules, in load order (sorted by path). */
  modules: LoadedModule[];
  /**
   * Every entity found: the exported ones (by module, then export name), then the entities they
   * reference that are named but not exported (given the module of the first export reaching them).
   */
  entities: EntityBase[];
}

function isReference(entity: EntityBase): boolean {
  return isDeclared(entity) && entity[DECL].kind === "reference";
}

// tsx reports syntax errors as esbuild's: "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <text>".
function syntaxErrorText(error: unknown, cwd: string): string | undefined {
  if (!(error instanceof Error) || !error.message.startsWith("Transform failed")) return undefined;
  const found: string[] = [];
  for (const line of error.message.split("\n").slice(1)) {
    const m = /^(.+?):(\d+):(\d+): ERROR: (.*)$/.exec(line.trim());
    if (m === null) continue;
    const [, file = "", lineNo, column, text] = m;
    const rel = relative(cwd, file);
    found.push(`${rel.startsWith("..") ? file : rel.split(sep).join("/")}:${lineNo}:${Number(column) + 1}: ${text}`);
  }
  return found.length === 0 ? undefined : `syntax error at ${found.join("; ")}`;
}

function errorText(error: unknown): string {
  if (error instanceof AloftError) return error.rawMessage;
  // An AloftError from another copy of @aloft/idl (the user's) is still one.
  const raw = (error as { rawMessage?: unknown } | null)?.rawMessage;
  if (error instanceof Error && error.name === "AloftError" && typeof raw === "string") return raw;
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

// The first frame of a thrown error inside the project (not its dependencies), to say where a module threw.
function userFrame(error: unknown, root: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n").slice(1)) {
    const m = /\(?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m === null) continue;
    const [, file = "", lineNo, column] = m;
    const rel = relative(root, file);
    if (rel.startsWith("..") || rel.split(sep).includes("node_modules")) continue;
    return `${rel.split(sep).join("/")}:${lineNo}:${column}`;
  }
  return undefined;
}

function loadError(file: string, root: string, cwd: string, error: unknown): AloftError {
  const shown = relative(cwd, file).startsWith("..") ? file : relative(cwd, file).split(sep).join("/");
  const text = syntaxErrorText(error, cwd) ?? errorText(error);
  const where = error instanceof Error && error.name !== "AloftError" ? userFrame(error, root) : undefined;
  const at = where === undefined || text.includes(where) ? "" : ` (at ${where})`;
  return new AloftError(Code.InvalidArgument, `cannot load ${shown}: ${text}${at}`, { cause: error });
}

/**
 * Imports module files, TypeScript or JavaScript, with tsx (source maps on, so declaration sites are
 * the user's lines), and names the entities they export: each gets `assignLocation(entity, { module,
 * exportName })` with `module` its file's path relative to the root without extension, hence the
 * name `<module with / → .>.<exportName>` unless it has a `name`. Named entities the exported ones
 * reference without being exported themselves are located too (in the module of the first export
 * reaching them), so their containers can load them.
 *
 * ```ts
 * const { root, entities } = await loadModules({ files: ["examples"] });
 * ```
 *
 * @throws AloftError `NotFound` for missing paths; `InvalidArgument` naming the file for a module that
 * does not compile, throws while loading or declares something wrong (the SDK's definition errors
 * keep their `file:line:column`), for two modules with one module path (`a.ts` and `a.js`) and for
 * files outside the root. Never a bare stack trace.
 */
export async function loadModules(options: LoadModulesOptions): Promise<LoadedModules> {
  const cwd = options.cwd ?? process.cwd();
  const files = await findSourceFiles({ paths: options.files, cwd });
  if (files.length === 0) {
    throw AloftError.invalidArgument(`no module files (*.ts, *.mts, *.js, *.mjs) in ${options.files.join(", ")}`);
  }
  const root = options.root === undefined ? projectRootOf(files) : options.root;
  const modules: LoadedModule[] = [];
  const byPath = new Map<string, string>();
  for (const file of files) {
    const module = modulePathOf(root, file);
    const other = byPath.get(module);
    if (other !== undefined) {
      throw AloftError.invalidArgument(
        `${relative(cwd, other)} and ${relative(cwd, file)} are the same module ${module}; rename one`,
      );
    }
    byPath.set(module, file);
    modules.push({ module, file, located: [] });
  }

  const namespaces = await withModuleLoader(async (importFile) => {
    const loaded: ModuleNamespace[] = [];
    for (const m of modules) {
      try {
        loaded.push(await importFile(m.file));
      } catch (error) {
        throw loadError(m.file, root, cwd, error);
      }
    }
    return loaded;
  });

  const exported: EntityBase[] = [];
  const rootModule = new Map<EntityBase, string>();
  modules.forEach((m, i) => {
    const ns = namespaces[i] ?? {};
    // Sorted as an ES module namespace lists them (other module runners may not).
    for (const exportName of Object.keys(ns).sort()) {
      const value = ns[exportName];
      if (!isEntity(value)) continue;
      assignLocation(value, { module: m.module, exportName });
      // Also true when an earlier load in this process located it (modules are cached).
      if (value.location?.module === m.module && value.location.exportName === exportName) m.located.push(exportName);
      if (!rootModule.has(value)) {
        exported.push(value);
        rootModule.set(value, m.module);
      }
    }
  });

  const entities = [...exported];
  const found = new Set(entities);
  for (const from of exported) {
    let reached: EntityBase[];
    try {
      reached = reachableEntities([from]);
    } catch (error) {
      throw AloftError.invalidArgument(errorText(error), { cause: error });
    }
    for (const entity of reached) {
      if (found.has(entity) || entity.name === undefined || entity.name === "" || isReference(entity)) continue;
      if (entity.location === undefined) {
        assignLocation(entity, { module: rootModule.get(from) ?? "", exportName: entity.name });
      }
      found.add(entity);
      entities.push(entity);
    }
  }
  return { root, modules, entities };
}
