import { readFile, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { AloftError } from "@aloft/idl";
import { decodePackageFile } from "./decode-package-file.js";
import type { FlytePackage, PackageEntity, PackageLaunchPlan, PackageTask, PackageWorkflow } from "./package-entity.js";
import { FileCollector, type CollectedFiles, type PackageLimits } from "./file-collector.js";
import { readArchive } from "./read-archive.js";
import { readFolder } from "./read-folder.js";

/** Options for {@link readPackage}. */
export interface ReadPackageOptions {
  /** A `.tgz`, `.tar.gz` or `.tar` archive, a folder, or a single `.pb` file. */
  path: string;
  /** What a relative `path` is resolved against. @default process.cwd() */
  cwd?: string;
  /** Largest single `.pb` file, in bytes. @default 64 MiB */
  maxFileBytes?: number;
  /** Largest sum of all `.pb` files, in bytes. @default 1 GiB */
  maxTotalBytes?: number;
  /** Most `.pb` files in one package. @default 100_000 */
  maxFiles?: number;
  /** Most bytes read from an archive after decompression. @default 16 GiB */
  maxArchiveBytes?: number;
}

/** {@link ReadPackageOptions} with every default applied. */
export interface CompiledReadPackageOptions extends PackageLimits {
  readonly path: string;
  readonly absolutePath: string;
}

const MiB = 1024 * 1024;

/** Applies the defaults of {@link ReadPackageOptions} (all of them live here). */
export function compileReadPackageOptions(options: ReadPackageOptions): CompiledReadPackageOptions {
  return {
    path: options.path,
    absolutePath: resolve(options.cwd ?? process.cwd(), options.path),
    maxFileBytes: options.maxFileBytes ?? 64 * MiB,
    maxTotalBytes: options.maxTotalBytes ?? 1024 * MiB,
    maxFiles: options.maxFiles ?? 100_000,
    maxArchiveBytes: options.maxArchiveBytes ?? 16 * 1024 * MiB,
  };
}

const archiveSuffixes = [".tgz", ".tar.gz", ".tar"];

/**
 * Reads a package written by Flyte's Python SDK (`pyflyte package`) or laid out the same way: every
 * `*.pb` file in the archive or folder (recursively), sorted by path as flytectl sorts them, each
 * decoded as a task spec, workflow spec or launch plan (see `decodePackageFile`). Other files, such
 * as the `fast….tar.gz` code bundle, are listed in `otherFiles` and not read.
 *
 * @example
 * ```ts
 * const pkg = await readPackage({ path: "flyte-package.tgz" });
 * for (const entity of pkg.entities) console.log(entity.kind, entity.id.name, entity.file);
 * ```
 * @throws AloftError `NotFound` when the path does not exist; `InvalidArgument` naming the package or
 *   file when it is not a package, holds no `.pb` files, or a file is damaged or of the wrong type;
 *   `ResourceExhausted` when a size cap is hit.
 */
export async function readPackage(options: ReadPackageOptions): Promise<FlytePackage> {
  const compiled = compileReadPackageOptions(options);
  const { path, absolutePath } = compiled;
  const stats = await stat(absolutePath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR")
      throw AloftError.notFound(`no such file or folder: ${path}`);
    throw AloftError.invalidArgument(`cannot read ${path}: ${error.message}`, { cause: error });
  });

  if (stats.isFile() && stats.size === 0) throw AloftError.invalidArgument(`${path}: the file is empty`);
  let files: CollectedFiles;
  let where: (file: string) => string;
  if (stats.isDirectory()) {
    files = await readFolder({ path: absolutePath, where: path, limits: compiled });
    where = (file) => `${path.replace(/\/+$/, "")}/${file}`;
  } else if (absolutePath.endsWith(".pb")) {
    const collector = new FileCollector({ where: path, limits: compiled });
    collector.addProtobuf(basename(absolutePath), await readFile(absolutePath));
    files = collector.files;
    where = () => path;
  } else if (archiveSuffixes.some((suffix) => absolutePath.endsWith(suffix))) {
    files = await readArchive({ path: absolutePath, where: path, limits: compiled });
    where = (file) => `${file} in ${path}`;
  } else {
    throw AloftError.invalidArgument(
      `${path}: not a package; expected a .tgz, .tar.gz or .tar archive, a folder, or a .pb file`,
    );
  }

  if (files.protobufs.length === 0) {
    const found = files.otherFiles.length === 0 ? "it is empty" : `it holds ${countFiles(files.otherFiles.length)}`;
    const container = stats.isDirectory() ? "folder" : "archive";
    throw AloftError.invalidArgument(`${path}: no .pb files in this ${container} (${found})`);
  }
  const protobufs = [...files.protobufs].sort((a, b) => compareBytes(a.path, b.path));
  const entities = protobufs.map((file) =>
    decodePackageFile({ file: file.path, bytes: file.bytes, where: where(file.path) }),
  );
  return {
    source: path,
    tasks: entities.filter((e): e is PackageTask => e.kind === "task"),
    workflows: entities.filter((e): e is PackageWorkflow => e.kind === "workflow"),
    launchPlans: entities.filter((e): e is PackageLaunchPlan => e.kind === "launchPlan"),
    entities: entities satisfies PackageEntity[],
    files: protobufs.map((file) => file.path),
    otherFiles: [...files.otherFiles].sort(compareBytes),
  };
}

// Go's sort.Strings (what flytectl uses) compares bytes; UTF-16 order differs outside the BMP.
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function countFiles(n: number): string {
  return n === 1 ? "1 other file" : `${n} other files`;
}
