import { readFileSync } from "node:fs";
import { Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { commonJsonHash, objectHash } from "../index.js";

/** objecthash's own test vectors (`common_json.test` of github.com/benlaurie/objecthash at d1e3d6079fc1). */
function readVectors(): { json: string; hash: string }[] {
  const text = readFileSync(new URL("./testdata/objecthash-common-json.txt", import.meta.url), "utf8");
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  const vectors: { json: string; hash: string }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) vectors.push({ json: lines[i] ?? "", hash: lines[i + 1] ?? "" });
  return vectors;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("commonJsonHash", () => {
  const vectors = readVectors();

  it("reads every published vector", () => {
    expect(vectors).toHaveLength(24);
  });

  it.each(vectors)("hashes $json to its published value", ({ json, hash }) => {
    expect(hex(commonJsonHash(json))).toBe(hash);
  });

  it("rejects text that is not JSON", () => {
    expect(() => commonJsonHash("{nope")).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });
});

describe("objectHash", () => {
  it("treats integers as floats and negative zero as zero", () => {
    expect(hex(objectHash(2))).toBe(hex(objectHash(2.0)));
    expect(hex(objectHash(-0))).toBe(hex(commonJsonHash("0.0")));
  });

  it("hashes a dictionary independently of key order", () => {
    expect(hex(objectHash({ b: [1, "x"], a: null }))).toBe(hex(objectHash({ a: null, b: [1, "x"] })));
  });

  it("tells a string from the number it spells", () => {
    expect(hex(objectHash("1"))).not.toBe(hex(objectHash(1)));
  });
});
