/**
 * The embedded default store: objects are files under one root directory.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { type FileHandle, mkdir, open, opendir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { AloftError, Code } from "@aloft/idl";
import type {
  BlobBody,
  BlobHead,
  BlobStore,
  CopyOptions,
  GetOptions,
  ListOptions,
  PutOptions,
  PutResult,
  SignedUrl,
  SignedUrlOptions,
} from "./blob-store.js";
import { fileUri, formatBlobUri, joinUri, parseBlobUri } from "./blob-uri.js";
import { bodyBytes, checkContentMd5, md5Base64, verifyContentMd5 } from "./content-md5.js";
import {
  checkSigningSecret,
  createHmacSignedUrl,
  type HmacSigningOptions,
  type VerifiedSignedUrl,
  verifySignedUrl,
} from "./hmac-signed-url.js";
import { checkSizeLimit } from "./size-limit.js";

/** Options for {@link FsBlobStore}. */
export interface FsBlobStoreOptions {
  /** Directory holding every object; created on first write. Relative paths resolve against the cwd. */
  root: string;
  /** Signing key and public base URL for {@link FsBlobStore.signedUrl}; without it signing fails (FailedPrecondition). */
  signing?: HmacSigningOptions;
  /**
   * Extra schemes this store answers as if they were buckets under the root: with `["s3"]`,
   * `s3://my-bucket/a/b` is the file `<root>/my-bucket/a/b` (Flyte's local `stow` store does the same
   * with `file://<container>/…`). Lets a sandbox keep S3-shaped references without an S3 server.
   * @default []
   */
  aliasSchemes?: readonly string[];
  /** What {@link FsBlobStore.baseUri} reports, e.g. `s3://my-bucket` with an alias. @default `file://<root>` */
  baseUri?: string;
  /**
   * Byte and string bodies up to this size are written with synchronous file calls (still to a temporary file
   * renamed into place). On a local disk that is several times cheaper than the asynchronous path for small
   * objects (no thread-pool round trip per call) at the price of blocking the event loop for the write; keep it
   * 0 on slow or network file systems. @default 0 (always asynchronous)
   */
  syncWriteMaxBytes?: number;
}

/** Where a URI lands on disk, and how to name other files of its namespace as URIs. */
interface FsLocation {
  path: string;
  /** Path relative to the root, `/`-separated; `""` for the root itself. */
  relative: string;
  /** Turns an absolute path in the same namespace back into a URI of the caller's scheme. */
  toUri: (path: string) => string;
}

const TEMP_MARKER = ".aloft-tmp-";
const TEMP_NAME = /^\..*\.aloft-tmp-[0-9a-f]{16}$/s;
const OPEN_RETRIES = 5;
const MADE_DIRS_REMEMBERED = 1024;
/** How far below a directory made recently {@link FsBlobStore} makes directories one by one. */
const MAX_LEVELS_BELOW_KNOWN = 3;
const utf8 = new TextEncoder();

/**
 * A {@link BlobStore} on the local filesystem. URIs are `file://<absolute path>` under `root` (plus any
 * `aliasSchemes`); anything else, `.`/`..` segments and empty segments are InvalidArgument.
 *
 * Writes go to a temporary file in the destination directory and are renamed into place, so readers
 * see whole objects only. Files are not fsynced, so a power loss may lose or empty the latest writes.
 * Unlike S3, a path cannot be both an object and a prefix of other objects (FailedPrecondition).
 * `head` reads the whole file to report its MD5; use `exists` to test presence.
 */
export class FsBlobStore implements BlobStore {
  readonly baseUri: string;
  readonly root: string;
  readonly #rootPrefix: string;
  readonly #signing: HmacSigningOptions | undefined;
  readonly #aliasSchemes: readonly string[];
  readonly #syncWriteMaxBytes: number;
  /** Directories made recently; writing into one skips its mkdir (a vanished one is made again on ENOENT). */
  readonly #madeDirs = new Set<string>();

