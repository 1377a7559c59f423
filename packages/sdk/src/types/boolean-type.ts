import type { JsonObject } from "@bufbuild/protobuf";
import { booleanLiteral, booleanType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { expectedAt } from "@aloft/idl/internal";

/** `t.boolean()`: a Python `bool`. Union tag `bool` (flytekit's `BoolTransformer`). */
export class BooleanType extends BaseType<boolean> {
  readonly kind: TypeKind = "boolean";
  readonly name = "bool";
  readonly literalType: LiteralType = booleanType();
  readonly unionTag = "bool";

  validate(value: unknown, path: string): void {
    if (typeof value !== "boolean") throw expectedAt(path, "boolean", value);
  }

  encode(value: boolean): Literal {
    return booleanLiteral(value);
  }

  decode(literal: Literal, path: string): boolean {
    const p = primitiveOf(literal);
    if (p?.case === "boolean") return p.value;
    throw this.mismatch(literal, path);
  }

  toPlain(value: boolean): PlainValue {
    return value;
  }

  fromPlain(plain: unknown, path: string): boolean {
    if (typeof plain !== "boolean") throw expectedAt(path, "boolean", plain);
    return plain;
  }

  jsonSchema(): JsonObject {
    return { type: "boolean" };
  }

  parse(text: string, path: string): boolean {
    const lower = text.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    throw expectedAt(path, "true or false", text);
  }
}
