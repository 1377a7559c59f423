import { AloftError } from "@aloft/idl";
import { describe, expect, it } from "vitest";
import { CliError, errorToLines } from "./cli-error.js";

describe("errorToLines", () => {
  it("prints an AloftError's own message, without the code prefix, and exits 1", () => {
    expect(errorToLines(AloftError.notFound("no such file or folder: x.tgz"), { debug: false })).toEqual({
      lines: ["aloft: no such file or folder: x.tgz"],
      exitCode: 1,
    });
  });

  it("prints a CliError's hint on a second line and keeps its exit code", () => {
    expect(
      errorToLines(CliError.usage("unknown option '--x'", { hint: "did you mean --file?" }), { debug: false }),
    ).toEqual({
      lines: ["aloft: unknown option '--x'", "hint: did you mean --file?"],
      exitCode: 2,
    });
  });

  it("keeps only the first line of a multi-line message, and copes with things that are not errors", () => {
    expect(errorToLines(new Error("first line\n    at somewhere\nmore"), { debug: false }).lines).toEqual([
      "aloft: first line",
    ]);
    expect(errorToLines("a thrown string", { debug: false }).lines).toEqual(["aloft: a thrown string"]);
    expect(errorToLines(new Error(""), { debug: false }).lines).toEqual(["aloft: Error"]);
  });

  it("adds the stack and the cause chain in debug mode", () => {
    const error = CliError.failure("could not load", { cause: new Error("root cause") });
    const { lines } = errorToLines(error, { debug: true });
    expect(lines[0]).toBe("aloft: could not load");
    expect(lines).toContain("caused by:");
    expect(lines.some((line) => line.includes("Error: root cause"))).toBe(true);
  });
});
