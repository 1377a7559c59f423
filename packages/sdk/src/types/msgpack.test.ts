import { describe, expect, it } from "vitest";
import { decodeMsgpack, encodeMsgpack, Float64 } from "./msgpack.js";
import { hex } from "./types.test-helper.js";

// Expected bytes are what Python's msgpack.packb(value) (msgpack-python 1.x, use_bin_type=True) writes,
// derived from the msgpack spec's smallest-format rules that packer follows.
describe("msgpack encoding", () => {
  it("writes ints in the smallest format, as msgpack-python does", () => {
    const cases: [number | bigint, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "cc80"],
      [255, "ccff"],
      [256, "cd0100"],
      [70_000, "ce00011170"],
      [2 ** 40, "cf0000010000000000"],
      [-1, "ff"],
      [-32, "e0"],
      [-33, "d0df"],
      [-129, "d1ff7f"],
      [-40_000, "d2ffff63c0"],
      [-(2 ** 40), "d3ffffff0000000000"],
      [2n ** 64n - 1n, "cfffffffffffffffff"],
      [-(2n ** 63n), "d38000000000000000"],
    ];
    for (const [value, bytes] of cases) expect(hex(encodeMsgpack(value))).toBe(bytes);
  });

  it("writes floats as float64, whole ones too, when marked", () => {
    expect(hex(encodeMsgpack(new Float64(1)))).toBe("cb3ff0000000000000");
    expect(hex(encodeMsgpack(1.5))).toBe("cb3ff8000000000000");
    expect(hex(encodeMsgpack(1))).toBe("01");
  });

  it("writes strings, bytes, arrays and maps with msgpack-python's headers", () => {
    expect(hex(encodeMsgpack("a".repeat(31))).slice(0, 2)).toBe("bf");
    expect(hex(encodeMsgpack("a".repeat(40))).slice(0, 4)).toBe("d928");
    expect(hex(encodeMsgpack("a".repeat(300))).slice(0, 6)).toBe("da012c");
    expect(hex(encodeMsgpack(Uint8Array.of(1, 2)))).toBe("c4020102");
    expect(hex(encodeMsgpack(Array.from({ length: 16 }, () => null))).slice(0, 6)).toBe("dc0010");
    expect(hex(encodeMsgpack(new Map([["k", true]])))).toBe("81a16bc3");
    expect(hex(encodeMsgpack({ a: null, b: false }))).toBe("82a161c0a162c2");
  });

  it("reads back what it writes, big ints as bigint", () => {
    const value = { n: 2n ** 62n, s: "é", xs: [1, -2, 0.25], m: { x: null } };
    expect(decodeMsgpack(encodeMsgpack(value), "v")).toEqual(value);
    expect(() => decodeMsgpack(Uint8Array.of(0xc1), "inputs.x")).toThrow("inputs.x: the value is not valid msgpack");
  });
});
