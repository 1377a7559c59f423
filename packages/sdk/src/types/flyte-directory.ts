import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { folderPrefix, lastSegment, randomName, type RemoteAccess, requireAccess } from "./blob-paths.js";
import { FlyteFile } from "./flyte-file.js";

/** Options of {@link FlyteDirectory.fromPath} and {@link FlyteDirectory.fromUri}. */
export interface FlyteDirectoryOptions {
  /** The format of the files inside; the declared type's format wins when it has one. @default "" */
  format?: string;
}

type DirectorySource =
  { kind: "local"; path: string } | { kind: "remote"; uri: string; access: RemoteAccess | undefined };

/**
 * A folder of files, as flytekit's `FlyteDirectory`: a local folder that `toLiteral` uploads whole
 * (`FlyteDirectory.fromPath`), or a prefix in blob storage (`FlyteDirectory.fromUri`, and every folder
 * a task reads). Nothing is downloaded until `download` is called; `list` only lists.
 */
export class FlyteDirectory {
  readonly format: string;
  #source: DirectorySource;
  #downloaded: Promise<string> | undefined;

  private constructor(source: DirectorySource, options: FlyteDirectoryOptions) {
    this.#source = source;
    this.format = options.format ?? "";
  }

  /** A local folder, uploaded recursively when the value is converted to a literal. */
  static fromPath(path: string, options: FlyteDirectoryOptions = {}): FlyteDirectory {
    return new FlyteDirectory({ kind: "local", path: resolve(path) }, options);
  }

  /** A folder already in blob storage: every object under the prefix `uri`/. */
  static fromUri(uri: string, options: FlyteDirectoryOptions = {}): FlyteDirectory {
    return new FlyteDirectory({ kind: "remote", uri, access: undefined }, options);
  }

  /** A folder in blob storage that can be read through `access`. @internal */
  static remote(uri: string, access: RemoteAccess | undefined, options: FlyteDirectoryOptions = {}): FlyteDirectory {
    return new FlyteDirectory({ kind: "remote", uri, access }, options);
  }

  /** The folder's URI in blob storage, or `undefined` for a local folder not yet uploaded. */
  get uri(): string | undefined {
    return this.#source.kind === "remote" ? this.#source.uri : undefined;
  }

  /** The local path of a local folder, else its URI. */
  get path(): string {
    return this.#source.kind === "local" ? this.#source.path : this.#source.uri;
  }

  /** Whether this is a local folder that still has to be uploaded. */
  get isLocal(): boolean {
    return this.#source.kind === "local";
  }

  /**
   * Every file in the folder, recursively, in key order, as lazy {@link FlyteFile}s. Throws
   * FailedPrecondition for a hand-made remote folder with no store to read from.
   */
  async list(): Promise<FlyteFile[]> {
    const source = this.#source;
    if (source.kind === "local") {
      return (await localFiles(source.path)).map((p) => FlyteFile.fromPath(p, { format: this.format }));
    }
    const access = requireAccess(source.access, source.uri, "the folder");
    const files: FlyteFile[] = [];
    for await (const uri of access.store.list(folderPrefix(source.uri))) {
      files.push(FlyteFile.remote(uri, access, { format: this.format }));
    }
    return files;
  }

  /** A local folder holding the files, downloading them (once) for a remote folder. */
  download(): Promise<string> {
    const source = this.#source;
    if (source.kind === "local") return Promise.resolve(source.path);
    this.#downloaded ??= (async () => {
      const access = requireAccess(source.access, source.uri, "the folder");
      const prefix = folderPrefix(source.uri);
      const dest = join(access.workDir, randomName(), lastSegment(source.uri) || "folder");
      await mkdir(dest, { recursive: true });
      for await (const uri of access.store.list(prefix)) {
        const local = join(dest, ...uri.slice(prefix.length).split("/"));
        await mkdir(dirname(local), { recursive: true });
        await writeFile(local, await access.store.get(uri));
      }
      return dest;
    })();
    return this.#downloaded;
  }

  toString(): string {
    return this.path;
  }
}

/** Every file under `root`, recursively, sorted. */
export async function localFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** `file` relative to `root`, with `/` separators (the key suffix it gets in blob storage). */
export function relativeKey(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}
