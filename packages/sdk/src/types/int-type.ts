import type { JsonObject } from "@bufbuild/protobuf";
import { integerLiteral, integerType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { expectedAt, invalidAt } from "@aloft/idl/internal";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * `t.int()`: a Python `int` held in a JS `number`. Only safe integers (±2^53 − 1) are accepted; use
 * `t.int64()` for the whole int64 range. Union tag `int` (flytekit's `IntTransformer`).
 */
export class IntType extends BaseType<number> {
  readonly kind: TypeKind = "int";
  readonly name = "int";
  readonly literalType: LiteralType = integerType();
  readonly unionTag = "int";

  validate(value: unknown, path: string): void {
    if (typeof value !== "number" || !Number.isInteger(value)) throw expectedAt(path, "integer", value);
    if (!Number.isSafeInteger(value)) {
      throw invalidAt(
        path,
        `${BigInt(value)} is not a safe integer; declare the variable as t.int64() for larger values`,
      );
    }
  }

  encode(value: number): Literal {
    return integerLiteral(value);
  }

  decode(literal: Literal, path: string): number {
    const p = primitiveOf(literal);
    if (p?.case === "integer") return this.fromBigInt(p.value, path);
    // flytekit's `_handle_flyte_console_float_input_to_int`: the console sends whole numbers as floats.
    if (p?.case === "floatValue" && Number.isFinite(p.value)) return this.fromBigInt(BigInt(Math.trunc(p.value)), path);
    throw this.mismatch(literal, path);
  }

  toPlain(value: number): PlainValue {
    return value;
  }

  fromPlain(plain: unknown, path: string): number {
    if (typeof plain === "bigint") return this.fromBigInt(plain, path);
    // Legacy protobuf-Struct records hold every number as a double (flytekit's `_fix_val_int`).
    if (typeof plain === "number" && Number.isInteger(plain)) return this.fromBigInt(BigInt(plain), path);
    throw expectedAt(path, "integer", plain);
  }

  jsonSchema(): JsonObject {
    return { type: "integer" };
  }

  parse(text: string, path: string): number {
    const trimmed = text.trim();
    if (!INTEGER_TEXT.test(trimmed)) throw expectedAt(path, "integer", text);
    return this.fromBigInt(BigInt(trimmed), path);
  }

  private fromBigInt(n: bigint, path: string): number {
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw invalidAt(path, `${n} is not a safe integer; declare the variable as t.int64() to read it`);
    }
    return Number(n);
  }
}

/** `t.int64()`: a Python `int` held in a JS `bigint`, over the whole int64 range. Union tag `int`. */
export class Int64Type extends BaseType<bigint> {
  readonly kind: TypeKind = "int64";
  readonly name = "int64";
  readonly literalType: LiteralType = integerType();
  readonly unionTag = "int";

  validate(value: unknown, path: string): void {
    if (typeof value !== "bigint") throw expectedAt(path, "bigint", value);
    if (value < INT64_MIN || value > INT64_MAX) throw invalidAt(path, `${value} is outside the int64 range`);
  }

  encode(value: bigint): Literal {
    return integerLiteral(value);
  }

  decode(literal: Literal, path: string): bigint {
    const p = primitiveOf(literal);
    if (p?.case === "integer") return p.value;
    if (p?.case === "floatValue" && Number.isFinite(p.value)) return BigInt(Math.trunc(p.value));
    throw this.mismatch(literal, path);
  }

  toPlain(value: bigint): PlainValue {
    return value;
  }

  fromPlain(plain: unknown, path: string): bigint {
    if (typeof plain === "bigint") return plain;
    if (typeof plain === "number" && Number.isInteger(plain)) return BigInt(plain);
    throw expectedAt(path, "integer", plain);
  }

  jsonSchema(): JsonObject {
    return { type: "integer" };
  }

  parse(text: string, path: string): bigint {
    const trimmed = text.trim();
    if (!INTEGER_TEXT.test(trimmed)) throw expectedAt(path, "integer", text);
    const n = BigInt(trimmed);
    this.validate(n, path);
    return n;
  }
}