  constructor(options: FsBlobStoreOptions) {
    this.root = posix.resolve(options.root);
    this.#rootPrefix = this.root === "/" ? "/" : this.root + "/";
    this.#aliasSchemes = (options.aliasSchemes ?? []).map((s) => s.toLowerCase());
    if (this.#aliasSchemes.includes("file")) throw AloftError.invalidArgument(`"file" cannot be an alias scheme`);
    if (options.signing) checkSigningSecret(options.signing.secret);
    this.#signing = options.signing;
    this.#syncWriteMaxBytes = Math.max(0, options.syncWriteMaxBytes ?? 0);
    this.baseUri = options.baseUri ?? fileUri(this.root);
    this.#locate(this.baseUri, { allowRoot: true });
  }

  join(base: string, ...parts: string[]): string {
    return joinUri(base, ...parts);
  }

  async get(uri: string, options: GetOptions = {}): Promise<Uint8Array> {
    const fh = await this.#openObject(uri);
    try {
      if (options.maxSizeBytes !== undefined) {
        const { size } = await fh.stat();
        checkSizeLimit({ uri, sizeBytes: size, maxSizeBytes: options.maxSizeBytes });
      }
      const buffer = await fh.readFile();
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } finally {
      await fh.close();
    }
  }

  async getStream(uri: string): Promise<Readable> {
    const fh = await this.#openObject(uri);
    return fh.createReadStream();
  }

  async put(uri: string, data: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const location = this.#locate(uri);
    if (options.contentMd5 !== undefined) checkContentMd5(options.contentMd5);
    if (typeof data === "string" || data instanceof Uint8Array) {
      const bytes = bodyBytes(data);
      const contentMd5 = md5Base64(bytes);
      verifyContentMd5({ uri, expected: options.contentMd5, actual: contentMd5 });
      if (bytes.byteLength <= this.#syncWriteMaxBytes) this.#writeAtomicallySync(location, uri, bytes);
      else await this.#writeAtomically(location, uri, (fh) => writeAll(fh, bytes));
      return { sizeBytes: bytes.byteLength, contentMd5 };
    }
    let result: PutResult | undefined;
    await this.#writeAtomically(location, uri, async (fh) => {
      const hash = createHash("md5");
      let sizeBytes = 0;
      for await (const chunk of data as AsyncIterable<Uint8Array | string>) {
        const bytes = bodyBytes(chunk);
        hash.update(bytes);
        sizeBytes += bytes.byteLength;
        await writeAll(fh, bytes);
      }
      result = { sizeBytes, contentMd5: hash.digest("base64") };
      verifyContentMd5({ uri, expected: options.contentMd5, actual: result.contentMd5 });
    });
    return result!;
  }

  async head(uri: string): Promise<BlobHead | undefined> {
    let fh: FileHandle;
    try {
      fh = await this.#openObject(uri);
    } catch (error) {
      if (error instanceof AloftError && error.code === Code.NotFound) return undefined;
      throw error;
    }
    try {
      const stats = await fh.stat();
      const hash = createHash("md5");
      for await (const chunk of fh.createReadStream({ autoClose: false, start: 0 })) hash.update(chunk as Buffer);
      const digest = hash.digest();
      return {
        sizeBytes: stats.size,
        etag: digest.toString("hex"),
        contentMd5: digest.toString("base64"),
        lastModified: stats.mtime,
      };
    } finally {
      await fh.close();
    }
  }

