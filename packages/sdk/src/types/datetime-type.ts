import type { JsonObject } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { datetimeLiteral, datetimeType } from "@aloft/idl";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { LiteralType } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, primitiveOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { formatIsoDate, formatPythonIsoDatetime, parseIsoDatetime } from "./time-text.js";
import { expectedAt, invalidAt } from "@aloft/idl/internal";

const MS_PER_DAY = 86_400_000;

function timestampToDate(ts: Timestamp): Date {
  // A Date keeps milliseconds; the remaining nanoseconds are dropped (truncated, never rounded up).
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * `t.datetime()`: a Python `datetime.datetime` as a JS `Date` (millisecond precision; sub-millisecond
 * digits of incoming values are truncated). Union tag `datetime`.
 */
export class DatetimeType extends BaseType<Date> {
  readonly kind: TypeKind = "datetime";
  readonly name = "datetime";
  readonly literalType: LiteralType = datetimeType();
  readonly unionTag = "datetime";

  validate(value: unknown, path: string): void {
    if (!isValidDate(value)) throw expectedAt(path, "a valid Date", value);
  }

  encode(value: Date): Literal {
    return datetimeLiteral(value);
  }

  decode(literal: Literal, path: string): Date {
    const p = primitiveOf(literal);
    if (p?.case === "datetime") return timestampToDate(p.value);
    throw this.mismatch(literal, path);
  }

  toPlain(value: Date): PlainValue {
    // mashumaro writes datetimes inside dataclasses as `isoformat()` strings.
    return formatPythonIsoDatetime(value);
  }

  fromPlain(plain: unknown, path: string): Date {
    const date = typeof plain === "string" ? parseIsoDatetime(plain) : undefined;
    if (date === undefined) throw expectedAt(path, "an ISO 8601 datetime", plain);
    return date;
  }

  jsonSchema(): JsonObject {
    return { type: "string", format: "date-time" };
  }

  parse(text: string, path: string): Date {
    return this.fromPlain(text, path);
  }
}

/**
 * `t.date()`: a Python `datetime.date` as a JS `Date` at midnight UTC. Written, as flytekit does, as
 * a DATETIME at midnight; read back truncated to the day. Union tag `date`.
 */
export class DateType extends BaseType<Date> {
  readonly kind: TypeKind = "date";
  readonly name = "date";
  readonly literalType: LiteralType = datetimeType();
  readonly unionTag = "date";

  validate(value: unknown, path: string): void {
    if (!isValidDate(value)) throw expectedAt(path, "a valid Date", value);
    if (value.getTime() % MS_PER_DAY !== 0) {
      throw invalidAt(
        path,
        `expected a date at midnight UTC, got ${value.toISOString()}; use new Date("YYYY-MM-DD") for a date`,
      );
    }
  }

  encode(value: Date): Literal {
    return datetimeLiteral(value);
  }

  decode(literal: Literal, path: string): Date {
    const p = primitiveOf(literal);
    if (p?.case === "datetime") return startOfUtcDay(timestampToDate(p.value));
    throw this.mismatch(literal, path);
  }

  toPlain(value: Date): PlainValue {
    return formatIsoDate(value);
  }

  fromPlain(plain: unknown, path: string): Date {
    const date = typeof plain === "string" ? parseIsoDatetime(plain) : undefined;
    if (date === undefined) throw expectedAt(path, "an ISO 8601 date (YYYY-MM-DD)", plain);
    return startOfUtcDay(date);
  }

  jsonSchema(): JsonObject {
    return { type: "string", format: "date" };
  }

  parse(text: string, path: string): Date {
    return this.fromPlain(text, path);
  }
}

function startOfUtcDay(date: Date): Date {
  const ms = date.getTime();
  return new Date(ms - (((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY));
}
