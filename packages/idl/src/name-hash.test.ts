import { describe, expect, it } from "vitest";
import {
  fixedLengthUniqueId,
  fixedLengthUniqueIdForParts,
  fnv32a,
  fnv64a,
  rawOutputShard,
  RAW_OUTPUT_SHARDS,
  tryFixedLengthUniqueId,
  tryFixedLengthUniqueIdForParts,
} from "./index.js";

// Expected values are Flyte's own (flyteplugins/go/tasks/pluginmachinery/encoding/encoder_test.go).
describe("fixedLengthUniqueId", () => {
  it("keeps an id that fits", () => {
    expect(fixedLengthUniqueId("x", 5)).toBe("x");
    expect(fixedLengthUniqueId("xxxxx", 10)).toBe("xxxxx");
  });

  it("hashes a long id to Flyte's 8-character form", () => {
    expect(fixedLengthUniqueId("xxxxxxxxxxxxxxxxxxxxxxxx", 20)).toBe("fuaa3aji");
  });

  it("measures length in UTF-8 bytes, as Go does", () => {
    expect(fixedLengthUniqueId("ééé", 8)).toBe("ééé");
    expect(fixedLengthUniqueId("ééééé", 8)).toMatch(/^f[a-z1-6]{7}$/);
  });

  it("reports a limit too small for the hashed form, as Flyte does", () => {
    expect(tryFixedLengthUniqueId("xx", 1)).toEqual({ id: "flfryc2i", tooLong: true });
    expect(tryFixedLengthUniqueId("xxxxxx", 5)).toEqual({ id: "fufiti6i", tooLong: true });
    expect(() => fixedLengthUniqueId("xx", 1)).toThrow(/max length 1 is too small/);
  });
});

describe("fixedLengthUniqueIdForParts", () => {
  it("joins parts with dashes when they fit", () => {
    expect(fixedLengthUniqueIdForParts(10, ["x", "y", "z"])).toBe("x-y-z");
    expect(fixedLengthUniqueIdForParts(2, ["x"])).toBe("x");
  });

  it("writes no separator after leading empty parts", () => {
    expect(fixedLengthUniqueIdForParts(20, ["", "", "n0"])).toBe("n0");
  });

  it("matches Flyte's hashes for 32, 64 and 128 bits", () => {
    const parts = ["x", "y", "z", "m", "n", "y", "z", "m", "n", "y", "z", "m", "n"];
    expect(fixedLengthUniqueIdForParts(15, parts)).toBe("fe63sz6y");
    expect(fixedLengthUniqueIdForParts(15, parts, { algorithm: "fnv64a" })).toBe("fwp4bky2kucex5");
    const longer = [...parts, "z", "m", "n", "y", "z", "m", "n"];
    expect(fixedLengthUniqueIdForParts(30, longer, { algorithm: "fnv128a" })).toBe("fbmesl15enghpjepzjm5cp1zfqe");
    expect(tryFixedLengthUniqueIdForParts(1, ["x", "y"])).toEqual({ id: "fz2jizji", tooLong: true });
    expect(tryFixedLengthUniqueIdForParts(4, ["x", "y", "z"])).toEqual({ id: "fxzsoqrq", tooLong: true });
  });
});

describe("fnv hashes", () => {
  it("match the reference FNV-1a values", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv64a("a")).toBe(0xaf63dc4c8601ec8cn);
  });
});

describe("rawOutputShard", () => {
  it("has 1296 shards ordered letters then digits", () => {
    expect(RAW_OUTPUT_SHARDS).toHaveLength(1296);
    expect(RAW_OUTPUT_SHARDS[0]).toBe("aa");
    expect(RAW_OUTPUT_SHARDS[35]).toBe("a9");
    expect(RAW_OUTPUT_SHARDS[36]).toBe("ba");
    expect(RAW_OUTPUT_SHARDS[1295]).toBe("99");
  });

  it("picks the shard by fnv32a modulo 1296", () => {
    expect(rawOutputShard("a")).toBe(RAW_OUTPUT_SHARDS[0xe40c292c % 1296]);
  });
});
