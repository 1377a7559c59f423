import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CliError } from "../cli-error.js";
import { isProtobufFile, type RawPackageFile } from "../package/file-collector.js";
import { readArchive } from "../package/read-archive.js";
import { compileReadPackageOptions } from "../package/read-package.js";
import { expandGlob, hasGlobMagic } from "./expand-glob.js";

/** A file to register, in memory. */
export interface RegisterFile {
  /** How results name it: the path as given, or its path inside the archive. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The inputs of `register files`, split as flytectl's `segregateSourceAndProtos` splits them. */
export interface RegisterInputs {
  /** The `.pb` files, sorted by name (registration order). */
  readonly protobufs: RegisterFile[];
  /** The fast-registration code archive (`fast….tar.gz`), if any. */
  readonly codeArchive: RegisterFile | undefined;
  /** Files that are neither. */
  readonly invalid: string[];
}

/** Options of {@link collectRegisterFiles}. */
export interface CollectRegisterFilesOptions {
  /** The command's arguments: files, folders and patterns, or with `archive` archives (paths or http(s) URLs). */
  args: readonly string[];
  /** `--archive`. */
  archive: boolean;
  /** What relative paths resolve against. */
  cwd: string;
}

const ARCHIVE_SUFFIXES = [".tar", ".tgz", ".tar.gz"];

/**
 * flytectl's code archive test (`isFastRegister`): pyflyte (and `aloft package`) name it `fast<digest>.tar.gz`.
 */
export function isCodeArchiveName(path: string): boolean {
  const name = basename(path);
  return name.startsWith("fast") && name.endsWith(".tar.gz");
}

/**
 * Gathers what `register files` registers, as flytectl's `GetSerializeOutputFiles` does. Without `archive`,
 * each argument is a file or a Go-style pattern (a folder stands for every file under it, an Aloft extension);
 * with it, each is a `.tar`, `.tgz` or `.tar.gz` archive, local or downloaded over http(s), read in memory
 * (regular files only). Everything is sorted by name, Go's byte order, which is registration order for the
 * numbered files `pyflyte package` writes. macOS `._` companion files are skipped.
 *
 * @throws CliError (usage) for a missing file, a pattern matching nothing, an archive given without
 *   `--archive` (or the reverse), or two different code archives; AloftError from the archive reader for a
 *   damaged archive.
 */
export async function collectRegisterFiles(options: CollectRegisterFilesOptions): Promise<RegisterInputs> {
  const files = options.archive ? await filesOfArchives(options) : await filesOfPaths(options);
  files.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const protobufs: RegisterFile[] = [];
  const invalid: string[] = [];
  let codeArchive: RegisterFile | undefined;
  for (const file of files) {
    if (basename(file.name).startsWith("._")) continue;
    if (isCodeArchiveName(file.name)) {
      if (codeArchive !== undefined && Buffer.compare(codeArchive.bytes, file.bytes) !== 0) {
        throw CliError.usage(`two code archives given: ${codeArchive.name} and ${file.name}`, {
          hint: "register one package at a time: each package's tasks run its own code archive",
        });
      }
      codeArchive = file;
    } else if (isProtobufFile(file.name)) {
      protobufs.push(file);
    } else {
      invalid.push(file.name);
    }
  }
  return { protobufs, codeArchive, invalid };
}

interface CollectedFile {
  name: string;
  bytes: Uint8Array;
}

async function filesOfPaths(options: CollectRegisterFilesOptions): Promise<CollectedFile[]> {
  const paths: string[] = [];
  for (const arg of options.args) {
    const absolute = resolve(options.cwd, arg);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) {
      if (!hasGlobMagic(arg)) throw CliError.usage(`no such file: ${arg}`);
      const matches = await expandGlob(arg, options.cwd);
      if (matches.length === 0) throw CliError.usage(`no files match ${arg}`);
      paths.push(...matches);
    } else if (info.isDirectory()) {
      paths.push(...(await filesUnder(absolute)).map((file) => join(arg, file)));
    } else {
      paths.push(arg);
    }
  }
  const archive = paths.find((path) => isPackageArchiveName(path));
  if (archive !== undefined) {
    throw CliError.usage(`${archive} is an archive: pass --archive to register the files in it`, {
      hint: `aloft register files ${archive} --archive -p <project> -d <domain>`,
    });
  }
  const files: CollectedFile[] = [];
  for (const path of paths) {
    const absolute = resolve(options.cwd, path);
    const info = await stat(absolute);
    if (!info.isFile()) continue;
    // Only what is registered or uploaded is read; other files are just reported.
    const wanted = isProtobufFile(path) || isCodeArchiveName(path);
    files.push({ name: path, bytes: wanted ? await readFile(absolute) : new Uint8Array() });
  }
  return files;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

async function filesOfArchives(options: CollectRegisterFilesOptions): Promise<CollectedFile[]> {
  const files: CollectedFile[] = [];
  for (const arg of options.args) {
    const location = archiveLocation(arg);
    if (!ARCHIVE_SUFFIXES.some((suffix) => location.endsWith(suffix))) {
      throw CliError.usage(`${arg}: only .tar, .tar.gz and .tgz archives can be registered with --archive`, {
        hint: "leave out --archive to register .pb files",
      });
    }
    const download = /^https?:\/\//i.test(arg) ? await downloadArchive(arg) : undefined;
    try {
      const path = download?.path ?? resolve(options.cwd, arg);
      if (download === undefined && (await stat(path).catch(() => undefined)) === undefined) {
        throw CliError.usage(`no such file: ${arg}`);
      }
      const limits = compileReadPackageOptions({ path });
      const collected = await readArchive({ path, where: arg, limits, keep: isCodeArchiveName });
      files.push(
        ...collected.protobufs.map((f) => ({ name: f.path, bytes: f.bytes })),
        ...collected.keptFiles.map((f: RawPackageFile) => ({ name: f.path, bytes: f.bytes })),
      );
      const kept = new Set(collected.keptFiles.map((f) => f.path));
      for (const other of collected.otherFiles) {
        if (!kept.has(other)) files.push({ name: other, bytes: new Uint8Array() });
      }
    } finally {
      await download?.cleanup();
    }
  }
  return files;
}

/** The path part of an archive argument, where its suffix is checked (a URL's query string does not count). */
function archiveLocation(arg: string): string {
  if (!/^https?:\/\//i.test(arg)) return arg;
  try {
    return new URL(arg).pathname;
  } catch {
    throw CliError.usage(`${arg} is not a valid URL`);
  }
}

function isPackageArchiveName(path: string): boolean {
  return !isCodeArchiveName(path) && ARCHIVE_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

async function downloadArchive(url: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "aloft-register-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw CliError.failure(`cannot download ${url}: ${cause?.message ?? (error as Error).message}`, { cause: error });
    }
    if (!response.ok || response.body === null) {
      throw CliError.failure(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`.trim());
    }
    const path = join(dir, basename(new URL(url).pathname) || "package.tgz");
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(path));
    return { path, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
