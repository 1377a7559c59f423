import { afterEach, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { loadModules } from "./load-modules.js";
import {
  createFixtureProject,
  HELLO_MODULE,
  loadInChildProcess,
  type FixtureProject,
} from "./fixture-project.test-helper.js";

let project: FixtureProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function rejection(p: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: unknown }).code, message: (e as { rawMessage?: string }).rawMessage ?? String(e) };
  }
  throw new Error("expected a rejection");
}

const SQUARE = `import { t, task } from "@aloft/sdk";
export const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
`;

describe("loadModules", () => {
  it("names exported entities after their module path and export name", async () => {
    project = await createFixtureProject({ "examples/hello.ts": HELLO_MODULE });
    const loaded = await loadModules({ files: ["examples"], cwd: project.root });
    expect(loaded.root).toBe(project.root);
    expect(loaded.modules.map((m) => [m.module, m.located])).toEqual([
      ["examples/hello", ["helloWorld", "sayHello", "square"]],
    ]);
    expect(loaded.entities.map((e) => [e.kind, e.name, e.location?.module])).toEqual([
      ["workflow", "examples.hello.helloWorld", "examples/hello"],
      ["task", "examples.hello.sayHello", "examples/hello"],
      ["task", "examples.hello.square", "examples/hello"],
      // Named but not exported, reached through the workflow: located where the workflow is.
      ["task", "custom.addOne", "examples/hello"],
      ["task", "examples.hello.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode", "examples/hello"],
    ]);
  });

  it("walks folders for TypeScript and JavaScript modules, skipping tests, declarations, node_modules and dist", async () => {
    project = await createFixtureProject({
      "src/a.ts": SQUARE,
      "src/nested/b.mjs": `export const b = 1;\n`,
      "src/c.js": `export const c = 1;\n`,
      "src/d.mts": `export const d = 1;\n`,
      "src/a.test.ts": `throw new Error("tests are not loaded");\n`,
      "src/types.d.ts": `export declare const x: number;\n`,
      "src/dist/e.ts": `throw new Error("dist is not loaded");\n`,
      "src/node_modules/f/index.js": `throw new Error("node_modules is not loaded");\n`,
      "src/notes.md": "not a module",
    });
    const loaded = await loadModules({ files: ["src"], cwd: project.root });
    expect(loaded.modules.map((m) => m.module)).toEqual(["src/a", "src/c", "src/d", "src/nested/b"]);
    expect(loaded.entities.map((e) => e.name)).toEqual(["src.a.square"]);
  });

  it("takes the nearest folder with a package.json above the files as the root", async () => {
    project = await createFixtureProject({ "apps/one/package.json": "{}", "apps/one/flows/sq.ts": SQUARE });
    const loaded = await loadModules({ files: ["apps/one/flows/sq.ts"], cwd: project.root });
    expect([loaded.root, loaded.entities.map((e) => e.name)]).toEqual([
      `${project.root}/apps/one`,
      ["flows.sq.square"],
    ]);
    const explicit = await loadModules({ files: ["apps/one/flows"], cwd: project.root, root: project.root });
    expect(explicit.modules.map((m) => m.module)).toEqual(["apps/one/flows/sq"]);
  });

  it("gives an entity exported by two modules the location of the first module loaded", async () => {
    project = await createFixtureProject({
      "flows/a.ts": `export { square as sq } from "./b.js";\n`,
      "flows/b.ts": SQUARE,
    });
    const loaded = await loadModules({ files: ["flows"], cwd: project.root });
    expect(loaded.modules.map((m) => [m.module, m.located])).toEqual([
      ["flows/a", ["sq"]],
      ["flows/b", []],
    ]);
    expect(loaded.entities.map((e) => e.name)).toEqual(["flows.a.sq"]);
  });

  // In a child process: the test runner compiles TypeScript itself and reports syntax errors its own way.
  it("reports a syntax error with the file, line and column", async () => {
    project = await createFixtureProject({ "flows/bad.ts": `export const x: number = ;\n` });
    expect(await loadInChildProcess(project, ["flows/bad.ts"])).toEqual({
      ok: false,
      code: Code.InvalidArgument,
      message: 'cannot load flows/bad.ts: syntax error at flows/bad.ts:1:26: Unexpected ";"',
    });
  });

  it("reports a module that throws while loading with where it threw, not a stack trace", async () => {
    project = await createFixtureProject({
      "flows/throws.ts": `import { helper } from "./lib.js";\nexport const y = helper();\n`,
      "flows/lib.ts": `export function helper(): number {\n  throw new TypeError("nope");\n}\n`,
    });
    expect(await rejection(loadModules({ files: ["flows/throws.ts"], cwd: project.root }))).toEqual({
      code: Code.InvalidArgument,
      message: "cannot load flows/throws.ts: TypeError: nope (at flows/lib.ts:2:9)",
    });
  });

  // In a child process: the test runner source-maps the SDK's own frames, which hides the user's call site.
  it("keeps the declaration site of a definition error", async () => {
    project = await createFixtureProject({
      "flows/def.ts": `import { t, task, workflow } from "@aloft/sdk";
const sq = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);
export const wf = workflow({ inputs: { s: t.string() }, output: t.int() }, ({ s }) => sq({ x: s as never }));
`,
    });
    expect(await loadInChildProcess(project, ["flows"])).toEqual({
      ok: false,
      code: Code.InvalidArgument,
      message:
        'cannot load flows/def.ts: flows/def.ts:3:87: input "x" of sq expects integer, got a string ref from workflow input s',
    });
  });

  it("rejects missing paths, other files, two modules with one path and empty folders", async () => {
    project = await createFixtureProject({
      "flows/a.ts": SQUARE,
      "flows/a.js": `export const a = 1;\n`,
      "empty/readme.md": "",
    });
    const cwd = project.root;
    expect(await rejection(loadModules({ files: ["nope.ts"], cwd }))).toEqual({
      code: Code.NotFound,
      message: "no such file or folder: nope.ts",
    });
    expect(await rejection(loadModules({ files: ["empty/readme.md"], cwd }))).toEqual({
      code: Code.InvalidArgument,
      message: "empty/readme.md: not a module the loader reads (expected *.ts, *.mts, *.js, *.mjs)",
    });
    expect(await rejection(loadModules({ files: ["flows"], cwd }))).toEqual({
      code: Code.InvalidArgument,
      message: "flows/a.js and flows/a.ts are the same module flows/a; rename one",
    });
    expect(await rejection(loadModules({ files: ["empty"], cwd }))).toEqual({
      code: Code.InvalidArgument,
      message: "no module files (*.ts, *.mts, *.js, *.mjs) in empty",
    });
  });
});
