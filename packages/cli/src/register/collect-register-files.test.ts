import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { makeTempDir } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tgzBytes } from "../package/package-builder.test-helper.js";
import { collectRegisterFiles } from "./collect-register-files.js";
import { expandGlob } from "./expand-glob.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-cli-collect-"));
});
afterEach(async () => {
  await cleanup();
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

const names = (files: { name: string }[]) => files.map((f) => f.name);

describe("collectRegisterFiles", () => {
  it("takes files, folders and patterns, sorts them by bytes, and splits protobufs, code archive and the rest", async () => {
    await write({
      "out/2_b_2.pb": "b",
      "out/10_a_1.pb": "a",
      "out/fastabc.tar.gz": "code",
      "out/._10_a_1.pb": "mac metadata",
      "out/notes.txt": "x",
      "more/3_c_3.pb": "c",
      "more/4_d_3.pb": "d",
    });
    const inputs = await collectRegisterFiles({ args: ["out", "more/*_3.pb"], archive: false, cwd: dir });
    expect(names(inputs.protobufs)).toEqual(["more/3_c_3.pb", "more/4_d_3.pb", "out/10_a_1.pb", "out/2_b_2.pb"]);
    expect(Buffer.from(inputs.protobufs[2]!.bytes).toString()).toBe("a");
    expect([inputs.codeArchive?.name, Buffer.from(inputs.codeArchive!.bytes).toString()]).toEqual([
      "out/fastabc.tar.gz",
      "code",
    ]);
    expect(inputs.invalid).toEqual(["out/notes.txt"]);
  });

  it("reads archives with --archive, local and over http, keeping the code archive's bytes", async () => {
    const archive = tgzBytes([
      { path: "pkg/", type: "dir" },
      { path: "pkg/1_wf_2.pb", data: "w" },
      { path: "pkg/0_t_1.pb", data: "t" },
      { path: "pkg/fast123.tar.gz", data: "bundle" },
      { path: "pkg/link_1.pb", type: "symlink", linkTarget: "0_t_1.pb" },
    ]);
    await writeFile(join(dir, "pkg.tgz"), archive);
    const local = await collectRegisterFiles({ args: ["pkg.tgz"], archive: true, cwd: dir });
    expect(names(local.protobufs)).toEqual(["pkg/0_t_1.pb", "pkg/1_wf_2.pb"]);
    expect(Buffer.from(local.codeArchive!.bytes).toString()).toBe("bundle");

    const server: Server = createServer((request, response) => {
      if (request.url === "/dl/pkg.tgz?sig=1") response.end(archive);
      else response.writeHead(404).end("missing");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const remote = await collectRegisterFiles({ args: [`${base}/dl/pkg.tgz?sig=1`], archive: true, cwd: dir });
      expect(names(remote.protobufs)).toEqual(["pkg/0_t_1.pb", "pkg/1_wf_2.pb"]);
      await expect(collectRegisterFiles({ args: [`${base}/dl/gone.tgz`], archive: true, cwd: dir })).rejects.toThrow(
        `cannot download ${base}/dl/gone.tgz: HTTP 404 Not Found`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([
    [{ args: ["missing_1.pb"], archive: false }, "no such file: missing_1.pb"],
    [{ args: ["nothing/*.pb"], archive: false }, "no files match nothing/*.pb"],
    [{ args: ["pkg.tgz"], archive: false }, "pkg.tgz is an archive: pass --archive to register the files in it"],
    [
      { args: ["pkg.zip"], archive: true },
      "pkg.zip: only .tar, .tar.gz and .tgz archives can be registered with --archive",
    ],
    [{ args: ["absent.tgz"], archive: true }, "no such file: absent.tgz"],
  ])("refuses %j", async (options, message) => {
    await writeFile(join(dir, "pkg.tgz"), tgzBytes([{ path: "0_t_1.pb", data: "t" }]));
    await writeFile(join(dir, "pkg.zip"), "zip");
    await expect(collectRegisterFiles({ ...options, cwd: dir })).rejects.toMatchObject({ message, exitCode: 2 });
  });

  it("refuses two different code archives", async () => {
    await write({ "a/fast1.tar.gz": "one", "b/fast2.tar.gz": "two", "a/0_t_1.pb": "t" });
    await expect(collectRegisterFiles({ args: ["a", "b"], archive: false, cwd: dir })).rejects.toThrow(
      "two code archives given: a/fast1.tar.gz and b/fast2.tar.gz",
    );
  });
});

describe("expandGlob", () => {
  it("matches *, ? and classes per path segment, like Go's filepath.Glob", async () => {
    await write({ "x/a1/f_1.pb": "", "x/a2/f_2.pb": "", "x/b1/f_1.pb": "", "x/.hidden_1.pb": "", "x/c[1].pb": "" });
    expect(await expandGlob("x/a?/*.pb", dir)).toEqual(["x/a1/f_1.pb", "x/a2/f_2.pb"]);
    expect(await expandGlob("x/[!a]*/f_[0-9].pb", dir)).toEqual(["x/b1/f_1.pb"]);
    expect(await expandGlob("x/*_1.pb", dir)).toEqual(["x/.hidden_1.pb"]);
    expect(await expandGlob("x/c\\[1].pb", dir)).toEqual(["x/c[1].pb"]);
    expect(await expandGlob(`${dir}/x/*/f_1.pb`, "/")).toEqual([`${dir}/x/a1/f_1.pb`, `${dir}/x/b1/f_1.pb`]);
    expect(await expandGlob("x/zz*/f_1.pb", dir)).toEqual([]);
  });
});
