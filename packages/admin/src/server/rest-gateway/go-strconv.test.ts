import { describe, expect, it } from "vitest";
import { parseGoBool, parseGoBytes, parseGoFloat, parseGoInt, parseGoTimestamp, parseGoUint } from "./go-strconv.js";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("Go strconv emulation", () => {
  it("parses integers with Go's syntax and range rules", () => {
    expect(parseGoInt("-2147483648", 32)).toBe(-2147483648n);
    expect(parseGoInt("+7", 64)).toBe(7n);
    expect(parseGoInt("9223372036854775807", 64)).toBe(9223372036854775807n);
    expect(parseGoUint("4294967295", 32)).toBe(4294967295n);
    expect(message(() => parseGoInt("2147483648", 32))).toBe(
      'strconv.ParseInt: parsing "2147483648": value out of range',
    );
    expect(message(() => parseGoInt("1_000", 64))).toBe('strconv.ParseInt: parsing "1_000": invalid syntax');
    expect(message(() => parseGoUint("-1", 32))).toBe('strconv.ParseUint: parsing "-1": invalid syntax');
    expect(message(() => parseGoUint("", 32))).toBe('strconv.ParseUint: parsing "": invalid syntax');
    expect(message(() => parseGoUint("4294967296", 32))).toBe(
      'strconv.ParseUint: parsing "4294967296": value out of range',
    );
  });

  it("parses floats including Go's special and hexadecimal forms", () => {
    expect(parseGoFloat("1.5e3", 64)).toBe(1500);
    expect(parseGoFloat("-.25", 64)).toBe(-0.25);
    expect(parseGoFloat("+Inf", 64)).toBe(Infinity);
    expect(parseGoFloat("-infinity", 64)).toBe(-Infinity);
    expect(Number.isNaN(parseGoFloat("NaN", 64))).toBe(true);
    expect(parseGoFloat("0x1p-2", 64)).toBe(0.25);
    expect(parseGoFloat("0x1.8p1", 64)).toBe(3);
    expect(parseGoFloat("0.1", 32)).toBe(Math.fround(0.1));
    expect(message(() => parseGoFloat("1e400", 64))).toBe('strconv.ParseFloat: parsing "1e400": value out of range');
    expect(message(() => parseGoFloat("1e39", 32))).toBe('strconv.ParseFloat: parsing "1e39": value out of range');
    expect(message(() => parseGoFloat("abc", 64))).toBe('strconv.ParseFloat: parsing "abc": invalid syntax');
  });

  it("parses booleans as strconv.ParseBool", () => {
    for (const t of ["1", "t", "T", "TRUE", "true", "True"]) expect(parseGoBool(t)).toBe(true);
    for (const f of ["0", "f", "F", "FALSE", "false", "False"]) expect(parseGoBool(f)).toBe(false);
    expect(message(() => parseGoBool("yes"))).toBe('strconv.ParseBool: parsing "yes": invalid syntax');
  });

  it("parses bytes as standard, then URL-safe base64", () => {
    expect(Buffer.from(parseGoBytes("aGk/Pz8=")).toString()).toBe("hi???");
    expect(Buffer.from(parseGoBytes("aGk_Pz8=")).toString()).toBe("hi???");
    expect(message(() => parseGoBytes("a$=="))).toBe("illegal base64 data at input byte 1");
  });

  it("parses RFC 3339 timestamps with offsets and fractions", () => {
    expect(parseGoTimestamp("2024-02-29T12:00:00Z")).toEqual({ seconds: 1709208000n, nanos: 0 });
    expect(parseGoTimestamp("2024-02-29T14:00:00.5+02:00")).toEqual({ seconds: 1709208000n, nanos: 500_000_000 });
    expect(parseGoTimestamp("0001-01-01T00:00:00Z")).toEqual({ seconds: -62135596800n, nanos: 0 });
    expect(message(() => parseGoTimestamp("2023-02-29T00:00:00Z"))).toBe(
      'parsing time "2023-02-29T00:00:00Z" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse',
    );
  });
});
