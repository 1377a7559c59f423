/**
 * Go's `strconv` parsers and the few other Go conversions grpc-gateway applies to path and query values, with
 * Go's error messages, so REST clients see what flyteadmin would tell them (e.g.
 * `strconv.ParseUint: parsing "ten": invalid syntax`).
 */

/** A conversion failure, carrying Go's message. */
export class GoParseError extends Error {
  override readonly name = "GoParseError";
}

const syntax = (fn: string, text: string): GoParseError =>
  new GoParseError(`strconv.${fn}: parsing ${JSON.stringify(text)}: invalid syntax`);
const range = (fn: string, text: string): GoParseError =>
  new GoParseError(`strconv.${fn}: parsing ${JSON.stringify(text)}: value out of range`);

/** `strconv.ParseInt(text, 10, bits)`: optional sign, decimal digits only. */
export function parseGoInt(text: string, bits: 32 | 64): bigint {
  if (!/^[+-]?[0-9]+$/.test(text)) throw syntax("ParseInt", text);
  const value = BigInt(text);
  const limit = 1n << BigInt(bits - 1);
  if (value < -limit || value >= limit) throw range("ParseInt", text);
  return value;
}

/** `strconv.ParseUint(text, 10, bits)`: decimal digits only, no sign. */
export function parseGoUint(text: string, bits: 32 | 64): bigint {
  if (!/^[0-9]+$/.test(text)) throw syntax("ParseUint", text);
  const value = BigInt(text);
  if (value >= 1n << BigInt(bits)) throw range("ParseUint", text);
  return value;
}

/**
 * `strconv.ParseFloat(text, bits)`: decimal (`1`, `-.5`, `1e3`), hexadecimal (`0x1p-2`), `inf`/`infinity` and
 * `nan` in any case; underscores only between digits after a base prefix. Finite values too large for the size
 * are out of range.
 */
export function parseGoFloat(text: string, bits: 32 | 64): number {
  let value: number;
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    const word = special[2]!.toLowerCase();
    if (word === "nan") {
      if (special[1] !== "") throw syntax("ParseFloat", text);
      return Number.NaN;
    }
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
    value = Number(text);
  } else {
    const hex = /^([+-]?)0[xX]((?:_?[0-9a-fA-F])*)(?:\.((?:[0-9a-fA-F]_?)*))?[pP]([+-]?[0-9]+)$/.exec(text);
    if (!hex || (hex[2] === "" && (hex[3] ?? "") === "")) throw syntax("ParseFloat", text);
    const mantissa = (hex[2] ?? "").replace(/_/g, "");
    const fraction = (hex[3] ?? "").replace(/_/g, "");
    const digits = mantissa + fraction;
    const exponent = Number(hex[4]) - 4 * fraction.length;
    value = (digits === "" ? 0 : Number(BigInt(`0x${digits}`))) * 2 ** exponent;
    if (hex[1] === "-") value = -value;
  }
  if (bits === 32) {
    const narrowed = Math.fround(value);
    if (!Number.isFinite(narrowed) && Number.isFinite(value)) throw range("ParseFloat", text);
    return narrowed;
  }
  if (!Number.isFinite(value)) throw range("ParseFloat", text);
  return value;
}

/** `strconv.ParseBool`: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False. */
export function parseGoBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw syntax("ParseBool", text);
}

/** grpc-gateway's `runtime.Bytes`: standard base64, else URL-safe base64, padding required. */
export function parseGoBytes(text: string): Uint8Array {
  for (const alphabet of [/^[A-Za-z0-9+/]*={0,2}$/, /^[A-Za-z0-9_-]*={0,2}$/]) {
    if (alphabet.test(text) && text.length % 4 === 0) {
      return new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
    }
  }
  const bad = [...text].findIndex((c, i) => !/[A-Za-z0-9+/=_-]/.test(c) || (c === "=" && i < text.length - 2));
  return failBase64(bad >= 0 ? bad : text.length - (text.length % 4));
}

function failBase64(offset: number): never {
  throw new GoParseError(`illegal base64 data at input byte ${offset}`);
}

const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * `time.Parse(time.RFC3339Nano, text)` as seconds and nanos since the epoch; the result must not be before year 1
 * (protobuf's Timestamp range), as grpc-gateway checks.
 */
export function parseGoTimestamp(text: string): { seconds: bigint; nanos: number } {
  const m = RFC3339.exec(text);
  const fail = (): never => {
    throw new GoParseError(
      `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05.999999999Z07:00": cannot parse`,
    );
  };
  if (!m) return fail();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return fail();
  }
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return fail();
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly.
  const date = new Date(utcMs);
  date.setUTCFullYear(year);
  const seconds = BigInt(Math.floor(date.getTime() / 1000)) - BigInt(offsetMinutes * 60);
  const nanos = Number((m[7] ?? "").padEnd(9, "0"));
  if (seconds < -62135596800n) {
    throw new GoParseError(`${text} before 0001-01-01`);
  }
  return { seconds, nanos };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
