import { mkdir, readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { x as extractTar } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { loadModules } from "./load-modules.js";
import { writePackage } from "./write-package.js";
import { createFixtureProject, HELLO_MODULE, type FixtureProject } from "./fixture-project.test-helper.js";

// Flyte's own JavaScript classes (protobufjs), to prove the files decode outside this code base.
interface Decoder {
  decode(bytes: Uint8Array): object;
  verify(message: object): string | null;
}
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as {
  flyteidl: {
    admin: { TaskSpec: Decoder; WorkflowSpec: Decoder; LaunchPlan: Decoder };
    core: { ResourceType: Record<"TASK" | "WORKFLOW" | "LAUNCH_PLAN", number> };
  };
};
/** Decodes with Flyte's classes, checks the message verifies, and returns its set fields as plain data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep, loosely typed protobufjs data
function decodeWithFlyteidl(decoder: Decoder, bytes: Uint8Array): any {
  const message = decoder.decode(bytes);
  expect(decoder.verify(message)).toBeNull();
  return JSON.parse(JSON.stringify(message)) as unknown;
}

let project: FixtureProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const LAUNCH_PLANS = `import { cron, launchPlan } from "@aloft/sdk";
import { helloWorld } from "./hello.js";
export const nightly = launchPlan(helloWorld, { fixedInputs: { n: 3 }, defaultInputs: { name: "world", xs: [1, 2] }, schedule: cron("@daily") });
`;

async function unpack(tgz: string, into: string): Promise<string[]> {
  await mkdir(into, { recursive: true });
  await extractTar({ file: tgz, cwd: into, strict: true });
  return (await readdir(into)).sort();
}

describe("writePackage", () => {
  it("writes pyflyte's layout: numbered specs in registration order that Flyte's own classes decode, and the code", async () => {
    project = await createFixtureProject({ "examples/hello.ts": HELLO_MODULE, "examples/plans.ts": LAUNCH_PLANS });
    const loaded = await loadModules({ files: ["examples"], cwd: project.root });
    const result = await writePackage({
      loaded,
      output: "out/flyte-package.tgz",
      cwd: project.root,
      project: "flytesnacks",
      domain: "development",
      image: "ghcr.io/me/app:1.0",
    });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const version = result.version;
    expect(version).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const archive = `fast${result.digest}.tar.gz`;
    const mapName = "examples.hello.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode";
    expect(result.entries.map((e) => e.file)).toEqual([
      "0_examples.hello.sayHello_1.pb",
      "1_examples.hello.square_1.pb",
      "2_custom.addOne_1.pb",
      `3_${mapName}_1.pb`,
      "4_examples.hello.helloWorld_2.pb",
      "5_examples.hello.helloWorld_3.pb",
      "6_examples.plans.nightly_3.pb",
    ]);
    expect(result.codeArchive).toBe(archive);

    const dir = join(project.root, "unpacked");
    expect(await unpack(join(project.root, "out/flyte-package.tgz"), dir)).toEqual(
      [...result.entries.map((e) => e.file), archive].sort(),
    );
    const read = (file: string) => readFile(join(dir, file));
    const id = (kind: "TASK" | "WORKFLOW" | "LAUNCH_PLAN", name: string) => ({
      resourceType: flyteidl.core.ResourceType[kind],
      project: "flytesnacks",
      domain: "development",
      name,
      version,
    });

    const sayHello = decodeWithFlyteidl(flyteidl.admin.TaskSpec, await read("0_examples.hello.sayHello_1.pb"));
    expect(sayHello.template.id).toEqual(id("TASK", "examples.hello.sayHello"));
    expect(sayHello.template.type).toBe("ts-task");
    expect(sayHello.template.container.image).toBe("ghcr.io/me/app:1.0");
    expect(sayHello.template.container.args).toEqual([
      "aloft-fast-execute",
      "--additional-distribution",
      "{{ .remote_package_path }}",
      "--dest-dir",
      "{{ .dest_dir }}",
      "--",
      "aloft-execute",
      "--inputs",
      "{{.input}}",
      "--output-prefix",
      "{{.outputPrefix}}",
      "--raw-output-data-prefix",
      "{{.rawOutputDataPrefix}}",
      "--checkpoint-path",
      "{{.checkpointOutputPrefix}}",
      "--prev-checkpoint",
      "{{.prevCheckpointPrefix}}",
      "--resolver",
      "aloft",
      "--",
      "module",
      "examples/hello",
      "task",
      "examples.hello.sayHello",
    ]);
    const addOne = decodeWithFlyteidl(flyteidl.admin.TaskSpec, await read("2_custom.addOne_1.pb"));
    expect(addOne.template.container.args.slice(-4)).toEqual(["module", "examples/hello", "task", "custom.addOne"]);
    const mapped = decodeWithFlyteidl(flyteidl.admin.TaskSpec, await read(`3_${mapName}_1.pb`));
    expect([mapped.template.taskTypeVersion, mapped.template.container.args.slice(-8)]).toEqual([
      1,
      ["module", "examples/hello", "task", "examples.hello.square", "array", "true", "bound", ""],
    ]);

    const wf = decodeWithFlyteidl(flyteidl.admin.WorkflowSpec, await read("4_examples.hello.helloWorld_2.pb"));
    expect(wf.template.id).toEqual(id("WORKFLOW", "examples.hello.helloWorld"));
    expect(
      wf.template.nodes.map(
        (n: { taskNode?: { referenceId: { name: string } } }) => n.taskNode?.referenceId.name ?? "array",
      ),
    ).toEqual(["examples.hello.sayHello", "examples.hello.square", "custom.addOne", "array"]);

    const defaultLp = decodeWithFlyteidl(flyteidl.admin.LaunchPlan, await read("5_examples.hello.helloWorld_3.pb"));
    expect([defaultLp.id, defaultLp.spec.workflowId]).toEqual([
      id("LAUNCH_PLAN", "examples.hello.helloWorld"),
      id("WORKFLOW", "examples.hello.helloWorld"),
    ]);
    const nightly = decodeWithFlyteidl(flyteidl.admin.LaunchPlan, await read("6_examples.plans.nightly_3.pb"));
    expect([nightly.id.name, nightly.spec.entityMetadata.schedule.cronSchedule.schedule]).toEqual([
      "examples.plans.nightly",
      "@daily",
    ]);

    const code = join(project.root, "code");
    await unpack(join(dir, archive), code);
    expect(await readdir(join(code, "examples"))).toEqual(["hello.mjs", "hello.mjs.map", "plans.mjs", "plans.mjs.map"]);
  });

  it("writes the same bytes and version for the same code, and a new version when the code changes", async () => {
    project = await createFixtureProject({ "examples/hello.ts": HELLO_MODULE });
    const loaded = await loadModules({ files: ["examples"], cwd: project.root });
    const one = await writePackage({ loaded, output: "one.tgz", cwd: project.root });
    const two = await writePackage({ loaded, output: "two.tgz", cwd: project.root });
    if (!one.ok || !two.ok) throw new Error("packaging failed");
    expect(two.version).toBe(one.version);
    expect(await readFile(join(project.root, "two.tgz"))).toEqual(await readFile(join(project.root, "one.tgz")));
    // Empty project and domain, as pyflyte package leaves them for the registering client.
    expect(one.settings).toMatchObject({ project: "", domain: "", image: "ghcr.io/aloft/sdk:0.1.0" });

    await project.write({ "examples/hello.ts": `${HELLO_MODULE}\n// a change\n` });
    const three = await writePackage({ loaded, output: "three.tgz", cwd: project.root });
    if (!three.ok) throw new Error("packaging failed");
    expect(three.version).not.toBe(one.version);
    const given = await writePackage({ loaded, output: "given.tgz", cwd: project.root, version: "v1" });
    expect(given.ok && given.version).toBe("v1");
  });

  it("leaves the code out with fast off: the container runs aloft-execute from the image", async () => {
    project = await createFixtureProject({ "examples/hello.ts": HELLO_MODULE });
    const loaded = await loadModules({ files: ["examples/hello.ts"], cwd: project.root });
    const result = await writePackage({ loaded, output: "p.tgz", cwd: project.root, fast: false });
    if (!result.ok) throw new Error("packaging failed");
    const dir = join(project.root, "unpacked");
    const files = await unpack(join(project.root, "p.tgz"), dir);
    expect([result.codeArchive, files.some((f) => f.startsWith("fast"))]).toEqual([undefined, false]);
    const spec = decodeWithFlyteidl(
      flyteidl.admin.TaskSpec,
      await readFile(join(dir, "0_examples.hello.sayHello_1.pb")),
    );
    expect(spec.template.container.args[0]).toBe("aloft-execute");
  });

  it("refuses to replace a package unless forced, and names images the settings lack", async () => {
    project = await createFixtureProject({
      "examples/hello.ts": HELLO_MODULE,
      "gpu/train.ts": `import { t, task } from "@aloft/sdk";
export const train = task({ inputs: { x: t.int() }, output: t.int(), image: "{{.image.gpu.fqn}}:{{.image.gpu.version}}" }, async ({ x }) => x);
`,
    });
    const hello = await loadModules({ files: ["examples"], cwd: project.root });
    await writePackage({ loaded: hello, output: "p.tgz", cwd: project.root });
    await expect(writePackage({ loaded: hello, output: "p.tgz", cwd: project.root })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "p.tgz already exists; pass force (--force) to replace it",
    });
    expect((await writePackage({ loaded: hello, output: "p.tgz", cwd: project.root, force: true })).ok).toBe(true);

    const gpu = await loadModules({ files: ["gpu"], cwd: project.root });
    await expect(writePackage({ loaded: gpu, output: "g.tgz", cwd: project.root })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining('names image "gpu", which the settings do not define'),
    });
    const named = await writePackage({
      loaded: gpu,
      output: "g.tgz",
      cwd: project.root,
      images: { gpu: "ghcr.io/me/gpu:2" },
    });
    expect(named.ok).toBe(true);
  });

  it("names the declaration of a task that is neither named nor exported", async () => {
    project = await createFixtureProject({
      "flows/unexported.ts": `import { t, task, workflow } from "@aloft/sdk";
const hidden = task({ inputs: { x: t.int() }, output: t.int() }, async ({ x }) => x);
export const wf = workflow({ inputs: { x: t.int() }, output: t.int() }, ({ x }) => hidden({ x }));
`,
    });
    const loaded = await loadModules({ files: ["flows"], cwd: project.root });
    await expect(writePackage({ loaded, output: "p.tgz", cwd: project.root })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      // The site itself is the user's line outside the test runner, which source-maps the SDK's frames.
      rawMessage: expect.stringMatching(
        /^the task declared at .+:\d+:\d+ has no name: give it a name option or export it from a module the loader reads$/,
      ),
    });
  });

  it("refuses to package nothing", async () => {
    project = await createFixtureProject({ "examples/empty.ts": "export const nothing = 1;\n" });
    const loaded = await loadModules({ files: ["examples"], cwd: project.root });
    await expect(writePackage({ loaded, output: "p.tgz", cwd: project.root })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "no tasks, workflows or launch plans were found to package",
    });
  });
});
