import { execFile } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@aloft/test-helpers";

/** This SDK's package folder, which fixture projects link as their `@aloft/sdk` (its `dist` must be built). */
export const SDK_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A project of TypeScript modules in a temporary folder, importing the SDK as a user's project does. */
export interface FixtureProject {
  /** The project root (holds `package.json`). */
  root: string;
  /** Writes more files (paths relative to the root, `/`-separated). */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Creates a project folder with a `package.json`, `node_modules/@aloft/sdk` linked to this SDK, and
 * `files`. Each test gets its own folder, so module caches never mix two tests' modules.
 */
export async function createFixtureProject(files: Readonly<Record<string, string>>): Promise<FixtureProject> {
  const dir = await makeTempDir("aloft-sdk-project-");
  const root = dir.path;
  const write = async (more: Readonly<Record<string, string>>): Promise<void> => {
    for (const [path, text] of Object.entries(more)) {
      const file = join(root, ...path.split("/"));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  };
  await write({ "package.json": JSON.stringify({ name: "fixture", type: "module", private: true }) });
  await mkdir(join(root, "node_modules", "@aloft"), { recursive: true });
  await symlink(SDK_PACKAGE_DIR, join(root, "node_modules", "@aloft", "sdk"), "junction");
  await write(files);
  return { root, write, cleanup: dir.cleanup };
}

/** A module with two tasks, a map, a workflow using them and a task named but not exported. */
export const HELLO_MODULE = `import { map, t, task, workflow } from "@aloft/sdk";

export const sayHello = task(
  { inputs: { name: t.string() }, outputs: { greeting: t.string() } },
  async ({ name }) => ({ greeting: \`Hello, \${name}!\` }),
);

export const square = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x * x);

const addOne = task({ name: "custom.addOne", inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x + 1);

export const helloWorld = workflow(
  {
    inputs: { name: t.string(), n: t.int(), xs: t.list(t.int()) },
    outputs: { greeting: t.string(), sq: t.int(), next: t.int(), squares: t.list(t.int()) },
  },
  ({ name, n, xs }) => {
    const hello = sayHello({ name });
    const sq = square({ x: n });
    return { greeting: hello.greeting, sq, next: addOne({ x: sq }), squares: map(square)({ x: xs }) };
  },
);
`;

/** What {@link loadInChildProcess} reports: the entities' names, or the error. */
export type ChildLoadResult = { ok: true; names: string[] } | { ok: false; code: number; message: string };

/**
 * Runs `loadModules` in a fresh Node process on the built SDK, exactly as `aloft package` does (tsx's
 * loader, Node's own module cache), for what the test runner's module loader would change: syntax
 * error reports and source-mapped declaration sites.
 */
export function loadInChildProcess(project: FixtureProject, files: readonly string[]): Promise<ChildLoadResult> {
  const script = `
    const { loadModules } = await import("@aloft/sdk/internal");
    try {
      const loaded = await loadModules({ files: ${JSON.stringify(files)} });
      console.log(JSON.stringify({ ok: true, names: loaded.entities.map((e) => e.name) }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, code: e.code, message: e.rawMessage ?? String(e) }));
    }`;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: project.root },
      (error, stdout, stderr) => {
        if (error !== null) fail(new Error(`child failed: ${stderr}`));
        else done(JSON.parse(stdout) as ChildLoadResult);
      },
    );
  });
}

/**
 * Tasks for the entrypoint's tests (`flows/tasks.ts`): one reporting its context, one failing, one
 * failing recoverably, one mapped with a bound input, and a dynamic fan-out. Line 8 throws "boom".
 */
export const RUNTIME_TASKS_MODULE = `import { dynamic, map, RecoverableError, t, task, workflow } from "@aloft/sdk";

export const greet = task({ inputs: { name: t.string() }, output: t.string() }, async ({ name }, ctx) =>
  [name, ctx.executionId.name, ctx.attempt, ctx.taskId?.version ?? "-", ctx.env.GREETING ?? ""].join("|"),
);

export const boom = task({ output: t.int() }, async () => {
  throw new Error("boom in user code");
});

export const flaky = task({ output: t.int() }, async () => {
  throw new RecoverableError("try again");
});

export const scale = task({ inputs: { x: t.int(), factor: t.int() }, output: t.int() }, async ({ x, factor }) => x * factor);

export const fanOut = dynamic({ inputs: { n: t.int() }, output: t.list(t.int()) }, ({ n }) =>
  Array.from({ length: n }, (_, i) => scale({ x: i, factor: 2 })),
);

export const scaleAll = workflow({ inputs: { xs: t.list(t.int()), factor: t.int() }, output: t.list(t.int()) }, ({ xs, factor }) =>
  map(scale, { bound: ["factor"] })({ x: xs, factor }),
);
`;
