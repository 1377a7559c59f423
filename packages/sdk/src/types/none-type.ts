import type { JsonObject } from "@bufbuild/protobuf";
import { noneLiteral, noneType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, scalarOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { expectedAt } from "@aloft/idl/internal";

const NONE_TEXT = new Set(["", "null", "none"]);

/** `t.none()`: Python's `None`, `null` in JS (`undefined` is accepted on input). Union tag `none`. */
export class NoneType extends BaseType<null> {
  readonly kind: TypeKind = "none";
  readonly name = "none";
  readonly literalType: LiteralType = noneType();
  readonly unionTag = "none";

  validate(value: unknown, path: string): void {
    if (value !== null && value !== undefined) throw expectedAt(path, "null", value);
  }

  encode(): Literal {
    return noneLiteral();
  }

  decode(literal: Literal, path: string): null {
    if (scalarOf(literal)?.case === "noneType") return null;
    throw this.mismatch(literal, path);
  }

  toPlain(): PlainValue {
    return null;
  }

  fromPlain(plain: unknown, path: string): null {
    if (plain !== null && plain !== undefined) throw expectedAt(path, "null", plain);
    return null;
  }

  jsonSchema(): JsonObject {
    return { type: "null" };
  }

  parse(text: string, path: string): null {
    if (!NONE_TEXT.has(text.trim().toLowerCase())) throw expectedAt(path, "null (an empty value, null or none)", text);
    return null;
  }
}
