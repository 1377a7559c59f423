import { Code } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { nextPageToken, parsePageToken, validateLimit } from "./pagination.js";

describe("pagination", () => {
  it("reads decimal offset tokens", () => {
    expect(parsePageToken("")).toBe(0);
    expect(parsePageToken("20")).toBe(20);
    expect(parsePageToken("+3")).toBe(3);
    expect(parsePageToken("-0")).toBe(0);
  });

  it("rejects anything else with flyteadmin's message", () => {
    for (const token of ["abc", "-1", "1.5", " 2", "99999999999999999999", "2;drop"]) {
      expect(() => parsePageToken(token, "ListExecutions"), token).toThrow(
        expect.objectContaining({
          code: Code.InvalidArgument,
          rawMessage: `invalid pagination token ${token} for ListExecutions`,
        }),
      );
    }
    expect(() => parsePageToken("x")).toThrow(expect.objectContaining({ rawMessage: "invalid pagination token x" }));
  });

  it("requires a positive limit", () => {
    expect(() => validateLimit(0)).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument, rawMessage: "invalid value for limit" }),
    );
    expect(() => validateLimit(25)).not.toThrow();
  });

  it("returns a next token only for a full page", () => {
    expect(nextPageToken({ offset: 0, limit: 2, returned: 2 })).toBe("2");
    expect(nextPageToken({ offset: 2, limit: 2, returned: 1 })).toBe("");
    expect(nextPageToken({ offset: 4, limit: 2, returned: 0 })).toBe("");
  });
});
