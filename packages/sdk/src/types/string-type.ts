import type { JsonObject } from "@bufbuild/protobuf";
import { stringLiteral, stringType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { expectedAt } from "@aloft/idl/internal";

/** `t.string()`: a Python `str`. Union tag `str` (flytekit's `StrTransformer`). */
export class StringType extends BaseType<string> {
  readonly kind: TypeKind = "string";
  readonly name = "str";
  readonly literalType: LiteralType = stringType();
  readonly unionTag = "str";

  validate(value: unknown, path: string): void {
    if (typeof value !== "string") throw expectedAt(path, "string", value);
  }

  encode(value: string): Literal {
    return stringLiteral(value);
  }

  decode(literal: Literal, path: string): string {
    const p = primitiveOf(literal);
    if (p?.case === "stringValue") return p.value;
    throw this.mismatch(literal, path);
  }

  toPlain(value: string): PlainValue {
    return value;
  }

  fromPlain(plain: unknown, path: string): string {
    if (typeof plain !== "string") throw expectedAt(path, "string", plain);
    return plain;
  }

  jsonSchema(): JsonObject {
    return { type: "string" };
  }

  parse(text: string): string {
    return text;
  }
}
