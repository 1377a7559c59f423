import { stat } from "node:fs/promises";
import type { JsonObject } from "@bufbuild/protobuf";
import { blobLiteral, blobType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { BlobType_BlobDimensionality, type LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, scalarOf, type TypeKind } from "./base-type.js";
import { isUri, lastSegment, newRawOutputDir } from "./blob-paths.js";
import { FlyteFile } from "./flyte-file.js";
import type { PlainValue } from "./msgpack.js";
import type { TypeContext } from "./type.js";
import { describeValue, expectedAt, invalidAt, isPlainObject } from "@aloft/idl/internal";

/** Options of `t.file`. */
export interface FileTypeOptions {
  /** The declared format (`csv`, …), flytekit's `FlyteFile["csv"]`; `""` takes any. @default "" */
  format?: string;
}

/**
 * The JSON Schema mashumaro derives for a `FlyteFile` field: `FlyteFile` is a dataclass with
 * `path: Union[str, os.PathLike] = None` and `metadata: Optional[dict[str, str]] = None`
 * (`flytekit/types/file/file.py`), so `on_dataclass` titles it `FlyteFile`, gives both fields their
 * defaults and requires neither.
 */
export const FLYTE_FILE_SCHEMA: JsonObject = {
  type: "object",
  title: "FlyteFile",
  properties: {
    path: { anyOf: [{ type: "string" }, { type: "string", format: "path" }], default: null },
    metadata: {
      anyOf: [
        { type: "object", additionalProperties: { type: "string" }, propertyNames: { type: "string" } },
        { type: "null" },
      ],
      default: null,
    },
  },
  additionalProperties: false,
};

/**
 * `t.file({ format })`: a `FlyteFile`, as flytekit's `FlyteFilePathTransformer` writes it: `blob` with
 * the format and SINGLE dimensionality; local files are uploaded to `<rawOutputPrefix>/<random>/<name>`.
 * Inside records it is `{path, metadata?}`. Union tag `FlyteFilePath`.
 */
export class FileType extends BaseType<FlyteFile> {
  readonly kind: TypeKind = "file";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "FlyteFilePath";
  readonly format: string;

  constructor(options: FileTypeOptions = {}) {
    super();
    this.format = options.format ?? "";
    this.name = this.format ? `file[${this.format}]` : "file";
    this.literalType = blobType({ format: this.format, dimensionality: "single" });
  }

  override get needsUpload(): boolean {
    return true;
  }

  validate(value: unknown, path: string): void {
    if (!(value instanceof FlyteFile))
      throw expectedAt(path, "a FlyteFile (FlyteFile.fromPath or FlyteFile.fromUri)", value);
    if (this.format && value.format && value.format !== this.format) {
      throw invalidAt(
        path,
        `the file's format ${JSON.stringify(value.format)} is not the declared ${JSON.stringify(this.format)}`,
      );
    }
  }

  encode(value: FlyteFile, path: string): Literal {
    const uri = value.uri;
    if (uri === undefined) {
      throw invalidAt(
        path,
        `the local file ${value.path} has to be uploaded first; convert it with toLiteral, not toLiteralSync`,
      );
    }
    // flytekit writes the declared type's format (`meta` comes from the Python type, not the value).
    const literal = blobLiteral({ uri, format: this.format || value.format, dimensionality: "single" });
    return withMetadata(literal, value.metadata);
  }

  override async upload(value: FlyteFile, ctx: TypeContext, path: string): Promise<FlyteFile> {
    if (!value.isLocal) return value;
    const info = await stat(value.path).catch(() => undefined);
    if (!info?.isFile()) throw invalidAt(path, `${value.path} is not a file`);
    const uri = ctx.store.join(newRawOutputDir(ctx), lastSegment(value.path));
    await ctx.store.put(uri, await value.stream());
    return FlyteFile.remote(
      uri,
      { store: ctx.store, workDir: ctx.workDir },
      { format: value.format, metadata: value.metadata },
    );
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): FlyteFile {
    const s = scalarOf(literal);
    if (s?.case === "generic") return this.fromPlain(s.value, path, ctx);
    if (s?.case !== "blob") throw this.mismatch(literal, path);
    const dimensionality = s.value.metadata?.type?.dimensionality ?? BlobType_BlobDimensionality.SINGLE;
    if (dimensionality !== BlobType_BlobDimensionality.SINGLE)
      throw invalidAt(path, `${s.value.uri} is not a file (it is a multipart blob)`);
    const metadata = Object.keys(literal.metadata).length > 0 ? literal.metadata : undefined;
    return FlyteFile.remote(s.value.uri, access(ctx), {
      format: s.value.metadata?.type?.format || this.format,
      metadata,
    });
  }

  toPlain(value: FlyteFile, path: string): PlainValue {
    const uri = value.uri;
    if (uri === undefined)
      throw invalidAt(path, `the local file ${value.path} has to be uploaded first; convert with toLiteral`);
    const out = new Map<string, PlainValue>([["path", uri]]);
    if (value.metadata && Object.keys(value.metadata).length > 0) out.set("metadata", { ...value.metadata });
    return out;
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): FlyteFile {
    const given = typeof plain === "string" ? { path: plain } : plain;
    if (!isPlainObject(given) || typeof given.path !== "string") {
      throw expectedAt(path, "a file ({path: <uri>})", plain);
    }
    const metadata = isPlainObject(given.metadata) ? stringRecord(given.metadata) : undefined;
    if (ctx === undefined && !isUri(given.path))
      return FlyteFile.fromPath(given.path, { format: this.format, metadata });
    return FlyteFile.remote(given.path, access(ctx), { format: this.format, metadata });
  }

  jsonSchema(): JsonObject {
    return FLYTE_FILE_SCHEMA;
  }

  parse(text: string, path: string): FlyteFile {
    if (text.trim() === "") throw expectedAt(path, "a local path or a URI", text);
    return isUri(text)
      ? FlyteFile.fromUri(text, { format: this.format })
      : FlyteFile.fromPath(text, { format: this.format });
  }
}

/** The store and scratch folder a value read through `ctx` uses later. */
export function access(ctx: TypeContext | undefined): { store: TypeContext["store"]; workDir: string } | undefined {
  return ctx === undefined ? undefined : { store: ctx.store, workDir: ctx.workDir };
}

function withMetadata(literal: Literal, metadata: Readonly<Record<string, string>> | undefined): Literal {
  if (metadata !== undefined && Object.keys(metadata).length > 0) literal.metadata = { ...metadata };
  return literal;
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : describeValue(v)]));
}