  async exists(uri: string): Promise<boolean> {
    const location = this.#locate(uri);
    try {
      return (await stat(location.path)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw fsError(error, uri);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const location = this.#locate(prefix, { allowRoot: true, keepTrailingSlash: true });
    const { dir, namePrefix } = splitListPrefix(location, this.#rootPrefix);
    yield* this.#walk({ dir, namePrefix, recursive: options.recursive ?? true, toUri: location.toUri });
  }

  async delete(uri: string): Promise<void> {
    const location = this.#locate(uri);
    try {
      await unlink(location.path);
    } catch (error) {
      // A directory at that path is a prefix, not an object: like S3, deleting it is a no-op.
      if (isMissing(error) || hasCode(error, "EISDIR", "EPERM")) return;
      throw fsError(error, uri);
    }
    await this.#pruneEmptyParents(posix.dirname(location.path));
  }

  async copy(from: string, to: string, options: CopyOptions = {}): Promise<void> {
    const target = this.#locate(to);
    if (options.immutableSource === true && this.#linkSync(this.#locate(from).path, target.path)) return;
    const source = await this.#openObject(from);
    try {
      await this.#writeAtomically(target, to, async (fh) => {
        for await (const chunk of source.createReadStream({ autoClose: false, start: 0 })) {
          await writeAll(fh, chunk as Buffer);
        }
      });
    } finally {
      await source.close();
    }
  }

  async signedUrl(uri: string, options: SignedUrlOptions): Promise<SignedUrl> {
    if (!this.#signing) {
      throw AloftError.failedPrecondition("this fs blob store has no signing secret and public base URL configured");
    }
    const location = this.#locate(uri);
    if (!Number.isFinite(options.expiresInMs) || options.expiresInMs <= 0) {
      throw AloftError.invalidArgument(`expiresInMs must be a positive number, got ${options.expiresInMs}`);
    }
    const contentMd5 = options.method === "PUT" ? options.contentMd5 : undefined;
    if (contentMd5 !== undefined) checkContentMd5(contentMd5);
    const expiresAt = new Date(Date.now() + Math.ceil(options.expiresInMs));
    const url = createHmacSignedUrl({
      signing: this.#signing,
      key: location.relative,
      method: options.method,
      expiresAt,
      ...(contentMd5 === undefined ? {} : { contentMd5 }),
    });
    return { url, expiresAt, headers: contentMd5 === undefined ? {} : { "Content-MD5": contentMd5 } };
  }

  /** {@link verifySignedUrl} with this store's secret, public base URL and root. */
  verifySignedUrl(url: string, options: { now?: Date } = {}): VerifiedSignedUrl {
    if (!this.#signing) {
      throw AloftError.failedPrecondition("this fs blob store has no signing secret and public base URL configured");
    }
    return verifySignedUrl(url, { ...this.#signing, root: this.root, ...options });
  }

  async close(): Promise<void> {}

  #locate(uri: string, options: { allowRoot?: boolean; keepTrailingSlash?: boolean } = {}): FsLocation {
    const parsed = parseBlobUri(uri);
    const segments = parsed.key === "" ? [] : parsed.key.split("/");
    if (segments.some((s) => s === "." || s === "..")) {
      throw AloftError.invalidArgument(`invalid URI "${uri}": "." and ".." segments are not allowed`);
    }
    if (segments.some((s) => s === "")) throw AloftError.invalidArgument(`invalid URI "${uri}": empty path segment`);
    if (parsed.key.includes("\0")) throw AloftError.invalidArgument(`invalid URI "${uri}": NUL character`);

    let path: string;
    let toUri: (path: string) => string;
    if (parsed.scheme === "file") {
      if (parsed.bucket !== "" && parsed.bucket !== "localhost") {
        throw AloftError.invalidArgument(`invalid URI "${uri}": file URIs must be file:///<absolute path>`);
      }
      path = "/" + parsed.key;
      toUri = (p) => fileUri(p);
    } else if (this.#aliasSchemes.includes(parsed.scheme)) {
      const bucket = parsed.bucket;
      if (bucket === "" || bucket === "." || bucket === ".." || bucket.includes("%")) {
        throw AloftError.invalidArgument(`invalid URI "${uri}": invalid bucket "${bucket}"`);
      }
      const bucketDir = posix.join(this.root, bucket);
      path = parsed.key === "" ? bucketDir : posix.join(bucketDir, parsed.key);
      toUri = (p) =>
        formatBlobUri({ scheme: parsed.scheme, bucket, key: p === bucketDir ? "" : p.slice(bucketDir.length + 1) });
    } else {
      throw AloftError.invalidArgument(
        `the fs blob store cannot address "${uri}": use file://${this.root}/… URIs` +
          (this.#aliasSchemes.length ? ` or ${this.#aliasSchemes.map((s) => `${s}://`).join(", ")}` : ""),
      );
    }

    const isRoot = path === this.root;
    if (!(isRoot && options.allowRoot) && !path.startsWith(this.#rootPrefix)) {
      throw AloftError.invalidArgument(`"${uri}" is outside the blob store root ${this.root}`);
    }
    const relative = isRoot ? "" : path.slice(this.#rootPrefix.length);
    // Listing "s3://bucket" or the root means everything inside it, as on S3.
    const wholeContainer = isRoot || parsed.key === "";
    const trailing = options.keepTrailingSlash && (parsed.endsWithSlash || wholeContainer) ? "/" : "";
    return { path: path === "/" ? path : path + trailing, relative, toUri };
  }

  async #openObject(uri: string): Promise<FileHandle> {
    const location = this.#locate(uri);
    let fh: FileHandle;
    try {
      fh = await open(location.path, "r");
    } catch (error) {
      if (isMissing(error) || hasCode(error, "EISDIR")) throw notFound(uri);
      throw fsError(error, uri);
    }
    if (!(await fh.stat()).isFile()) {
      await fh.close();
      throw notFound(uri);
    }
    return fh;
  }

  async #writeAtomically(location: FsLocation, uri: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
    const dir = posix.dirname(location.path);
    const temp = tempPathFor(location.path);
    const fh = await this.#openTemp(dir, temp, uri);
    let closed = false;
    try {
      await write(fh);
      closed = true;
      await fh.close();
      await rename(temp, location.path);
    } catch (error) {
      if (!closed) await fh.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw fsError(error, uri);
    }
  }

  #rememberDir(dir: string): void {
    this.#madeDirs.delete(dir);
    if (this.#madeDirs.size >= MADE_DIRS_REMEMBERED) this.#madeDirs.delete(this.#madeDirs.values().next().value!);
    this.#madeDirs.add(dir);
  }

  /**
   * Makes `dir` one level at a time below its nearest ancestor made recently: a new `<prefix>/<i>/<attempt>`
   * below a known `<prefix>` costs two mkdir calls instead of a recursive mkdir's failed first try and
   * retries. Without a known ancestor close by, a recursive mkdir. An ancestor removed meanwhile surfaces as
   * ENOENT, which the caller retries with a recursive mkdir.
   */
  #makeDirBelowKnownSync(dir: string): void {
    const missing: string[] = [];
    let known = dir;
    while (!this.#madeDirs.has(known) && missing.length < MAX_LEVELS_BELOW_KNOWN) {
      missing.push(known);
      known = posix.dirname(known);
    }
    if (!this.#madeDirs.has(known)) {
      mkdirSync(dir, { recursive: true });
    } else {
      for (let i = missing.length - 1; i >= 0; i--) {
        try {
          mkdirSync(missing[i]!);
        } catch (error) {
          if (!hasCode(error, "EEXIST")) throw error;
        }
      }
    }
    for (let i = missing.length - 1; i >= 0; i--) this.#rememberDir(missing[i]!);
  }

  /**
   * Makes `target` a hard link to `source`, replacing any object there atomically (a link to a temporary name, then
   * a rename). False when the link cannot be made (a missing or non-file source, a file system without hard links
   * or at its link limit): the caller then copies the bytes, and reports the error that gives.
   */
  #linkSync(source: string, target: string): boolean {
    const dir = posix.dirname(target);
    try {
      if (!this.#madeDirs.has(dir)) this.#makeDirBelowKnownSync(dir);
      linkSync(source, target);
      return true;
    } catch (error) {
      if (!hasCode(error, "EEXIST")) return false;
    }
    const temp = tempPathFor(target);
    try {
      linkSync(source, temp);
    } catch {
      return false;
    }
    try {
      renameSync(temp, target);
      return true;
    } catch {
      rmSync(temp, { force: true });
      return false;
    }
  }

  /** {@link FsBlobStore.#writeAtomically} for a small body, with synchronous calls. */
  #writeAtomicallySync(location: FsLocation, uri: string, bytes: Uint8Array): void {
    const dir = posix.dirname(location.path);
    const temp = tempPathFor(location.path);
    let fd: number | undefined;
    for (let attempt = 1; fd === undefined; attempt++) {
      try {
        if (attempt > 1) {
          mkdirSync(dir, { recursive: true });
          this.#rememberDir(dir);
        } else if (!this.#madeDirs.has(dir)) {
          this.#makeDirBelowKnownSync(dir);
        }
        fd = openSync(temp, "wx");
      } catch (error) {
        // A concurrent delete may prune the directory between mkdir and open; make it again.
        if (hasCode(error, "ENOENT") && attempt < OPEN_RETRIES) continue;
        throw fsError(error, uri);
      }
    }
    try {
      for (let offset = 0; offset < bytes.byteLength;) offset += writeSync(fd, bytes, offset);
      closeSync(fd);
      fd = undefined;
      renameSync(temp, location.path);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(temp, { force: true });
      throw fsError(error, uri);
    }
  }

  async #openTemp(dir: string, temp: string, uri: string): Promise<FileHandle> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 || !this.#madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.#rememberDir(dir);
        }
        return await open(temp, "wx");
      } catch (error) {
        // A concurrent delete may prune the directory between mkdir and open; make it again.
        if (hasCode(error, "ENOENT") && attempt < OPEN_RETRIES) continue;
        throw fsError(error, uri);
      }
    }
  }

  async #pruneEmptyParents(dir: string): Promise<void> {
    // S3 has no directories, so an emptied "directory" must not linger as a listable prefix.
    for (let current = dir; current.startsWith(this.#rootPrefix); current = posix.dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
    }
  }

  async *#walk(options: {
    dir: string;
    namePrefix: string;
    recursive: boolean;
    toUri: (path: string) => string;
  }): AsyncGenerator<string> {
    for (const entry of await readSortedEntries(options.dir)) {
      if (!entry.name.startsWith(options.namePrefix)) continue;
      const path = posix.join(options.dir, entry.name);
      if (!entry.isDirectory) {
        yield options.toUri(path);
      } else if (options.recursive) {
        yield* this.#walk({ ...options, dir: path, namePrefix: "" });
      } else if (await containsObject(path)) {
        yield options.toUri(path) + "/";
      }
    }
  }
}

