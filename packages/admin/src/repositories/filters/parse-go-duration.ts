const UNIT_NANOS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const COMPONENT = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses a Go `time.ParseDuration` string (`1h2m3.5s`, `-1.5h`, `300ms`, `0`) into nanoseconds,
 * or returns undefined when it is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const match = COMPONENT.exec(rest);
    if (match === null) return undefined;
    const [whole, integer = "", fraction = "", unit = ""] = match;
    if (integer === "" && fraction === "") return undefined;
    const nanos = UNIT_NANOS[unit];
    if (nanos === undefined) return undefined;
    total += Number(`${integer || "0"}.${fraction || "0"}`) * nanos;
    rest = rest.slice(whole.length);
  }
  return sign * Math.round(total);
}

/**
 * flyteadmin's reading of a `duration` filter value: a plain number means seconds, anything else must
 * be a Go duration. Returns nanoseconds, or undefined when the value is neither.
 */
export function parseFilterDuration(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isFinite(seconds) ? Math.round(seconds * 1e9) : undefined;
  }
  return parseGoDuration(value);
}
