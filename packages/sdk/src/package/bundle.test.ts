import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { t as listTar } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { bundleModules } from "./bundle.js";
import { codeArchiveName, createCodeArchive, extractCodeArchive } from "./code-archive.js";
import { contentDigest } from "./content-digest.js";
import { createFixtureProject, type FixtureProject } from "./fixture-project.test-helper.js";

let project: FixtureProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const FILES = {
  "flows/a.ts": `import { t, task } from "@aloft/sdk";
import pad from "left-pad";
import { shout } from "./shared.js";
export const a = task({ inputs: { s: t.string() }, output: t.string() }, async ({ s }) => shout(pad(s, 5)));
`,
  "flows/b.ts": `import { shout } from "./shared.js";
export const b = shout("b");
`,
  "flows/shared.ts": `export function shout(s: string): string {\n  return s.toUpperCase();\n}\n`,
  // A CommonJS dependency that requires a Node module: bundled, with require available.
  "node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", main: "index.js" }),
  "node_modules/left-pad/index.js": `const { sep } = require("node:path");\nmodule.exports = (s, n) => (sep === "/" ? s.padStart(n, "*") : s);\n`,
};

const modules = (root: string) => [
  { module: "flows/a", file: join(root, "flows/a.ts"), located: ["a"] },
  { module: "flows/b", file: join(root, "flows/b.ts"), located: [] },
];

interface TarEntry {
  path: string;
  mtime: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  mode: number | undefined;
  type: string;
}

async function listArchive(file: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  await listTar({
    file,
    onReadEntry: (e) =>
      entries.push({
        path: e.path,
        mtime: e.mtime?.getTime(),
        uid: e.uid,
        gid: e.gid,
        mode: e.mode,
        type: e.type,
      }),
  });
  return entries;
}

describe("bundleModules", () => {
  it("writes one ESM entry per module, shared code in a chunk, the SDK external and other dependencies inside", async () => {
    project = await createFixtureProject(FILES);
    const bundle = await bundleModules({
      root: project.root,
      modules: modules(project.root),
      outDir: join(project.root, "out"),
    });
    expect(bundle.files).toEqual([
      expect.stringMatching(/^_aloft_chunks\/chunk-[A-Z0-9]+\.mjs$/),
      expect.stringMatching(/^_aloft_chunks\/chunk-[A-Z0-9]+\.mjs\.map$/),
      "aloft-bundle.json",
      "flows/a.mjs",
      "flows/a.mjs.map",
      "flows/b.mjs",
      "flows/b.mjs.map",
    ]);
    const a = await readFile(join(bundle.dir, "flows/a.mjs"), "utf8");
    expect(a).toContain('from "@aloft/sdk"');
    expect(a).not.toContain('left-pad"');
    expect(a).toContain("padStart");
    const map = JSON.parse(await readFile(join(bundle.dir, "flows/a.mjs.map"), "utf8")) as { sources: string[] };
    expect(map.sources).toContain("a.ts");
    expect(bundle.manifest).toEqual({
      format: 1,
      sdkVersion: "0.1.0",
      modules: [
        { module: "flows/a", located: ["a"] },
        { module: "flows/b", located: [] },
      ],
    });
    expect(JSON.parse(await readFile(join(bundle.dir, "aloft-bundle.json"), "utf8"))).toEqual(bundle.manifest);
  });

  it("gives the same files, digest and archive bytes for the same sources, wherever it is built", async () => {
    project = await createFixtureProject(FILES);
    const one = await bundleModules({
      root: project.root,
      modules: modules(project.root),
      outDir: join(project.root, "x/one"),
    });
    const two = await bundleModules({
      root: project.root,
      modules: modules(project.root),
      outDir: join(project.root, "y/two"),
    });
    expect(two.digest).toBe(one.digest);
    expect(one.digest).toMatch(/^[0-9a-f]{32}$/);
    const archiveOne = await createCodeArchive({ ...one, outDir: join(project.root, "x") });
    const archiveTwo = await createCodeArchive({ ...two, outDir: join(project.root, "y") });
    expect(archiveOne.endsWith(codeArchiveName(one.digest))).toBe(true);
    expect(await readFile(archiveTwo)).toEqual(await readFile(archiveOne));

    await project.write({ "flows/shared.ts": `export function shout(s: string): string {\n  return s + "!";\n}\n` });
    const changed = await bundleModules({
      root: project.root,
      modules: modules(project.root),
      outDir: join(project.root, "z"),
    });
    expect(changed.digest).not.toBe(one.digest);
  });

  it("archives files only, sorted, with mtime 0, no owner and mode 0644, and unpacks them again", async () => {
    project = await createFixtureProject(FILES);
    const bundle = await bundleModules({
      root: project.root,
      modules: modules(project.root),
      outDir: join(project.root, "out"),
    });
    const archive = await createCodeArchive({ ...bundle, outDir: project.root });
    const entries = await listArchive(archive);
    expect(entries.map((e) => e.path)).toEqual(bundle.files);
    expect(new Set(entries.map((e) => JSON.stringify([e.type, e.mtime, e.uid ?? 0, e.gid ?? 0, e.mode])))).toEqual(
      new Set([JSON.stringify(["File", 0, 0, 0, 0o644])]),
    );
    const dest = join(project.root, "dest");
    await extractCodeArchive({ archive, destDir: dest });
    for (const file of bundle.files) {
      expect(await readFile(join(dest, file))).toEqual(await readFile(join(bundle.dir, file)));
    }
  });

  it("reports what esbuild cannot bundle", async () => {
    project = await createFixtureProject({
      "flows/a.ts": `import { nope } from "./missing.js";\nexport const a = nope;\n`,
    });
    const failure = await bundleModules({
      root: project.root,
      modules: [{ module: "flows/a", file: join(project.root, "flows/a.ts"), located: [] }],
      outDir: join(project.root, "out"),
    }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: Code.InvalidArgument });
    expect((failure as { rawMessage: string }).rawMessage).toBe(
      'bundling failed: flows/a.ts:1:22: Could not resolve "./missing.js"',
    );
  });
});

describe("contentDigest", () => {
  it("hashes each file's bytes then its path without separators, in path order, as pyflyte's compute_digest", () => {
    const bytes = (s: string) => Buffer.from(s, "utf8");
    // md5("AAAa.txtBBBdirb.txt"), the same bytes pyflyte feeds its hasher for these two files.
    expect(
      contentDigest([
        { path: "dir/b.txt", bytes: bytes("BBB") },
        { path: "a.txt", bytes: bytes("AAA") },
      ]),
    ).toBe("0f3e24866567b62bbf8fef4773d0935b");
  });
});