/** The directory to read and the name prefix to match, for S3-style string-prefix listing. */
function splitListPrefix(location: FsLocation, rootPrefix: string): { dir: string; namePrefix: string } {
  const cut = location.path.lastIndexOf("/");
  const dir = location.path.slice(0, cut + 1);
  if (!dir.startsWith(rootPrefix)) return { dir: rootPrefix, namePrefix: "" };
  return { dir: dir.length > 1 ? dir.slice(0, -1) : dir, namePrefix: location.path.slice(cut + 1) };
}

interface SortedEntry {
  name: string;
  isDirectory: boolean;
}

/** Entries in S3 key order: UTF-8 byte order of the name, a directory sorting as `name/`. */
async function readSortedEntries(dir: string): Promise<SortedEntry[]> {
  const entries: (SortedEntry & { sortKey: Uint8Array })[] = [];
  try {
    for await (const dirent of await opendir(dir)) {
      if (TEMP_NAME.test(dirent.name)) continue;
      if (!dirent.isFile() && !dirent.isDirectory()) continue;
      const isDirectory = dirent.isDirectory();
      entries.push({
        name: dirent.name,
        isDirectory,
        sortKey: utf8.encode(isDirectory ? dirent.name + "/" : dirent.name),
      });
    }
  } catch (error) {
    if (isMissing(error)) return [];
    throw fsError(error, dir);
  }
  entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
  return entries;
}

