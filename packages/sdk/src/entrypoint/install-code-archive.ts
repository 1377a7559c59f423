import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseBlobUri, type BlobStore } from "@aloft/storage";
import { extractCodeArchive } from "../package/code-archive.js";
import { toBlobUri } from "./blob-store-from-env.js";

/** The file in a destination folder recording which code archive was unpacked there. */
export const INSTALLED_ARCHIVE_MARKER = ".aloft-code-archive";

/** Options of {@link installCodeArchive}. */
export interface InstallCodeArchiveOptions {
  /** The archive: a local path, a `file://` URI or a blob URI the store reaches. */
  distribution: string;
  /** The folder to unpack into (created). */
  destDir: string;
  store: BlobStore;
  /** What a relative `distribution` resolves against. */
  cwd: string;
}

function archiveName(uri: string): string {
  const key = parseBlobUri(uri).key;
  return key.slice(key.lastIndexOf("/") + 1);
}

/**
 * Downloads a code archive and unpacks it into `destDir` (pyflyte's `download_distribution`),
 * unless the same archive (same `fast<digest>.tar.gz` name, so the same content) was unpacked there
 * already, as happens when a warm container runs several tasks. Returns whether it unpacked.
 *
 * @throws AloftError from the store when the archive cannot be read (`NotFound`, `Unavailable`…),
 * `InvalidArgument` when it is not a gzipped tar.
 */
export async function installCodeArchive(options: InstallCodeArchiveOptions): Promise<boolean> {
  const uri = toBlobUri(options.distribution, options.cwd);
  const name = archiveName(uri);
  const marker = join(options.destDir, INSTALLED_ARCHIVE_MARKER);
  const installed = await readFile(marker, "utf8").catch(() => undefined);
  if (/^fast[0-9a-f]+\.tar\.gz$/.test(name) && installed?.trim() === name) return false;

  if (uri.startsWith("file://")) {
    await extractCodeArchive({ archive: fileURLToPath(uri), destDir: options.destDir });
  } else {
    const work = await mkdtemp(join(tmpdir(), "aloft-code-"));
    try {
      const local = join(work, "code.tar.gz");
      await pipeline(await options.store.getStream(uri), createWriteStream(local));
      await extractCodeArchive({ archive: local, destDir: options.destDir });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  await writeFile(marker, `${name}\n`);
  return true;
}
