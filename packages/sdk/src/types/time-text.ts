// Text forms of times, shared by datetime, date and duration types: Python's `isoformat()` (what
// mashumaro writes into msgpack STRUCTs) and the command-line forms `aloft run` accepts.

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|m|h|d)/gy;
const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `2024-01-02`, as Python's `date.isoformat()`. */
export function formatIsoDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/**
 * `2024-01-02T03:04:05.123000+00:00`, as Python's `datetime.isoformat()` writes an aware UTC datetime
 * (microseconds only when not zero), so flytekit's mashumaro decoder reads it back.
 */
export function formatPythonIsoDatetime(date: Date): string {
  const time = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  const ms = date.getUTCMilliseconds();
  return `${formatIsoDate(date)}T${time}${ms === 0 ? "" : `.${pad(ms * 1000, 6)}`}+00:00`;
}

/**
 * Parses an ISO 8601 / RFC 3339 date or datetime (`2024-01-02`, `2024-01-02T03:04:05.123456+02:00`).
 * A time without an offset is UTC (Python's naive datetimes are UTC in Flyte). Returns undefined for
 * other text.
 */
export function parseIsoDatetime(text: string): Date | undefined {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const local = new Date(0);
  local.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  local.setUTCHours(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  // Out-of-range fields (month 13, 25:00) wrap around in Date; reject them instead.
  const fieldsKept =
    local.getUTCMonth() === Number(mo) - 1 &&
    local.getUTCDate() === Number(d) &&
    local.getUTCHours() === Number(h ?? 0) &&
    local.getUTCMinutes() === Number(mi ?? 0) &&
    local.getUTCSeconds() === Number(s ?? 0);
  if (!fieldsKept) return undefined;
  return new Date(local.getTime() - offsetMinutes(offset) * 60_000);
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset === "Z" || offset === "z") return 0;
  const sign = offset.startsWith("-") ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}

/**
 * Parses a duration to milliseconds: a plain number of milliseconds (`1500`) or unit parts
 * (`1h30m`, `90s`, `1.5s`, `250ms`, `2d`, `-5m`). Returns undefined for other text.
 */
export function parseDurationText(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith("-")) {
    sign = -1;
    rest = rest.slice(1).trim();
  } else if (rest.startsWith("+")) {
    rest = rest.slice(1).trim();
  }
  if (rest === "") return undefined;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(rest)) return sign * Number(rest);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  let consumed = 0;
  for (let m = DURATION_PART.exec(rest); m !== null; m = DURATION_PART.exec(rest)) {
    total += Number(m[1]) * (MS_PER_UNIT[m[2] ?? ""] ?? Number.NaN);
    consumed = DURATION_PART.lastIndex;
    while (rest[consumed] === " ") consumed++;
    DURATION_PART.lastIndex = consumed;
  }
  if (consumed !== rest.length || Number.isNaN(total)) return undefined;
  return sign * total;
}
