import type { JsonObject } from "@bufbuild/protobuf";
import { AloftError, enumType, stringLiteral } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { describeValue, invalidAt } from "@aloft/idl/internal";

/**
 * `t.enum(["a", "b"])`: a Python string `Enum`. The literal is the string value itself, as flytekit's
 * `EnumTransformer` writes it (by value, not name). Union tag `DefaultEnumTransformer`.
 */
export class EnumType<V extends string> extends BaseType<V> {
  readonly kind: TypeKind = "enum";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "DefaultEnumTransformer";
  readonly values: readonly V[];

  constructor(values: readonly V[]) {
    super();
    if (values.length === 0) throw AloftError.invalidArgument("t.enum: give at least one value");
    for (const v of values) {
      if (typeof v !== "string")
        throw AloftError.invalidArgument(`t.enum: values must be strings, got ${describeValue(v)}`);
    }
    if (new Set(values).size !== values.length)
      throw AloftError.invalidArgument(`t.enum: values repeat: ${values.join(", ")}`);
    this.values = [...values];
    this.name = `enum<${values.join(" | ")}>`;
    this.literalType = enumType(values);
  }

  validate(value: unknown, path: string): void {
    if (typeof value !== "string" || !(this.values as readonly string[]).includes(value)) {
      throw invalidAt(
        path,
        `expected one of ${this.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(value)}`,
      );
    }
  }

  encode(value: V): Literal {
    return stringLiteral(value);
  }

  decode(literal: Literal, path: string): V {
    const p = primitiveOf(literal);
    if (p?.case !== "stringValue") throw this.mismatch(literal, path);
    this.validate(p.value, path);
    return p.value as V;
  }

  toPlain(value: V): PlainValue {
    return value;
  }

  fromPlain(plain: unknown, path: string): V {
    this.validate(plain, path);
    return plain as V;
  }

  jsonSchema(): JsonObject {
    // mashumaro's `on_enum`: the values, without a `type`.
    return { enum: [...this.values] };
  }

  parse(text: string, path: string): V {
    return this.fromPlain(text, path);
  }
}
