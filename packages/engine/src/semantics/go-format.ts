/*
 * How Go prints values that end up in Flyte's messages and container arguments: `time.Duration`'s
 * `String()`, `fmt`'s `%v` for floats, and protobuf timestamps as RFC 3339. Matching these keeps
 * error messages and rendered commands identical to propeller's.
 */
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";

const NANOS_PER_SECOND = 1_000_000_000n;

/** A protobuf Duration as whole nanoseconds. */
export function durationToNanos(duration: Duration): bigint {
  return duration.seconds * NANOS_PER_SECOND + BigInt(duration.nanos);
}

/** A protobuf Duration in milliseconds (fractions kept). */
export function durationToMs(duration: Duration): number {
  return Number(duration.seconds) * 1000 + duration.nanos / 1e6;
}

/** Go's `time.Duration.String()`: `1h0m0s`, `1m30s`, `1.5s`, `20ms`, `1.5µs`, `0s`. */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return "0s";
  const negative = nanos < 0n;
  let u = negative ? -nanos : nanos;
  let out: string;
  if (u < NANOS_PER_SECOND) {
    let unit: string;
    let precision: number;
    if (u < 1_000n) {
      unit = "ns";
      precision = 0;
    } else if (u < 1_000_000n) {
      unit = "µs";
      precision = 3;
    } else {
      unit = "ms";
      precision = 6;
    }
    const [fraction, whole] = splitFraction(u, precision);
    out = `${whole}${fraction}${unit}`;
  } else {
    const [fraction, wholeSeconds] = splitFraction(u, 9);
    u = wholeSeconds;
    out = `${u % 60n}${fraction}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return negative ? `-${out}` : out;
}

/** `v / 10^precision` as `[".fraction" without trailing zeros (or ""), whole part]`, as Go's `fmtFrac`. */
function splitFraction(v: bigint, precision: number): [string, bigint] {
  if (precision === 0) return ["", v];
  const scale = 10n ** BigInt(precision);
  const digits = (v % scale).toString().padStart(precision, "0").replace(/0+$/, "");
  return [digits === "" ? "" : `.${digits}`, v / scale];
}

/** Go's `fmt.Sprintf("%v", f)` for a float64: shortest digits, exponent form below 1e-4 and from 1e6 on (`1e+06`). */
export function formatGoFloat(value: number): string {
  return formatShortest(value, (v) => v.toExponential());
}

/** Go's `%v` for a float32 value (shortest digits that read back as the same float32). */
export function formatGoFloat32(value: number): string {
  return formatShortest(value, (v) => {
    for (let precision = 1; precision <= 9; precision++) {
      const candidate = Number(v.toPrecision(precision));
      if (Math.fround(candidate) === v) return candidate.toExponential();
    }
    return v.toExponential();
  });
}

function formatShortest(value: number, exponential: (v: number) => string): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "0", exponentText = "0"] = exponential(value).split("e");
  const exponent = Number(exponentText);
  // fmt's %v is strconv's 'g' with the shortest precision, which uses %e when exp < -4 || exp >= 6.
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return placeDecimalPoint(mantissa, exponent);
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function formatGoFloatFixed(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  return placeDecimalPoint(mantissa, Number(exponentText));
}

/** Writes `d.ddd × 10^exponent` (the mantissa of toExponential) in plain decimal notation. */
function placeDecimalPoint(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const point = exponent + 1;
  let text: string;
  if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** A protobuf Timestamp as Go's `ptypes.TimestampString`: RFC 3339 in UTC, fractional seconds only when non-zero. */
export function formatTimestamp(timestamp: Timestamp): string {
  const date = new Date(Number(timestamp.seconds) * 1000);
  const base = date.toISOString().slice(0, 19);
  const fraction = String(timestamp.nanos).padStart(9, "0").replace(/0+$/, "");
  return `${base}${fraction === "" ? "" : `.${fraction}`}Z`;
}
