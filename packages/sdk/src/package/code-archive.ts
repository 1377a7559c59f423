import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { c as createTar, x as extractTar } from "tar";
import { AloftError } from "@aloft/idl";

/** pyflyte's prefix and suffix of fast-registration archives: `fast<md5>.tar.gz`. */
export const FAST_ARCHIVE_PREFIX = "fast";
export const FAST_ARCHIVE_SUFFIX = ".tar.gz";

/** The name of the code archive of a bundle with this digest. */
export function codeArchiveName(digest: string): string {
  return `${FAST_ARCHIVE_PREFIX}${digest}${FAST_ARCHIVE_SUFFIX}`;
}

/** Options of {@link createCodeArchive}. */
export interface CreateCodeArchiveOptions {
  /** The folder holding the files. */
  dir: string;
  /** The files to archive, relative to `dir`, `/`-separated. */
  files: readonly string[];
  /** The bundle's digest, which names the archive. */
  digest: string;
  /** The folder to write `fast<digest>.tar.gz` into. */
  outDir: string;
}

/**
 * Writes a bundle as a deterministic gzipped tar, as pyflyte's `tar_strip_file_attributes` does: the
 * files only (no folder entries) in sorted order, mtime 0, no owner, group or other system
 * attributes (tar's `portable` mode, which also fixes the gzip header), so the same files give the
 * same bytes. Modes are kept (the bundler writes 0644). Returns the archive's path.
 */
export async function createCodeArchive(options: CreateCodeArchiveOptions): Promise<string> {
  await mkdir(options.outDir, { recursive: true });
  const path = join(options.outDir, codeArchiveName(options.digest));
  await createTar(
    { file: path, cwd: options.dir, gzip: { level: 9 }, portable: true, mtime: new Date(0), noDirRecurse: true },
    [...options.files].sort(),
  );
  return path;
}

/**
 * Unpacks a code archive into `destDir` (created), refusing entries that would leave it.
 *
 * @throws AloftError `InvalidArgument` when the file is not a gzipped tar.
 */
export async function extractCodeArchive(options: { archive: string; destDir: string }): Promise<void> {
  await mkdir(options.destDir, { recursive: true });
  try {
    await extractTar({ file: options.archive, cwd: options.destDir, strict: true, preservePaths: false });
  } catch (cause) {
    throw AloftError.invalidArgument(
      `${options.archive} is not a code archive: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
