import type { JsonObject } from "@bufbuild/protobuf";
import { collectionLiteral, collectionType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind } from "./base-type.js";
import { mapInChunks } from "./chunked.js";
import { parseJsonText } from "./json-text.js";
import type { PlainValue } from "./msgpack.js";
import type { TypeContext } from "./type.js";
import { expectedAt, indexPath } from "@aloft/idl/internal";

/** `t.list(x)`: a Python `List[X]`, a `collection` literal. Union tag `Typed List`. */
export class ListType<T> extends BaseType<T[]> {
  readonly kind: TypeKind = "list";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "Typed List";

  constructor(readonly element: BaseType<T>) {
    super();
    this.name = `list<${element.name}>`;
    this.literalType = collectionType(element.literalType);
  }

  override get needsUpload(): boolean {
    return this.element.needsUpload;
  }

  validate(value: unknown, path: string): void {
    if (!Array.isArray(value)) throw expectedAt(path, "an array", value);
    value.forEach((v, i) => this.element.validate(v, indexPath(path, i)));
  }

  encode(value: T[], path: string): Literal {
    return collectionLiteral(value.map((v, i) => this.element.encode(v, indexPath(path, i))));
  }

  override upload(value: T[], ctx: TypeContext, path: string): Promise<T[]> {
    return mapInChunks(value, (v, i) => this.element.upload(v, ctx, indexPath(path, i)));
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): T[] {
    if (literal.value.case !== "collection") throw this.mismatch(literal, path);
    return literal.value.value.literals.map((l, i) => this.element.read(l, indexPath(path, i), ctx));
  }

  toPlain(value: T[], path: string): PlainValue {
    return value.map((v, i) => this.element.toPlain(v, indexPath(path, i)));
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): T[] {
    if (!Array.isArray(plain)) throw expectedAt(path, "an array", plain);
    return plain.map((v, i) => this.element.fromPlain(v, indexPath(path, i), ctx));
  }

  jsonSchema(): JsonObject {
    return { type: "array", items: this.element.jsonSchema() };
  }

  parse(text: string, path: string): T[] {
    const value = this.fromPlain(parseJsonText(text, path, "a list"), path, undefined);
    this.validate(value, path);
    return value;
  }
}
