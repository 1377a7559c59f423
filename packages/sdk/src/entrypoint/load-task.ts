import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AloftError } from "@aloft/idl";
import { DECL, isDeclared } from "../entities/decl.js";
import { isEntity, type EntityBase } from "../entities/entity.js";
import { assignLocation, findTask } from "../entities/registry.js";
import type { RunnableTask } from "../entities/task-result.js";
import { readBundleManifest, type BundleManifest } from "../package/bundle-manifest.js";
import { MODULE_EXTENSIONS } from "../package/find-source-files.js";
import { withModuleLoader, type ModuleNamespace } from "../package/import-module-file.js";
import { reachableEntities } from "../package/reachable-entities.js";

/** Options of {@link loadTask}. */
export interface LoadTaskOptions {
  /** The folder holding the code: an unpacked bundle (`<module>.mjs`) or a checkout (sources). */
  codeDir: string;
  /** The module path from the container args (`examples/hello`). */
  module: string;
  /** The task's registered name. */
  taskName: string;
}

/** A task found by {@link loadTask}. */
export interface LoadedTask {
  task: EntityBase & RunnableTask;
  /** Whether it is a dynamic task (its body builds a workflow that needs every module's names). */
  dynamic: boolean;
}

async function importFile(file: string, bundled: boolean): Promise<ModuleNamespace> {
  if (bundled) return (await import(pathToFileURL(file).href)) as ModuleNamespace;
  return withModuleLoader((load) => load(file));
}

function sourceFile(codeDir: string, module: string): string | undefined {
  for (const ext of MODULE_EXTENSIONS) {
    const file = join(codeDir, ...`${module}${ext}`.split("/"));
    if (existsSync(file)) return file;
  }
  return undefined;
}

// Names a module's entities as the packager did: the exports it recorded, or every export without a manifest.
function locate(ns: ModuleNamespace, module: string, manifest: BundleManifest | undefined): EntityBase[] {
  const recorded = manifest?.modules.find((m) => m.module === module)?.located;
  const exported: EntityBase[] = [];
  for (const exportName of Object.keys(ns).sort()) {
    const value = ns[exportName];
    if (!isEntity(value)) continue;
    exported.push(value);
    if (recorded === undefined || recorded.includes(exportName)) assignLocation(value, { module, exportName });
  }
  return exported;
}

async function importModule(
  codeDir: string,
  module: string,
  manifest: BundleManifest | undefined,
): Promise<EntityBase[]> {
  const bundled = join(codeDir, ...`${module}.mjs`.split("/"));
  const file = manifest !== undefined || existsSync(bundled) ? bundled : sourceFile(codeDir, module);
  if (file === undefined || !existsSync(file)) {
    throw AloftError.notFound(`module ${module} is not in ${codeDir} (looked for ${module}.mjs and its sources)`);
  }
  return locate(await importFile(file, file === bundled), module, manifest);
}

function isRunnable(entity: EntityBase): entity is EntityBase & RunnableTask {
  return typeof (entity as Partial<RunnableTask>).executeLiterals === "function";
}

function isDynamic(entity: EntityBase): boolean {
  if (!isDeclared(entity)) return false;
  const decl = entity[DECL];
  return decl.kind === "function" && decl.mode === "dynamic";
}

/**
 * The `aloft` resolver (flytekit's `default_task_resolver`): imports the task's module from the code
 * folder (`<module>.mjs` of an unpacked bundle, natively, or the module's source with tsx), names its
 * entities as the packager did (replaying the bundle manifest), and finds the task among what the
 * module exports and reaches, else in the SDK's registry (named tasks need not be exported). For a
 * dynamic task every bundled module is imported, so everything its body calls has its registered name.
 *
 * @throws AloftError `NotFound` when the module or the task is not there; `InvalidArgument` when the
 * named entity cannot run here (a container or reference task); whatever the module throws while loading.
 */
export async function loadTask(options: LoadTaskOptions): Promise<LoadedTask> {
  const { codeDir, module, taskName } = options;
  const manifest = await readBundleManifest(codeDir);
  const exported = await importModule(codeDir, module, manifest);
  const found =
    reachableEntities(exported).find((e) => e.kind === "task" && e.name === taskName && isRunnable(e)) ??
    findTask(taskName);
  if (found === undefined) {
    throw AloftError.notFound(`task ${taskName} is not in module ${module} (neither exported nor named there)`);
  }
  if (!isRunnable(found)) {
    throw AloftError.invalidArgument(`${taskName} is not a TypeScript task; aloft-execute cannot run it`);
  }
  const dynamic = isDynamic(found);
  if (dynamic && manifest !== undefined) {
    for (const m of manifest.modules) if (m.module !== module) await importModule(codeDir, m.module, manifest);
  }
  return { task: found, dynamic };
}
