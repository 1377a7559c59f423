import { describe, expect, it } from "vitest";
import { parseGoDuration } from "../index.js";

describe("parseGoDuration", () => {
  it.each([
    ["0", 0n],
    ["1h", 3_600_000_000_000n],
    ["1h30m", 5_400_000_000_000n],
    ["-1.5h", -5_400_000_000_000n],
    ["+300ms", 300_000_000n],
    [".5s", 500_000_000n],
    ["1.s", 1_000_000_000n],
    ["2µs", 2_000n],
    ["2μs", 2_000n],
    ["3us", 3_000n],
    ["4ns", 4n],
    ["9223372036854775807ns", 9_223_372_036_854_775_807n],
    ["-9223372036854775808ns", -9_223_372_036_854_775_808n],
  ])("reads %s as Go does", (text, nanos) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, nanos });
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["1", 'time: missing unit in duration "1"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    [".s", 'time: invalid duration ".s"'],
    ["-", 'time: invalid duration "-"'],
    ["s", 'time: invalid duration "s"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
    ["3000000h", 'time: invalid duration "3000000h"'],
  ])("rejects %j with Go's message", (text, error) => {
    expect(parseGoDuration(text)).toEqual({ ok: false, error });
  });
});
