import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AloftError } from "@aloft/idl";

/**
 * A point in time as every repository reads and writes it, in both dialects: ISO 8601 in UTC with
 * exactly six fraction digits, e.g. `2024-05-01T12:00:00.123456Z`.
 *
 * PostgreSQL stores it as `timestamptz` (microsecond precision, the same as the string) and the
 * driver's `timestamptz` parser turns it back into this form; SQLite stores the string itself,
 * whose fixed width makes text order equal time order. So `=`, `<` and `ORDER BY` agree across
 * dialects, and no repository code needs to know which one it talks to.
 */
export type DbTime = string;

const DB_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** True if `value` is a well-formed {@link DbTime}. */
export function isDbTime(value: string): boolean {
  return DB_TIME_PATTERN.test(value);
}

/** `date` as a {@link DbTime} (millisecond precision, as a `Date` holds). */
export function dateToDbTime(date: Date): DbTime {
  const iso = date.toISOString(); // 2024-05-01T12:00:00.123Z (years 0..9999)
  return `${iso.slice(0, 23)}000Z`;
}

/** The current wall-clock time as a {@link DbTime}. */
export function nowDbTime(): DbTime {
  return dateToDbTime(new Date());
}

/** A {@link DbTime} as a `Date` (sub-millisecond digits are dropped). */
export function dbTimeToDate(value: DbTime): Date {
  return new Date(`${value.slice(0, 23)}Z`);
}

/** Microseconds since the Unix epoch of a {@link DbTime}. */
export function dbTimeToEpochMicros(value: DbTime): bigint {
  const millis = Date.parse(`${value.slice(0, 19)}Z`);
  return BigInt(millis) * 1000n + BigInt(value.slice(20, 26));
}

/** A protobuf `Timestamp` as a {@link DbTime}, truncated to microseconds. */
export function timestampToDbTime(timestamp: Timestamp): DbTime {
  const date = new Date(Number(timestamp.seconds) * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw AloftError.invalidArgument(`timestamp out of range: ${timestamp.seconds} seconds`);
  }
  const whole = date.toISOString().slice(0, 19);
  // Valid Timestamps have 0 <= nanos < 1e9; clamp so a malformed one cannot break the fixed width.
  const micros = Math.min(999_999, Math.max(0, Math.floor(timestamp.nanos / 1000)));
  return `${whole}.${String(micros).padStart(6, "0")}Z`;
}

/** A {@link DbTime} as a protobuf `Timestamp`. */
export function dbTimeToTimestamp(value: DbTime): Timestamp {
  const seconds = BigInt(Date.parse(`${value.slice(0, 19)}Z`) / 1000);
  const nanos = Number(value.slice(20, 26)) * 1000;
  return create(TimestampSchema, { seconds, nanos });
}

/** `optional` converted with {@link timestampToDbTime}, or `null` when it is unset. */
export function timestampToDbTimeOrNull(optional: Timestamp | undefined): DbTime | null {
  return optional === undefined ? null : timestampToDbTime(optional);
}

/** Nanoseconds between two {@link DbTime}s (`to - from`), as flyteadmin stores durations. */
export function dbTimeDiffNanos(from: DbTime, to: DbTime): number {
  return Number(dbTimeToEpochMicros(to) - dbTimeToEpochMicros(from)) * 1000;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$/;

/**
 * Parses a time given by a client (a filter value such as `gte(execution_created_at,2024-05-01T00:00:00Z)`)
 * into a {@link DbTime}. Accepts RFC 3339 with any fraction and offset, a space instead of `T`, a missing
 * offset (UTC) and a bare date (midnight UTC).
 *
 * @throws AloftError InvalidArgument `Timestamp <value> must conform to RFC3339 Nano spec` otherwise.
 */
export function parseClientTime(value: string): DbTime {
  const match = RFC3339.exec(value.trim());
  const invalid = (): AloftError => AloftError.invalidArgument(`Timestamp ${value} must conform to RFC3339 Nano spec`);
  if (match === null) throw invalid();
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", , sign, oh = "00", om = "00"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) throw invalid();
  // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as written.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) throw invalid();
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  let millis = date.getTime();
  if (sign !== undefined) {
    const offsetMinutes = Number(oh) * 60 + Number(om);
    millis += (sign === "+" ? -1 : 1) * offsetMinutes * 60_000;
  }
  const whole = new Date(millis).toISOString().slice(0, 19);
  return `${whole}.${fraction.padEnd(6, "0").slice(0, 6)}Z`;
}

const PG_TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/**
 * The PostgreSQL `timestamptz` text form (`2024-05-01 12:00:00.123456+00`) as a {@link DbTime}.
 * Used as the driver's type parser so rows arrive in the same shape as SQLite's.
 */
export function postgresTimestampToDbTime(text: string): DbTime {
  const match = PG_TIMESTAMP.exec(text);
  if (match === null) return text;
  const [, y, mo, d, h, mi, s, fraction = "", sign, oh = "00", om = "00", os = "00"] = match;
  const micros = fraction.padEnd(6, "0");
  if (sign === undefined || (Number(oh) === 0 && Number(om) === 0 && Number(os) === 0)) {
    return `${y}-${mo}-${d}T${h}:${mi}:${s}.${micros}Z`;
  }
  const offsetSeconds = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * (sign === "+" ? 1 : -1);
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetSeconds * 1000;
  return `${new Date(utc).toISOString().slice(0, 19)}.${micros}Z`;
}
