import type { JsonObject } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import type { Literal, Primitive, Scalar } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { decodeMsgpack, type PlainValue } from "./msgpack.js";
import { type ConvertOptions, TYPE_BRAND, type Type, type TypeContext } from "./type.js";
import { invalidAt, isConversionError } from "@aloft/idl/internal";

/** flytekit's tag for msgpack-encoded `scalar.binary` values (`flytekit/core/constants.py` MESSAGEPACK). */
export const MSGPACK_TAG = "msgpack";

/** What a `t.*` type is; `literal` is a type rebuilt from a bare IDL type by `typeFromLiteralType`. */
export type TypeKind =
  | "int"
  | "int64"
  | "float"
  | "string"
  | "boolean"
  | "datetime"
  | "date"
  | "duration"
  | "none"
  | "optional"
  | "union"
  | "list"
  | "map"
  | "record"
  | "enum"
  | "json"
  | "file"
  | "directory"
  | "dataframe"
  | "literal";

/**
 * The machinery every `t.*` type shares. Subclasses implement small hooks, each taking the path of the
 * value for error messages:
 * - `validate`: checks a JS value structurally (no I/O);
 * - `encode`: JS value → literal without I/O (throws for local data that must be uploaded first);
 * - `upload`: replaces local data inside a value by uploaded copies (files, directories, datasets);
 * - `decode`: literal → JS value (for every form but msgpack binaries, which go through `fromPlain`);
 * - `toPlain`/`fromPlain`: the value inside a msgpack STRUCT, as flytekit's mashumaro encoding has it;
 * - `jsonSchema`: the JSON Schema mashumaro emits for a dataclass field of this type;
 * - `parse`: command-line text → JS value.
 * @internal
 */
export abstract class BaseType<T> implements Type<T> {
  readonly [TYPE_BRAND] = true as const;
  abstract readonly kind: TypeKind;
  abstract readonly name: string;
  abstract readonly literalType: LiteralType;
  /** The name of flytekit's transformer for this type, which tags it inside unions. */
  abstract readonly unionTag: string;
  description: string | undefined = undefined;
  readonly optional: boolean = false;
  declare readonly __value?: T;

  /** Whether values may hold local data that `toLiteral` uploads; false lets containers skip the walk. */
  get needsUpload(): boolean {
    return false;
  }

  abstract validate(value: unknown, path: string): void;
  abstract encode(value: T, path: string): Literal;
  abstract decode(literal: Literal, path: string, ctx: TypeContext | undefined): T;
  abstract toPlain(value: T, path: string): PlainValue;
  abstract fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): T;
  abstract jsonSchema(): JsonObject;
  abstract parse(text: string, path: string): T;

  upload(value: T, _ctx: TypeContext, _path: string): Promise<T> {
    return Promise.resolve(value);
  }

  toLiteralSync(value: T, options: ConvertOptions = {}): Literal {
    const path = options.path ?? "value";
    this.validate(value, path);
    return this.encode(value, path);
  }

  async toLiteral(value: T, ctx: TypeContext, options: ConvertOptions = {}): Promise<Literal> {
    const path = options.path ?? "value";
    this.validate(value, path);
    const ready = this.needsUpload ? await this.upload(value, ctx, path) : value;
    return this.encode(ready, path);
  }

  fromLiteral(literal: Literal, ctx: TypeContext, options: ConvertOptions = {}): Promise<T> {
    try {
      return Promise.resolve(this.read(literal, options.path ?? "value", ctx));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /**
   * Literal → value, also taking a msgpack `scalar.binary` for any type: propeller hands attribute
   * paths into msgpack STRUCTs (`dc.x`) to the next task in that form, and flytekit's simple
   * transformers read it (`SimpleTransformer.from_binary_idl`).
   */
  read(literal: Literal, path: string, ctx: TypeContext | undefined): T {
    const v = literal.value;
    if (v.case === "offloadedMetadata") {
      throw new AloftError(
        Code.FailedPrecondition,
        `${path}: the literal is offloaded to ${v.value.uri}; load it first`,
      );
    }
    const s = scalarOf(literal);
    // A union value where a plain type is declared: propeller casts a one-variant union to its variant.
    if (s?.case === "union" && this.literalType.type.case !== "unionType" && s.value.value !== undefined) {
      return this.read(s.value.value, path, ctx);
    }
    if (s?.case === "binary") {
      if (s.value.tag !== MSGPACK_TAG) {
        throw invalidAt(path, `expected ${this.name}, got binary with unsupported tag ${JSON.stringify(s.value.tag)}`);
      }
      return this.fromPlain(decodeMsgpack(s.value.value, path), path, ctx);
    }
    return this.decode(literal, path, ctx);
  }

  accepts(value: unknown): value is T {
    try {
      this.validate(value, "value");
      return true;
    } catch (e) {
      if (isConversionError(e)) return false;
      throw e;
    }
  }

  parseText(text: string): T {
    return this.parse(text, "value");
  }

  describe(description: string): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.description = description;
    return copy;
  }

  /** `path: expected <this type>, got <literal kind>`. */
  protected mismatch(literal: Literal, path: string): AloftError {
    return invalidAt(path, `expected ${this.name}, got ${literalKind(literal)}`);
  }
}

/** The scalar inside a literal, if it is one. */
export function scalarOf(literal: Literal): Scalar["value"] | undefined {
  return literal.value.case === "scalar" ? literal.value.value.value : undefined;
}

/** The primitive inside a literal, if it is one. */
export function primitiveOf(literal: Literal): Primitive["value"] | undefined {
  const s = scalarOf(literal);
  return s?.case === "primitive" ? s.value.value : undefined;
}

/** The kind of a literal in words for messages: `integer 3`, `string "a"`, `collection`, `blob`, … */
export function literalKind(literal: Literal): string {
  const v = literal.value;
  if (v.case !== "scalar") {
    if (v.case === "collection") return `collection[${v.value.literals.length}]`;
    if (v.case === "map") return "map";
    return v.case === "offloadedMetadata" ? "offloaded literal" : "unset literal";
  }
  const s = v.value.value;
  switch (s.case) {
    case "primitive": {
      const p = s.value.value;
      switch (p.case) {
        case "integer":
          return `integer ${p.value}`;
        case "floatValue":
          return `float ${p.value}`;
        case "stringValue":
          return `string ${JSON.stringify(p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value)}`;
        case "boolean":
          return `boolean ${p.value}`;
        case "datetime":
          return "datetime";
        case "duration":
          return "duration";
        case undefined:
          return "unset primitive";
      }
      break;
    }
    case "noneType":
      return "none";
    case "generic":
      return "struct";
    case "structuredDataset":
      return "structured dataset";
    case undefined:
      return "unset scalar";
  }
  return s.case;
}
