import { mkdir, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { makeTempDir, repoRoot } from "@aloft/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPackage } from "../package/read-package.js";
import { runAloft } from "../run-aloft.test-helper.js";

// Flyte's own JavaScript classes (protobufjs): the package must decode outside Aloft too.
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as {
  flyteidl: { admin: { TaskSpec: { decode(b: Uint8Array): { template: { id: { name: string } } } } } };
};

const HELLO = `import { t, task, workflow } from "@aloft/sdk";

export const sayHello = task(
  { inputs: { name: t.string() }, outputs: { greeting: t.string() } },
  async ({ name }) => ({ greeting: \`Hello, \${name}!\` }),
);

export const helloWorld = workflow(
  { inputs: { name: t.string() }, outputs: { greeting: t.string() } },
  ({ name }) => ({ greeting: sayHello({ name }).greeting }),
);
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-cli-package-"));
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "proj", type: "module" }));
  await mkdir(join(dir, "node_modules", "@aloft"), { recursive: true });
  // The project uses this checkout's SDK, as an installed one (its dist must be built).
  await symlink(join(repoRoot, "packages", "sdk"), join(dir, "node_modules", "@aloft", "sdk"), "junction");
  await mkdir(join(dir, "flows"));
  await writeFile(join(dir, "flows", "hello.ts"), HELLO);
});
afterEach(async () => {
  await cleanup();
});

describe("aloft package", () => {
  it("packages a folder, prints one line per entity and the output, and aloft compile accepts the result", async () => {
    const run = await runAloft(["package", "flows", "-o", "out/pkg.tgz"], { cwd: dir });
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdoutLines).toEqual([
      "task        flows.hello.sayHello    0_flows.hello.sayHello_1.pb",
      "workflow    flows.hello.helloWorld  1_flows.hello.helloWorld_2.pb",
      "launchplan  flows.hello.helloWorld  2_flows.hello.helloWorld_3.pb",
      expect.stringMatching(/^code {32}fast[0-9a-f]{32}\.tar\.gz$/),
      expect.stringMatching(/^packaged 3 entities, version [A-Za-z0-9_-]{22}, into out\/pkg\.tgz$/),
    ]);

    const compiled = await runAloft(["compile", "--file", join(dir, "out/pkg.tgz")]);
    expect([compiled.exitCode, compiled.stderr, compiled.stdoutLines.at(-1)]).toEqual([0, "", "compiled 3, failed 0"]);

    const pkg = await readPackage({ path: join(dir, "out/pkg.tgz") });
    expect(pkg.otherFiles).toEqual([expect.stringMatching(/^fast[0-9a-f]{32}\.tar\.gz$/)]);
    const task = pkg.tasks[0];
    expect(task?.id).toMatchObject({ project: "", domain: "", name: "flows.hello.sayHello" });
    const { toBinary } = await import("@bufbuild/protobuf");
    const { TaskSpecSchema } = await import("@aloft/idl/gen/flyteidl/admin/task_pb");
    const decoded = flyteidl.admin.TaskSpec.decode(toBinary(TaskSpecSchema, task!.spec));
    expect(decoded.template.id.name).toBe("flows.hello.sayHello");
  });

  it("puts the project, domain, version and images given into every id and container", async () => {
    const run = await runAloft(
      [
        "package",
        "flows/hello.ts",
        "-p",
        "flytesnacks",
        "-d",
        "development",
        "--version",
        "v7",
        "--image",
        "ghcr.io/me/app:1",
        "--image",
        "gpu=ghcr.io/me/gpu:2",
        "--env",
        "A=1",
        "--no-fast",
      ],
      { cwd: dir },
    );
    expect([run.exitCode, run.stdoutLines.at(-1)]).toEqual([
      0,
      "packaged 3 entities, version v7, into flyte-package.tgz",
    ]);
    const pkg = await readPackage({ path: join(dir, "flyte-package.tgz") });
    expect(pkg.otherFiles).toEqual([]);
    expect(pkg.entities.map((e) => [e.id.project, e.id.domain, e.id.version])).toEqual([
      ["flytesnacks", "development", "v7"],
      ["flytesnacks", "development", "v7"],
      ["flytesnacks", "development", "v7"],
    ]);
    const container = pkg.tasks[0]?.spec.template?.target;
    expect(
      container?.case === "container" && [container.value.image, container.value.args[0], container.value.env],
    ).toEqual(["ghcr.io/me/app:1", "aloft-execute", [expect.objectContaining({ key: "A", value: "1" })]]);
  });

  it("fails with one line when a module cannot load, and refuses to replace a package without --force", async () => {
    await writeFile(join(dir, "flows", "broken.ts"), `import { helper } from "./nope.js";\nexport const x = helper;\n`);
    const broken = await runAloft(["package", "flows/broken.ts"], { cwd: dir });
    expect([broken.exitCode, broken.stdout, broken.stderrLines.length]).toEqual([1, "", 1]);
    expect(broken.stderrLines[0]).toMatch(/^aloft: cannot load flows\/broken\.ts: /);

    expect((await runAloft(["package", "flows/hello.ts"], { cwd: dir })).exitCode).toBe(0);
    const again = await runAloft(["package", "flows/hello.ts"], { cwd: dir });
    expect([again.exitCode, again.stderrLines]).toEqual([
      1,
      ["aloft: flyte-package.tgz already exists; pass force (--force) to replace it"],
    ]);
    expect((await runAloft(["package", "flows/hello.ts", "--force"], { cwd: dir })).exitCode).toBe(0);
  });

  it("is a usage error without paths or with two unnamed images", async () => {
    const none = await runAloft(["package"], { cwd: dir });
    expect([none.exitCode, none.stderrLines[0]]).toEqual([
      2,
      expect.stringMatching(/^aloft: missing required argument/),
    ]);
    const twice = await runAloft(["package", "flows", "--image", "a:1", "--image", "b:2"], { cwd: dir });
    expect([twice.exitCode, twice.stderrLines]).toEqual([
      2,
      [
        "aloft: only one --image may be unnamed (the default image)",
        "hint: name the others: --image gpu=ghcr.io/me/gpu:2",
      ],
    ]);
  });
});
