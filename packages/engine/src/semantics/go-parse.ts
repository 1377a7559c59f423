/*
 * The Go parsers Flyte's co-pilot uses to read primitive outputs from files
 * (flyteidl coreutils `MakePrimitiveForType`): strconv's ParseInt/ParseFloat/ParseBool,
 * time.ParseDuration and time.Parse(RFC3339). Each throws `Error` with Go-like wording.
 */
import { create } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
export function parseGoInt(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`);
  const value = BigInt(s);
  if (value < INT64_MIN || value > INT64_MAX) throw new Error(`strconv.ParseInt: parsing "${s}": value out of range`);
  return value;
}

/** strconv.ParseFloat(s, 64) for decimal forms, `inf`/`infinity` and `nan`. */
export function parseGoFloat(s: string): number {
  const lower = s.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const body = lower.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return sign * Infinity;
  if (body === "nan") return NaN;
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(body))
    throw new Error(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
  const value = Number(s);
  if (!Number.isFinite(value)) throw new Error(`strconv.ParseFloat: parsing "${s}": value out of range`);
  return value;
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing "${s}": invalid syntax`);
}

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds: `300ms`, `-1.5h`, `2h45m`. */
export function parseGoDuration(s: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration "${s}"`);
  let rest = s;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") throw invalid();
  let total = 0n;
  while (rest !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2] ?? "";
    if (whole === "" && fraction === "") throw invalid();
    rest = rest.slice(number?.[0].length ?? 0);
    const unitMatch = /^[^\d.]+/.exec(rest);
    if (unitMatch === null) throw new Error(`time: missing unit in duration "${s}"`);
    const unit = UNIT_NANOS[unitMatch[0]];
    if (unit === undefined) throw new Error(`time: unknown unit "${unitMatch[0]}" in duration "${s}"`);
    rest = rest.slice(unitMatch[0].length);
    total += BigInt(whole === "" ? "0" : whole) * unit;
    if (fraction !== "") total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  }
  if (total > INT64_MAX) throw invalid();
  return negative ? -total : total;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** time.Parse(time.RFC3339, s) as a protobuf Timestamp (fractional seconds allowed, as Go does). */
export function parseGoRfc3339(s: string): Timestamp {
  const m = RFC3339.exec(s);
  if (m === null) throw new Error(`parsing time "${s}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const [, y, mo, d, h, mi, sec, frac = "", zone = "Z"] = m;
  let seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) / 1000;
  if (zone !== "Z") {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60;
    seconds -= zone.startsWith("-") ? -offset : offset;
  }
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos: Number(frac.padEnd(9, "0") || "0") });
}
