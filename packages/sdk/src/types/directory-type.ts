import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { JsonObject } from "@bufbuild/protobuf";
import { blobLiteral, blobType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { BlobType_BlobDimensionality, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, scalarOf, type TypeKind } from "./base-type.js";
import { isUri, newRawOutputDir } from "./blob-paths.js";
import { access } from "./file-type.js";
import { FlyteDirectory, localFiles, relativeKey } from "./flyte-directory.js";
import type { PlainValue } from "./msgpack.js";
import type { TypeContext } from "./type.js";
import { expectedAt, invalidAt, isPlainObject } from "@aloft/idl/internal";

/** Options of `t.directory`. */
export interface DirectoryTypeOptions {
  /** The declared format of the files inside, flytekit's `FlyteDirectory["csv"]`. @default "" */
  format?: string;
}

/**
 * mashumaro's schema of a `FlyteDirectory` field: a dataclass with one field
 * `path: PathType = None` (`PathType = Union[str, os.PathLike]`, `flytekit/types/directory/types.py`).
 */
export const FLYTE_DIRECTORY_SCHEMA: JsonObject = {
  type: "object",
  title: "FlyteDirectory",
  properties: { path: { anyOf: [{ type: "string" }, { type: "string", format: "path" }], default: null } },
  additionalProperties: false,
};

/**
 * `t.directory({ format })`: a `FlyteDirectory`, as flytekit's `FlyteDirToMultipartBlobTransformer`
 * writes it: `blob` MULTIPART whose URI is a prefix; local folders are uploaded recursively to
 * `<rawOutputPrefix>/<random>/`. Inside records it is `{path}`. Union tag `FlyteDirectory`.
 */
export class DirectoryType extends BaseType<FlyteDirectory> {
  readonly kind: TypeKind = "directory";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "FlyteDirectory";
  readonly format: string;

  constructor(options: DirectoryTypeOptions = {}) {
    super();
    this.format = options.format ?? "";
    this.name = this.format ? `directory[${this.format}]` : "directory";
    this.literalType = blobType({ format: this.format, dimensionality: "multipart" });
  }

  override get needsUpload(): boolean {
    return true;
  }

  validate(value: unknown, path: string): void {
    if (!(value instanceof FlyteDirectory)) {
      throw expectedAt(path, "a FlyteDirectory (FlyteDirectory.fromPath or FlyteDirectory.fromUri)", value);
    }
    if (this.format && value.format && value.format !== this.format) {
      throw invalidAt(
        path,
        `the folder's format ${JSON.stringify(value.format)} is not the declared ${JSON.stringify(this.format)}`,
      );
    }
  }

  encode(value: FlyteDirectory, path: string): Literal {
    const uri = value.uri;
    if (uri === undefined) {
      throw invalidAt(
        path,
        `the local folder ${value.path} has to be uploaded first; convert it with toLiteral, not toLiteralSync`,
      );
    }
    return blobLiteral({ uri, format: this.format || value.format, dimensionality: "multipart" });
  }

  override async upload(value: FlyteDirectory, ctx: TypeContext, path: string): Promise<FlyteDirectory> {
    if (!value.isLocal) return value;
    const info = await stat(value.path).catch(() => undefined);
    if (!info?.isDirectory()) throw invalidAt(path, `${value.path} is not a folder`);
    const dir = newRawOutputDir(ctx);
    for (const file of await localFiles(value.path)) {
      await ctx.store.put(ctx.store.join(dir, relativeKey(value.path, file)), createReadStream(file));
    }
    return FlyteDirectory.remote(dir, { store: ctx.store, workDir: ctx.workDir }, { format: value.format });
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): FlyteDirectory {
    const s = scalarOf(literal);
    if (s?.case === "generic") return this.fromPlain(s.value, path, ctx);
    if (s?.case !== "blob") throw this.mismatch(literal, path);
    if (s.value.metadata?.type?.dimensionality !== BlobType_BlobDimensionality.MULTIPART) {
      throw invalidAt(path, `${s.value.uri} is not a folder (it is a single-file blob)`);
    }
    return FlyteDirectory.remote(s.value.uri, access(ctx), { format: s.value.metadata.type.format || this.format });
  }

  toPlain(value: FlyteDirectory, path: string): PlainValue {
    const uri = value.uri;
    if (uri === undefined)
      throw invalidAt(path, `the local folder ${value.path} has to be uploaded first; convert with toLiteral`);
    return new Map([["path", uri]]);
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): FlyteDirectory {
    const given = typeof plain === "string" ? { path: plain } : plain;
    if (!isPlainObject(given) || typeof given.path !== "string")
      throw expectedAt(path, "a folder ({path: <uri>})", plain);
    if (ctx === undefined && !isUri(given.path)) return FlyteDirectory.fromPath(given.path, { format: this.format });
    return FlyteDirectory.remote(given.path, access(ctx), { format: this.format });
  }

  jsonSchema(): JsonObject {
    return FLYTE_DIRECTORY_SCHEMA;
  }

  parse(text: string, path: string): FlyteDirectory {
    if (text.trim() === "") throw expectedAt(path, "a local folder or a URI", text);
    return isUri(text)
      ? FlyteDirectory.fromUri(text, { format: this.format })
      : FlyteDirectory.fromPath(text, { format: this.format });
  }
}
