import type { JsonObject } from "@bufbuild/protobuf";
import { durationLiteral, durationType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import { Float64, type PlainValue } from "./msgpack.js";
import { parseDurationText } from "./time-text.js";
import { expectedAt } from "@aloft/idl/internal";

/**
 * `t.duration()`: a Python `datetime.timedelta` as a JS **number of milliseconds**. Fractions of a
 * millisecond are kept down to the nanosecond when converting. Union tag `timedelta`.
 */
export class DurationType extends BaseType<number> {
  readonly kind: TypeKind = "duration";
  readonly name = "timedelta";
  readonly literalType: LiteralType = durationType();
  readonly unionTag = "timedelta";

  validate(value: unknown, path: string): void {
    if (typeof value !== "number" || !Number.isFinite(value))
      throw expectedAt(path, "a finite number of milliseconds", value);
  }

  encode(value: number): Literal {
    return durationLiteral(value);
  }

  decode(literal: Literal, path: string): number {
    const p = primitiveOf(literal);
    if (p?.case === "duration") return Number(p.value.seconds) * 1000 + p.value.nanos / 1_000_000;
    throw this.mismatch(literal, path);
  }

  toPlain(value: number): PlainValue {
    // mashumaro writes a timedelta inside a dataclass as `total_seconds()`, a float.
    return new Float64(value / 1000);
  }

  fromPlain(plain: unknown, path: string): number {
    if (typeof plain === "number") return plain * 1000;
    if (typeof plain === "bigint") return Number(plain) * 1000;
    const ms = typeof plain === "string" ? parseDurationText(plain) : undefined;
    if (ms === undefined) throw expectedAt(path, "a duration in seconds", plain);
    return ms;
  }

  jsonSchema(): JsonObject {
    return { type: "number", format: "time-delta" };
  }

  parse(text: string, path: string): number {
    const ms = parseDurationText(text);
    if (ms === undefined) throw expectedAt(path, "a duration (milliseconds, or parts like 1h30m, 90s, 250ms)", text);
    return ms;
  }
}