async function containsObject(dir: string): Promise<boolean> {
  for (const entry of await readSortedEntries(dir)) {
    if (!entry.isDirectory || (await containsObject(posix.join(dir, entry.name)))) return true;
  }
  return false;
}

/**
 * Temporary names are unique across processes sharing a folder (random once per process) and within one (a counter
 * that wraps after 16 million writes, long after any temporary file is renamed or removed), 16 hex digits in all:
 * asking the system for random bytes on every write cost more than the rest of a small write's naming.
 */
const TEMP_PROCESS_TAG = randomBytes(5).toString("hex");
const TEMP_COUNTER_SPAN = 0x1000000;
let tempCounter = 0;

/** A fresh temporary path beside `path`; the name is cut so that it stays within NAME_MAX (255 bytes). */
function tempPathFor(path: string): string {
  const name = posix.basename(path).slice(0, 60);
  tempCounter = (tempCounter + 1) % TEMP_COUNTER_SPAN;
  const suffix = `${TEMP_PROCESS_TAG}${tempCounter.toString(16).padStart(6, "0")}`;
  return posix.join(posix.dirname(path), `.${name}${TEMP_MARKER}${suffix}`);
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

function notFound(uri: string): AloftError {
  return AloftError.notFound(`no object at ${uri}`);
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? "");
}

function isMissing(error: unknown): boolean {
  return hasCode(error, "ENOENT", "ENOTDIR");
}

function fsError(error: unknown, uri: string): AloftError {
  if (error instanceof AloftError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (hasCode(error, "ENOTDIR", "EEXIST", "EISDIR", "ENOTEMPTY")) {
    return AloftError.failedPrecondition(
      `cannot write ${uri}: in the fs blob store a path cannot be both an object and a prefix of other objects`,
      { cause: error },
    );
  }
  if (hasCode(error, "ENOSPC", "EDQUOT")) return new AloftError(Code.ResourceExhausted, message, { cause: error });
  if (hasCode(error, "EACCES", "EPERM", "EROFS")) {
    return new AloftError(Code.PermissionDenied, `${uri}: ${message}`, { cause: error });
  }
  return AloftError.internal(`${uri}: ${message}`, { cause: error });
}
