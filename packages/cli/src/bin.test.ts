import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/aloft.js", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../dist/main.js", import.meta.url)));
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function spawnAloft(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

describe("the aloft bin (needs `npx tsc -b packages/cli` first)", () => {
  it("is built", () => {
    expect(built, "packages/cli/dist/main.js is missing: build the package before running this test").toBe(true);
  });

  it("prints the version and exits 0", async () => {
    expect(await spawnAloft(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("sets the process exit code: 2 with one line for a usage error, 1 for a failure", async () => {
    expect(await spawnAloft(["compile", "--bogus"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "aloft: unknown option '--bogus'\nhint: run 'aloft compile --help' for usage\n",
    });
    expect(await spawnAloft(["compile", "/nonexistent.tgz"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "aloft: no such file or folder: /nonexistent.tgz\n",
    });
  });
});
