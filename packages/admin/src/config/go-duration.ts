/**
 * Go's `time.ParseDuration`, used where flyteadmin reads durations: its YAML config (`maxExpiresIn: 1h`) and
 * grpc-gateway query parameters of type `google.protobuf.Duration` (`?expires_in=90s`).
 */

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const MAX_NANOS = (1n << 63n) - 1n;
const NEGATIVE_LIMIT = 1n << 63n;

/** The result of {@link parseGoDuration}: nanoseconds, or Go's error message. */
export type GoDurationResult = { ok: true; nanos: bigint } | { ok: false; error: string };

/**
 * Parses a Go duration string such as `"300ms"`, `"-1.5h"` or `"2h45m"` into nanoseconds, with Go's error
 * messages (`time: invalid duration "x"`, `time: missing unit in duration "1"`,
 * `time: unknown unit "d" in duration "1d"`). Like Go, the result must fit a signed 64-bit integer.
 */
export function parseGoDuration(text: string): GoDurationResult {
  const invalid = (): GoDurationResult => ({ ok: false, error: `time: invalid duration ${goQuote(text)}` });
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return { ok: true, nanos: 0n };
  if (s === "") return invalid();

  let total = 0n;
  while (s !== "") {
    if (!/^[0-9.]/.test(s)) return invalid();
    const whole = /^[0-9]*/.exec(s)![0];
    s = s.slice(whole.length);
    let fraction = "";
    let hasFraction = false;
    if (s.startsWith(".")) {
      fraction = /^[0-9]*/.exec(s.slice(1))![0];
      hasFraction = fraction !== "";
      s = s.slice(1 + fraction.length);
    }
    if (whole === "" && !hasFraction) return invalid();

    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === "") return { ok: false, error: `time: missing unit in duration ${goQuote(text)}` };
    s = s.slice(unitText.length);
    const unit = NANOS_PER_UNIT.get(unitText);
    if (unit === undefined) {
      return { ok: false, error: `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}` };
    }

    const wholeValue = whole === "" ? 0n : BigInt(whole);
    if (wholeValue > NEGATIVE_LIMIT / unit) return invalid();
    let value = wholeValue * unit;
    if (hasFraction) {
      // Go keeps at most ~19 significant fraction digits and converts through float64, as here.
      const digits = fraction.slice(0, 19);
      value += BigInt(Math.floor(Number(digits) * (Number(unit) / 10 ** digits.length)));
      if (value > NEGATIVE_LIMIT) return invalid();
    }
    total += value;
    if (total > NEGATIVE_LIMIT) return invalid();
  }
  if (negative) return { ok: true, nanos: -total };
  if (total > MAX_NANOS) return invalid();
  return { ok: true, nanos: total };
}

/** Go's `strconv.Quote` for the printable ASCII strings that appear in these messages. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}
