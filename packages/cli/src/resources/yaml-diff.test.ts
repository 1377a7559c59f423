import { describe, expect, it } from "vitest";
import { diffAsYaml } from "./yaml-diff.js";

describe("diffAsYaml", () => {
  it("is empty when nothing changes, whatever the key order", () => {
    expect(diffAsYaml({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe("");
  });

  it("prints a unified diff of the sorted YAML", () => {
    expect(diffAsYaml({ state: "INACTIVE" }, { state: "ACTIVE" })).toBe(
      "--- before\n+++ after\n@@ -1 +1 @@\n-state: INACTIVE\n+state: ACTIVE\n",
    );
  });

  it("keeps three lines of context and splits distant changes into hunks", () => {
    const before = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${String(i).padStart(2, "0")}`, i]));
    const after = { ...before, k00: "x", k11: "y" };
    expect(diffAsYaml(before, after)).toBe(
      [
        "--- before",
        "+++ after",
        "@@ -1,4 +1,4 @@",
        "-k00: 0",
        "+k00: x",
        " k01: 1",
        " k02: 2",
        " k03: 3",
        "@@ -9,4 +9,4 @@",
        " k08: 8",
        " k09: 9",
        " k10: 10",
        "-k11: 11",
        "+k11: y",
        "",
      ].join("\n"),
    );
  });

  it("shows a value appearing from nothing, and disappearing", () => {
    expect(diffAsYaml(null, { value: "foo" })).toBe("--- before\n+++ after\n@@ -0,0 +1 @@\n+value: foo\n");
    expect(diffAsYaml({ value: "foo" }, {})).toBe("--- before\n+++ after\n@@ -1 +0,0 @@\n-value: foo\n");
  });
});
