import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runAloft } from "./run-aloft.test-helper.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("aloft", () => {
  it("prints its version with --version and -v", async () => {
    for (const flag of ["--version", "-v"]) {
      const run = await runAloft([flag]);
      expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, `${version}\n`, ""]);
    }
  });

  it("prints help listing its commands for a bare `aloft`, --help and `help`", async () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const run = await runAloft(argv);
      expect([run.exitCode, run.stderr]).toEqual([0, ""]);
      expect(run.stdout).toMatch(/^Usage: aloft \[options\] \[command\]/);
      expect(run.stdout).toMatch(/\n {2}compile \[options\] \[package\] +check a package/);
      expect(run.stdout).toContain("Exit codes: 0 success, 1 failure, 2 usage error.");
    }
  });

  it("prints a command's help for `help compile` and `compile --help`", async () => {
    for (const argv of [
      ["help", "compile"],
      ["compile", "--help"],
    ]) {
      const run = await runAloft(argv);
      expect([run.exitCode, run.stderr]).toEqual([0, ""]);
      expect(run.stdout).toMatch(/^Usage: aloft compile \[options\] \[package\]/);
      expect(run.stdout).toContain("-f, --file <path>");
      expect(run.stdout).toContain("aloft compile --file flyte-package.tgz");
    }
  });
});

describe("aloft usage errors print one line, a hint, and exit 2", () => {
  it.for([
    {
      argv: ["compil", "--file", "x.tgz"],
      lines: ["aloft: unknown command 'compil'", "hint: did you mean compile?"],
    },
    { argv: ["frobnicate"], lines: ["aloft: unknown command 'frobnicate'", "hint: run 'aloft --help' for usage"] },
    { argv: ["--frob"], lines: ["aloft: unknown option '--frob'", "hint: run 'aloft --help' for usage"] },
    {
      argv: ["compile", "--fil", "x.tgz"],
      lines: ["aloft: unknown option '--fil'", "hint: did you mean --file?"],
    },
    {
      argv: ["compile"],
      lines: [
        "aloft: missing the package to compile: --file <path>",
        "hint: aloft compile --file flyte-package.tgz (the archive `pyflyte package` writes, or a folder of .pb files)",
      ],
    },
    {
      argv: ["compile", "--file"],
      lines: ["aloft: option '-f, --file <path>' argument missing", "hint: run 'aloft compile --help' for usage"],
    },
    {
      argv: ["compile", "--file", "a.tgz", "b.tgz"],
      lines: [
        "aloft: give the package once, either as --file or as an argument",
        "hint: aloft compile --file flyte-package.tgz",
      ],
    },
    {
      argv: ["compile", "--file", "a.tgz", "--output", "yaml"],
      lines: [
        "aloft: option '-o, --output <format>' argument 'yaml' is invalid. use table or json.",
        "hint: run 'aloft compile --help' for usage",
      ],
    },
    { argv: ["help", "compil"], lines: ["aloft: unknown command 'compil'", "hint: did you mean compile?"] },
    { argv: ["help", "zzz"], lines: ["aloft: unknown command 'zzz'", "hint: run 'aloft --help' to see the commands"] },
  ])("aloft $argv", async ({ argv, lines }) => {
    const run = await runAloft(argv);
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([2, "", lines]);
  });
});

describe("aloft failures", () => {
  it("print one line and exit 1, with no stack trace", async () => {
    const run = await runAloft(["compile", "--file", "/nonexistent/flyte-package.tgz"]);
    expect([run.exitCode, run.stdout, run.stderrLines]).toEqual([
      1,
      "",
      ["aloft: no such file or folder: /nonexistent/flyte-package.tgz"],
    ]);
  });

  it("print the stack as well when ALOFT_DEBUG=1", async () => {
    const run = await runAloft(["compile", "--file", "/nonexistent/flyte-package.tgz"], { env: { ALOFT_DEBUG: "1" } });
    expect(run.exitCode).toBe(1);
    expect(run.stderrLines[0]).toBe("aloft: no such file or folder: /nonexistent/flyte-package.tgz");
    expect(run.stderrLines.slice(1).some((line) => /^\s+at /.test(line))).toBe(true);
  });

  it("resolve relative paths against the given working directory", async () => {
    const run = await runAloft(["compile", "missing.tgz"], { cwd: "/nonexistent" });
    expect(run.stderrLines).toEqual(["aloft: no such file or folder: missing.tgz"]);
  });
});
