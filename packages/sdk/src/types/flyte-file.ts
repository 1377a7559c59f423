import { createReadStream } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { lastSegment, randomName, type RemoteAccess, requireAccess } from "./blob-paths.js";

/** Options of {@link FlyteFile.fromPath} and {@link FlyteFile.fromUri}. */
export interface FlyteFileOptions {
  /** The file format (`csv`, `parquet`, …); the declared type's format wins when it has one. @default "" */
  format?: string;
  /** Extra key/values carried on the literal (`Literal.metadata`), as flytekit's `FlyteFile(metadata=…)`. */
  metadata?: Readonly<Record<string, string>>;
}

type FileSource = { kind: "local"; path: string } | { kind: "remote"; uri: string; access: RemoteAccess | undefined };

/**
 * A file, as flytekit's `FlyteFile`: either a local file that `toLiteral` uploads to the raw output
 * prefix (`FlyteFile.fromPath`), or a file already in blob storage (`FlyteFile.fromUri`, and every file
 * a task reads). Reading is lazy: nothing is downloaded until `download`, `readBytes`, `readText` or
 * `stream` is called.
 */
export class FlyteFile {
  readonly format: string;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  #source: FileSource;
  #downloaded: Promise<string> | undefined;

  private constructor(source: FileSource, options: FlyteFileOptions) {
    this.#source = source;
    this.format = options.format ?? "";
    this.metadata = options.metadata === undefined ? undefined : { ...options.metadata };
  }

  /** A local file, uploaded when the value is converted to a literal. Relative paths resolve against the cwd. */
  static fromPath(path: string, options: FlyteFileOptions = {}): FlyteFile {
    return new FlyteFile({ kind: "local", path: resolve(path) }, options);
  }

  /** A file already in blob storage (`s3://…`, `file:///…`); never uploaded again. */
  static fromUri(uri: string, options: FlyteFileOptions = {}): FlyteFile {
    return new FlyteFile({ kind: "remote", uri, access: undefined }, options);
  }

  /** A file in blob storage that can be read through `access`. @internal */
  static remote(uri: string, access: RemoteAccess | undefined, options: FlyteFileOptions = {}): FlyteFile {
    return new FlyteFile({ kind: "remote", uri, access }, options);
  }

  /** The file's URI in blob storage, or `undefined` for a local file not yet uploaded. */
  get uri(): string | undefined {
    return this.#source.kind === "remote" ? this.#source.uri : undefined;
  }

  /** The local path of a local file, else its URI. */
  get path(): string {
    return this.#source.kind === "local" ? this.#source.path : this.#source.uri;
  }

  /** Whether this is a local file that still has to be uploaded. */
  get isLocal(): boolean {
    return this.#source.kind === "local";
  }

  /** The file name: the last segment of its path or URI. */
  get name(): string {
    return lastSegment(this.path);
  }

  /**
   * A local path holding the file's content, downloading it (once) into the task's scratch folder
   * for a remote file. Throws FailedPrecondition for a hand-made remote file with no store to read from.
   */
  download(): Promise<string> {
    const source = this.#source;
    if (source.kind === "local") return Promise.resolve(source.path);
    this.#downloaded ??= (async () => {
      const access = requireAccess(source.access, source.uri, "the file");
      const dir = join(access.workDir, randomName());
      await mkdir(dir, { recursive: true });
      const local = join(dir, lastSegment(source.uri) || "file");
      await writeFile(local, await access.store.get(source.uri));
      return local;
    })();
    return this.#downloaded;
  }

  /** The whole content. */
  async readBytes(): Promise<Uint8Array> {
    const source = this.#source;
    if (source.kind === "local") return new Uint8Array(await readFile(source.path));
    if (this.#downloaded) return new Uint8Array(await readFile(await this.#downloaded));
    return requireAccess(source.access, source.uri, "the file").store.get(source.uri);
  }

  /** The whole content as UTF-8 text. */
  async readText(): Promise<string> {
    return new TextDecoder().decode(await this.readBytes());
  }

  /** The content as a stream, without buffering it whole. */
  async stream(): Promise<Readable> {
    const source = this.#source;
    if (source.kind === "local") return createReadStream(source.path);
    return requireAccess(source.access, source.uri, "the file").store.getStream(source.uri);
  }

  toString(): string {
    return this.path;
  }
}
