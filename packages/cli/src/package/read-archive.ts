import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { posix } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { AloftError, Code } from "@aloft/idl";
import { Parser, type ReadEntry } from "tar";
import {
  FileCollector,
  formatBytes,
  isProtobufFile,
  type CollectedFiles,
  type PackageLimits,
} from "./file-collector.js";

/** Options for {@link readArchive}. */
export interface ReadArchiveOptions {
  /** The archive's absolute path. */
  path: string;
  /** How to name the archive in errors (the path as the user gave it). */
  where: string;
  limits: PackageLimits;
  /** Other files whose bytes to keep as well (e.g. the `fast….tar.gz` code bundle). @default none */
  keep?: (path: string) => boolean;
}

const regularFileTypes = new Set(["File", "OldFile", "ContiguousFile"]);

/**
 * Reads a tar archive, gzipped or not (detected from its first bytes, not its name), entirely in
 * memory: nothing is extracted to disk, so there is no temporary directory to clean up and no path
 * an entry could write through. `.pb` files are kept; other regular files are listed by name and
 * skipped; directories, links and devices are ignored, as flytectl does. An entry whose path would
 * leave the archive (`../x`) is rejected, because extracting it elsewhere would be unsafe. Leading
 * `/` is dropped, as tar does (`valid-package.tgz` from flytectl's test data has a `/` entry).
 *
 * @throws AloftError `InvalidArgument` naming the archive for corrupt gzip or tar data or an escaping
 *   entry, `ResourceExhausted` when a size cap is hit. An empty archive yields no files.
 */
export async function readArchive(options: ReadArchiveOptions): Promise<CollectedFiles> {
  const { where } = options;
  const collector = new FileCollector({ where, limits: options.limits });
  const gzipped = await startsWithGzipMagic(options.path);

  let failure: unknown;
  let sawEntry = false;
  const fail = (error: unknown): void => {
    failure ??= error;
  };
  const parser = new Parser({
    strict: true,
    // Decompression happens before the parser (see below); never guess brotli or zstd from garbage.
    brotli: false,
    zstd: false,
    onReadEntry: (entry) => {
      sawEntry = true;
      try {
        readEntry({ entry, collector, where, fail, keep: options.keep });
      } catch (error) {
        fail(error);
        entry.resume();
      }
    },
  });
  let parserError: (Error & { code?: string }) | undefined;
  const finished = new Promise<void>((resolve) => {
    parser.on("error", (error: Error) => {
      parserError ??= error;
      resolve();
    });
    parser.on("close", () => resolve());
  });

  let sawNonZeroByte = false;
  let archiveBytes = 0;
  try {
    for await (const chunk of openStream(options.path, gzipped)) {
      const bytes = chunk as Buffer;
      archiveBytes += bytes.length;
      if (archiveBytes > options.limits.maxArchiveBytes) {
        const limit = formatBytes(options.limits.maxArchiveBytes);
        fail(new AloftError(Code.ResourceExhausted, `${where}: more than ${limit} of archive data`));
      }
      if (!sawNonZeroByte) sawNonZeroByte = bytes.some((b) => b !== 0);
      if (failure !== undefined || parserError !== undefined) break;
      // Entries are consumed as they arrive (kept in memory or discarded), so the parser never needs backpressure.
      parser.write(bytes);
    }
  } catch (error) {
    fail(gzipped ? invalid(`${where}: ${describeZlibError(error)}`, error) : error);
  }
  if (failure === undefined && parserError === undefined) parser.end();
  else parser.abort(new Error("stopped"));
  await finished;

  if (failure !== undefined) throw failure;
  if (parserError !== undefined) {
    // A tar of nothing but zero blocks (what `tar -czf x.tgz -T /dev/null` writes) is an empty archive.
    if (!sawNonZeroByte && /Unrecognized archive format/.test(parserError.message)) return collector.files;
    throw invalid(`${where}: ${describeTarError({ error: parserError, gzipped, sawEntry })}`, parserError);
  }
  return collector.files;
}

function readEntry(input: {
  entry: ReadEntry;
  collector: FileCollector;
  where: string;
  fail: (error: unknown) => void;
  keep: ((path: string) => boolean) | undefined;
}): void {
  const { entry, collector, where } = input;
  const path = safeEntryPath(entry.path, where);
  if (!regularFileTypes.has(entry.type) || path === undefined) {
    entry.resume();
    return;
  }
  const protobuf = isProtobufFile(path);
  if (!protobuf && input.keep?.(path) !== true) {
    collector.addOther(path);
    entry.resume();
    return;
  }
  if (protobuf) collector.checkProtobuf(path, entry.size);
  const chunks: Buffer[] = [];
  entry.on("data", (chunk: Buffer) => chunks.push(chunk));
  entry.on("end", () => {
    try {
      if (protobuf) collector.addProtobuf(path, Buffer.concat(chunks));
      else collector.addKept(path, Buffer.concat(chunks));
    } catch (error) {
      input.fail(error);
    }
  });
}

/**
 * The entry's path inside the archive, normalised, or `undefined` for the archive root itself.
 * @throws AloftError `InvalidArgument` when the path climbs out of the archive.
 */
function safeEntryPath(raw: string, where: string): string | undefined {
  const relative = posix.normalize(raw.replace(/\\/g, "/").replace(/^([a-zA-Z]:)?\/+/, ""));
  if (relative === ".." || relative.startsWith("../")) {
    throw invalid(`${where}: entry ${JSON.stringify(raw)} points outside the archive; refusing to read it`);
  }
  return relative === "." || relative === "" ? undefined : relative.replace(/\/$/, "");
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function openStream(path: string, gzipped: boolean): Readable {
  const source = createReadStream(path);
  // pipeline forwards a read error from the file into the gunzip stream, where the loop sees it.
  return gzipped ? pipeline(source, createGunzip(), () => undefined) : source;
}

function describeZlibError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /unexpected end of file/i.test(message) ? "truncated gzip data" : `corrupt gzip data (${message})`;
}

function describeTarError(input: { error: Error; gzipped: boolean; sawEntry: boolean }): string {
  const { error, gzipped, sawEntry } = input;
  // Garbage fails the first header's checksum; an archive that never yields an entry is no archive at all.
  if (!sawEntry && /Unrecognized archive format|checksum failure/.test(error.message)) {
    return gzipped ? "the gzip data is not a tar archive" : "not a tar or gzip archive";
  }
  if (/Truncated input/.test(error.message)) return "truncated tar archive";
  return `damaged tar archive (${error.message.replace(/^TAR_[A-Z_]+:\s*/, "")})`;
}

function invalid(message: string, cause?: unknown): AloftError {
  return AloftError.invalidArgument(message, cause === undefined ? undefined : { cause });
}
