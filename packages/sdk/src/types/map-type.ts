import type { JsonObject } from "@bufbuild/protobuf";
import { mapLiteral, mapType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind } from "./base-type.js";
import { mapInChunks } from "./chunked.js";
import { parseJsonText } from "./json-text.js";
import type { PlainValue } from "./msgpack.js";
import type { TypeContext } from "./type.js";
import { expectedAt, isPlainObject, keyPath, setEntry } from "@aloft/idl/internal";

/**
 * `t.map(x)`: a Python `Dict[str, X]`, a `map` literal, as a plain JS object with string keys.
 * Union tag `Typed Dict`.
 */
export class MapType<T> extends BaseType<Record<string, T>> {
  readonly kind: TypeKind = "map";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "Typed Dict";

  constructor(readonly valueType: BaseType<T>) {
    super();
    this.name = `map<${valueType.name}>`;
    this.literalType = mapType(valueType.literalType);
  }

  override get needsUpload(): boolean {
    return this.valueType.needsUpload;
  }

  validate(value: unknown, path: string): void {
    if (!isPlainObject(value)) throw expectedAt(path, "a plain object", value);
    for (const [k, v] of Object.entries(value)) this.valueType.validate(v, keyPath(path, k));
  }

  encode(value: Record<string, T>, path: string): Literal {
    const literals: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(value)) setEntry(literals, k, this.valueType.encode(v, keyPath(path, k)));
    return mapLiteral(literals);
  }

  override async upload(value: Record<string, T>, ctx: TypeContext, path: string): Promise<Record<string, T>> {
    const entries = Object.entries(value);
    const uploaded = await mapInChunks(entries, ([k, v]) => this.valueType.upload(v, ctx, keyPath(path, k)));
    const out: Record<string, T> = {};
    entries.forEach(([k], i) => setEntry(out, k, uploaded[i] as T));
    return out;
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): Record<string, T> {
    if (literal.value.case !== "map") throw this.mismatch(literal, path);
    const out: Record<string, T> = {};
    for (const [k, l] of Object.entries(literal.value.value.literals)) {
      setEntry(out, k, this.valueType.read(l, keyPath(path, k), ctx));
    }
    return out;
  }

  toPlain(value: Record<string, T>, path: string): PlainValue {
    return new Map(Object.entries(value).map(([k, v]) => [k, this.valueType.toPlain(v, keyPath(path, k))]));
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): Record<string, T> {
    if (!isPlainObject(plain)) throw expectedAt(path, "an object", plain);
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(plain)) setEntry(out, k, this.valueType.fromPlain(v, keyPath(path, k), ctx));
    return out;
  }

  jsonSchema(): JsonObject {
    // mashumaro's schema of `Dict[str, X]`.
    return { type: "object", additionalProperties: this.valueType.jsonSchema(), propertyNames: { type: "string" } };
  }

  parse(text: string, path: string): Record<string, T> {
    const value = this.fromPlain(parseJsonText(text, path, "a map"), path, undefined);
    this.validate(value, path);
    return value;
  }
}
