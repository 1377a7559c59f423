import type { JsonObject } from "@bufbuild/protobuf";
import { literalFromJs, literalToJs, literalTypeToString, type LiteralJsValue } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind } from "./base-type.js";
import { parseJsonText } from "./json-text.js";
import type { PlainValue } from "./msgpack.js";

/**
 * A type rebuilt from an IDL type the SDK has no `t.*` for (BINARY, ERROR, legacy schemas…): values are
 * `@aloft/idl`'s plain JS forms (`literalFromJs` / `literalToJs`).
 */
export class LiteralValueType extends BaseType<LiteralJsValue> {
  readonly kind: TypeKind = "literal";
  readonly name: string;
  readonly unionTag: string;

  constructor(
    readonly literalType: LiteralType,
    unionTag: string,
  ) {
    super();
    this.name = literalTypeToString(literalType);
    this.unionTag = unionTag;
  }

  validate(value: unknown, path: string): void {
    literalFromJs(value, this.literalType, { path });
  }

  encode(value: LiteralJsValue, path: string): Literal {
    return literalFromJs(value, this.literalType, { path });
  }

  decode(literal: Literal, path: string): LiteralJsValue {
    return literalToJs(literal, this.literalType, { path });
  }

  toPlain(value: LiteralJsValue): PlainValue {
    return value as PlainValue;
  }

  fromPlain(plain: unknown): LiteralJsValue {
    return plain as LiteralJsValue;
  }

  jsonSchema(): JsonObject {
    return {};
  }

  parse(text: string, path: string): LiteralJsValue {
    return parseJsonText(text, path, this.name) as LiteralJsValue;
  }
}
