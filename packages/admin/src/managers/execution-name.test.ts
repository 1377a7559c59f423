import { describe, expect, it } from "vitest";
import { EXECUTION_NAME_LENGTH, generateExecutionName } from "./execution-name.js";

describe("generateExecutionName", () => {
  it("makes `a` followed by 19 characters of the Kubernetes random alphabet", () => {
    const names = new Set(Array.from({ length: 200 }, generateExecutionName));
    expect(names.size).toBe(200);
    for (const name of names) {
      expect(name).toHaveLength(EXECUTION_NAME_LENGTH);
      expect(name).toMatch(/^a[bcdfghjklmnpqrstvwxz2456789]{19}$/);
    }
  });
});
