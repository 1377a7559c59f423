import { describe, expect, it } from "vitest";
import { cleanPath, parseGoQuery, unescapePath } from "./go-url.js";

describe("Go URL handling", () => {
  it("decodes paths like r.URL.Path: %XX decoded, + kept, %2F becomes a slash", () => {
    expect(unescapePath("/api/v1/executions/p/d/name%20with%20space")).toBe("/api/v1/executions/p/d/name with space");
    expect(unescapePath("/a+b")).toBe("/a+b");
    expect(unescapePath("/a%2Fb")).toBe("/a/b");
    expect(unescapePath("/caf%C3%A9")).toBe("/café");
    expect(() => unescapePath("/bad%zz")).toThrow('invalid URL escape "%zz"');
    expect(() => unescapePath("/bad%ff")).toThrow('invalid UTF-8 in "/bad%ff"');
  });

  it("parses queries as url.ParseQuery: + is a space, %2B a plus, repeated keys kept in order", () => {
    const { values, error } = parseGoQuery("filters=eq(phase,RUNNING)%2Beq(name,a+b)&limit=1&limit=2&flag&=x");
    expect(error).toBeUndefined();
    expect([...values]).toEqual([
      ["filters", ["eq(phase,RUNNING)+eq(name,a b)"]],
      ["limit", ["1", "2"]],
      ["flag", [""]],
      ["", ["x"]],
    ]);
  });

  it("rejects raw semicolons and bad escapes but keeps the other pairs, as Go does", () => {
    const semicolon = parseGoQuery("filters=value_in(phase,A;B)&limit=3");
    expect(semicolon.error).toBe("invalid semicolon separator in query");
    expect([...semicolon.values]).toEqual([["limit", ["3"]]]);
    const encoded = parseGoQuery("filters=value_in(phase,A%3BB)");
    expect([...encoded.values]).toEqual([["filters", ["value_in(phase,A;B)"]]]);
    expect(parseGoQuery("a=%zz&b=1").error).toBe('invalid URL escape "%zz"');
  });

  it("cleans paths as http.ServeMux does", () => {
    expect(cleanPath("/api//v1/./tasks/../version")).toBe("/api/v1/version");
    expect(cleanPath("/api/v1/projects/")).toBe("/api/v1/projects/");
    expect(cleanPath("/a/b/..")).toBe("/a");
    expect(cleanPath("")).toBe("/");
  });
});
