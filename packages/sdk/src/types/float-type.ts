import type { JsonObject } from "@bufbuild/protobuf";
import { floatLiteral, floatType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import { Float64, type PlainValue } from "./msgpack.js";
import { expectedAt } from "@aloft/idl/internal";

const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
};

/** `t.float()`: a Python `float` (double). Union tag `float` (flytekit's `FloatTransformer`). */
export class FloatType extends BaseType<number> {
  readonly kind: TypeKind = "float";
  readonly name = "float";
  readonly literalType: LiteralType = floatType();
  readonly unionTag = "float";

  validate(value: unknown, path: string): void {
    if (typeof value !== "number") throw expectedAt(path, "float", value);
  }

  encode(value: number): Literal {
    return floatLiteral(value);
  }

  decode(literal: Literal, path: string): number {
    const p = primitiveOf(literal);
    if (p?.case === "floatValue") return p.value;
    // flytekit's `_check_and_covert_float` also takes an integer.
    if (p?.case === "integer") return Number(p.value);
    throw this.mismatch(literal, path);
  }

  toPlain(value: number): PlainValue {
    // Always float64, even for 1.0, so Python reads a float back (flytekit writes floats that way).
    return new Float64(value);
  }

  fromPlain(plain: unknown, path: string): number {
    if (typeof plain === "number") return plain;
    if (typeof plain === "bigint") return Number(plain);
    throw expectedAt(path, "float", plain);
  }

  jsonSchema(): JsonObject {
    return { type: "number" };
  }

  parse(text: string, path: string): number {
    const trimmed = text.trim();
    const special = SPECIAL_FLOATS[trimmed.toLowerCase()];
    if (special !== undefined) return special;
    const n = Number(trimmed);
    if (trimmed === "" || Number.isNaN(n)) throw expectedAt(path, "float", text);
    return n;
  }
}
