import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProgramLookup } from "./program-lookup.js";

describe("ProgramLookup", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aloft-program-lookup-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds programs on the task's PATH, and by path relative to the working directory", () => {
    writeFileSync(join(dir, "tool"), "#!/bin/sh\n");
    chmodSync(join(dir, "tool"), 0o755);
    const lookup = new ProgramLookup();
    expect(lookup.check("tool", { PATH: `/nonexistent:${dir}` }, "/")).toBeUndefined();
    expect(lookup.check("./tool", {}, dir)).toBeUndefined();
    expect(lookup.check(join(dir, "tool"), {}, "/")).toBeUndefined();
    expect(lookup.check("sh", { PATH: "/usr/bin:/bin" }, "/")).toBeUndefined();
  });

  it("tells a program that is nowhere from one that is not executable", () => {
    writeFileSync(join(dir, "plain"), "not a program");
    const lookup = new ProgramLookup();
    expect(lookup.check("pyflyte-fast-execute", { PATH: dir }, "/")).toEqual({
      errno: "ENOENT",
      message: "spawn pyflyte-fast-execute ENOENT",
    });
    expect(lookup.check("plain", { PATH: dir }, "/")?.errno).toBe("EACCES");
    expect(lookup.check(join(dir, "absent"), {}, "/")?.errno).toBe("ENOENT");
  });
});
