import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { AloftError, Code } from "@aloft/idl";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { WorkflowSpecSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { findSharedFixtures, makeTempDir, SHARED_FIXTURES_MISSING } from "@aloft/test-helpers";
import { x as extractTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tarBytes, tgzBytes, writeFiles } from "./package-builder.test-helper.js";
import { readPackage } from "./read-package.js";

const shared = findSharedFixtures();
const fixture = (name: string): string => join(shared ?? "", "flytekit-serialized", name);

const taskBytes = (name: string): Uint8Array =>
  toBinary(
    TaskSpecSchema,
    create(TaskSpecSchema, { template: { id: { resourceType: ResourceType.TASK, name }, type: "python-task" } }),
  );
const workflowBytes = (name: string): Uint8Array =>
  toBinary(
    WorkflowSpecSchema,
    create(WorkflowSpecSchema, {
      template: { id: { resourceType: ResourceType.WORKFLOW, name }, nodes: [{ id: "n0" }] },
    }),
  );
const launchPlanBytes = (name: string, workflow: string): Uint8Array =>
  toBinary(
    LaunchPlanSchema,
    create(LaunchPlanSchema, {
      id: { resourceType: ResourceType.LAUNCH_PLAN, name },
      spec: { workflowId: { resourceType: ResourceType.WORKFLOW, name: workflow } },
    }),
  );

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir("aloft-cli-read-"));
});
afterEach(async () => {
  await cleanup();
});

async function readError(
  path: string,
  options: { maxFileBytes?: number; maxArchiveBytes?: number } = {},
): Promise<AloftError> {
  const error: unknown = await readPackage({ path, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AloftError)) throw new Error(`expected an AloftError, got ${String(error)}`);
  return error;
}

describe("readPackage with Flyte-made packages", () => {
  it.for([
    { name: "flytesnacks-core.tgz", tasks: 39, workflows: 21, launchPlans: 24 },
    { name: "valid-register.tgz", tasks: 2, workflows: 1, launchPlans: 1 },
    { name: "valid-package.tgz", tasks: 2, workflows: 1, launchPlans: 1 },
  ])("reads every task, workflow and launch plan of $name", async ({ name, tasks, workflows, launchPlans }, ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture(name) });
    expect([pkg.tasks.length, pkg.workflows.length, pkg.launchPlans.length]).toEqual([tasks, workflows, launchPlans]);
    expect(pkg.entities.map((e) => e.file)).toEqual(pkg.files);
    expect([...pkg.files].sort()).toEqual(pkg.files);
  });

  it("lists files in name order, as Flyte registers them, and tells kinds apart by content", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("valid-register.tgz") });
    expect(pkg.entities.map((e) => [e.kind, e.id.name, e.file])).toEqual([
      ["task", "recipes.core.basic.basic_workflow.t1", "014_recipes.core.basic.basic_workflow.t1_1.pb"],
      ["task", "recipes.core.basic.basic_workflow.t2", "015_recipes.core.basic.basic_workflow.t2_1.pb"],
      ["workflow", "recipes.core.basic.basic_workflow.my_wf", "016_recipes.core.basic.basic_workflow.my_wf_2.pb"],
      ["launchPlan", "recipes.core.basic.basic_workflow.my_wf", "017_recipes.core.basic.basic_workflow.my_wf_3.pb"],
    ]);
    expect(pkg.launchPlans[0]?.launchPlan.spec?.workflowId?.name).toBe("recipes.core.basic.basic_workflow.my_wf");
  });

  it("keeps the fast-register code bundle out of the entities and lists it as another file", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("flytesnacks-core.tgz") });
    expect(pkg.otherFiles).toEqual(["core/_pb_output/fasted4a62b5c4359e9aed745fa1197a9ea0.tar.gz"]);
    expect(pkg.files[0]).toBe("core/_pb_output/00_core.control_flow.dynamics.return_index_1.pb");
  });

  it("reads an extracted folder, and a plain .tar, exactly like the .tgz", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const fromTgz = await readPackage({ path: fixture("flytesnacks-core.tgz") });
    await mkdir(join(dir, "folder"));
    await extractTar({ file: fixture("flytesnacks-core.tgz"), cwd: join(dir, "folder") });
    const fromFolder = await readPackage({ path: join(dir, "folder") });
    await writeFile(join(dir, "p.tar"), gunzipSync(await readFile(fixture("flytesnacks-core.tgz"))));
    const fromTar = await readPackage({ path: join(dir, "p.tar") });
    const summary = (p: typeof fromTgz) => p.entities.map((e) => `${e.kind} ${e.id.name} ${e.file}`);
    expect(summary(fromFolder)).toEqual(summary(fromTgz));
    expect(summary(fromTar)).toEqual(summary(fromTgz));
  });

  it("reads a single .pb file as a package of one", async (ctx) => {
    if (shared === undefined) ctx.skip(SHARED_FIXTURES_MISSING);
    const pkg = await readPackage({ path: fixture("152_my_cron_scheduled_lp_3.pb") });
    expect(pkg.entities.map((e) => [e.kind, e.id.name, e.file])).toEqual([
      ["launchPlan", "my_cron_scheduled_lp", "152_my_cron_scheduled_lp_3.pb"],
    ]);
  });
});

describe("readPackage with hand-made packages", () => {
  it("tries the other message types when the file-name suffix is wrong, as flytectl does", async () => {
    await writeFiles(dir, [
      { path: "a_3.pb", bytes: taskBytes("t") },
      { path: "b.pb", bytes: workflowBytes("wf") },
    ]);
    const pkg = await readPackage({ path: dir });
    expect(pkg.entities.map((e) => [e.kind, e.id.name])).toEqual([
      ["task", "t"],
      ["workflow", "wf"],
    ]);
  });

  it("reads nested folders, relative to cwd, and sorts by path", async () => {
    await writeFiles(dir, [
      { path: "pkg/b/2_wf_2.pb", bytes: workflowBytes("wf") },
      { path: "pkg/a/1_t_1.pb", bytes: taskBytes("t") },
      { path: "pkg/a/3_lp_3.pb", bytes: launchPlanBytes("lp", "wf") },
      { path: "pkg/README.md", bytes: Buffer.from("hi") },
    ]);
    const pkg = await readPackage({ path: "pkg", cwd: dir });
    expect(pkg.files).toEqual(["a/1_t_1.pb", "a/3_lp_3.pb", "b/2_wf_2.pb"]);
    expect(pkg.otherFiles).toEqual(["README.md"]);
    expect(pkg.source).toBe("pkg");
  });

  it("skips directories, links and macOS ._ companions inside archives and drops a leading slash", async () => {
    const path = join(dir, "p.tgz");
    await writeFile(
      path,
      tgzBytes([
        { path: "/", type: "dir" },
        { path: "/out/", type: "dir" },
        { path: "/out/1_t_1.pb", data: taskBytes("t") },
        { path: "/out/._1_t_1.pb", data: "mac metadata" },
        { path: "/out/link_1.pb", type: "symlink", linkTarget: "1_t_1.pb" },
      ]),
    );
    const pkg = await readPackage({ path });
    expect(pkg.files).toEqual(["out/1_t_1.pb"]);
    expect(pkg.otherFiles).toEqual(["out/._1_t_1.pb"]);
  });

  it("follows symbolic links to files in a folder", async () => {
    await writeFiles(dir, [{ path: "real/1_t_1.pb", bytes: taskBytes("t") }]);
    await mkdir(join(dir, "pkg"));
    await symlink(join(dir, "real", "1_t_1.pb"), join(dir, "pkg", "1_t_1.pb"));
    await symlink(join(dir, "real"), join(dir, "pkg", "loop"));
    const pkg = await readPackage({ path: join(dir, "pkg") });
    expect(pkg.files).toEqual(["1_t_1.pb"]);
  });
});

describe("readPackage rejects bad input with one message naming the file", () => {
  it("a path that does not exist is NotFound", async () => {
    const error = await readError(join(dir, "missing.tgz"));
    expect([error.code, error.rawMessage]).toEqual([Code.NotFound, `no such file or folder: ${dir}/missing.tgz`]);
  });

  it("an empty file, an empty archive and a folder without .pb files are InvalidArgument", async () => {
    await writeFile(join(dir, "zero.tgz"), "");
    await writeFile(join(dir, "empty.tgz"), tgzBytes([]));
    await writeFiles(dir, [{ path: "folder/notes.txt", bytes: Buffer.from("x") }]);
    const errors = await Promise.all(["zero.tgz", "empty.tgz", "folder"].map((f) => readError(join(dir, f))));
    expect(errors.map((e) => [e.code, e.rawMessage])).toEqual([
      [Code.InvalidArgument, `${dir}/zero.tgz: the file is empty`],
      [Code.InvalidArgument, `${dir}/empty.tgz: no .pb files in this archive (it is empty)`],
      [Code.InvalidArgument, `${dir}/folder: no .pb files in this folder (it holds 1 other file)`],
    ]);
  });

  it("a truncated protobuf names the file and the decoding error", async () => {
    const bytes = workflowBytes("wf");
    await writeFile(
      join(dir, "p.tgz"),
      tgzBytes([{ path: "out/2_wf_2.pb", data: bytes.subarray(0, bytes.length - 3) }]),
    );
    const error = await readError(join(dir, "p.tgz"));
    expect([error.code, error.rawMessage]).toEqual([
      Code.InvalidArgument,
      `out/2_wf_2.pb in ${dir}/p.tgz: not a task, workflow or launch plan (read as a workflow: invalid protobuf: premature EOF)`,
    ]);
  });

  it("a protobuf of another message type is none of the three", async () => {
    const literal = create(LiteralSchema, {
      value: {
        case: "scalar",
        value: { value: { case: "primitive", value: { value: { case: "integer", value: 7n } } } },
      },
    });
    await writeFiles(dir, [{ path: "pkg/5_x_2.pb", bytes: toBinary(LiteralSchema, literal) }]);
    const error = await readError(join(dir, "pkg"));
    expect([error.code, error.rawMessage]).toEqual([
      Code.InvalidArgument,
      `${dir}/pkg/5_x_2.pb: not a task, workflow or launch plan (read as a workflow: it has no template id)`,
    ]);
  });

  it("a launch plan file holding a task spec with a foreign resource type is rejected, not misread", async () => {
    const spec = create(TaskSpecSchema, {
      template: { id: { resourceType: ResourceType.DATASET, name: "t" }, type: "x" },
    });
    await writeFiles(dir, [{ path: "pkg/1_t_1.pb", bytes: toBinary(TaskSpecSchema, spec) }]);
    const error = await readError(join(dir, "pkg"));
    expect(error.rawMessage).toBe(
      `${dir}/pkg/1_t_1.pb: not a task, workflow or launch plan (read as a task: its template id has resource type DATASET)`,
    );
  });

  it("corrupt or truncated gzip data is InvalidArgument naming the archive", async () => {
    const good = tgzBytes([{ path: "1_t_1.pb", data: taskBytes("t") }]);
    const corrupt = Buffer.from(good);
    corrupt.fill(0xff, 10, 30);
    await writeFile(join(dir, "corrupt.tgz"), corrupt);
    await writeFile(join(dir, "short.tgz"), good.subarray(0, good.length - 20));
    const [corruptError, shortError] = await Promise.all([
      readError(join(dir, "corrupt.tgz")),
      readError(join(dir, "short.tgz")),
    ]);
    expect(corruptError.code).toBe(Code.InvalidArgument);
    expect(corruptError.rawMessage).toMatch(new RegExp(`^${dir}/corrupt\\.tgz: corrupt gzip data \\(.+\\)$`));
    expect([shortError.code, shortError.rawMessage]).toEqual([
      Code.InvalidArgument,
      `${dir}/short.tgz: truncated gzip data`,
    ]);
  });

  it("data that is neither tar nor gzip, and gzip of something else, are not archives", async () => {
    await writeFile(join(dir, "text.tar"), "just some text, certainly not a tar archive\n".repeat(20));
    await writeFile(join(dir, "text.tgz"), gzipSync("hello ".repeat(200)));
    const errors = await Promise.all([readError(join(dir, "text.tar")), readError(join(dir, "text.tgz"))]);
    expect(errors.map((e) => e.rawMessage)).toEqual([
      `${dir}/text.tar: not a tar or gzip archive`,
      `${dir}/text.tgz: the gzip data is not a tar archive`,
    ]);
  });

  it("a truncated tar archive is reported as such", async () => {
    const full = tarBytes([{ path: "1_t_1.pb", data: Buffer.alloc(3000, 1) }]);
    await writeFile(join(dir, "cut.tar"), full.subarray(0, 1500));
    expect((await readError(join(dir, "cut.tar"))).rawMessage).toBe(`${dir}/cut.tar: truncated tar archive`);
  });

  it("an entry whose path climbs out of the archive is refused", async () => {
    await writeFile(join(dir, "evil.tgz"), tgzBytes([{ path: "../../escape_1.pb", data: taskBytes("t") }]));
    const error = await readError(join(dir, "evil.tgz"));
    expect([error.code, error.rawMessage]).toEqual([
      Code.InvalidArgument,
      `${dir}/evil.tgz: entry "../../escape_1.pb" points outside the archive; refusing to read it`,
    ]);
  });

  it("a file that is not an archive, folder or .pb is not a package", async () => {
    await writeFile(join(dir, "package.zip"), "PK");
    const error = await readError(join(dir, "package.zip"));
    expect(error.rawMessage).toBe(
      `${dir}/package.zip: not a package; expected a .tgz, .tar.gz or .tar archive, a folder, or a .pb file`,
    );
  });

  it("a .pb file over the size limit is ResourceExhausted, in archives and folders alike", async () => {
    await writeFile(join(dir, "big.tgz"), tgzBytes([{ path: "1_t_1.pb", data: Buffer.alloc(2048, 1) }]));
    await writeFiles(dir, [{ path: "big/1_t_1.pb", bytes: Buffer.alloc(2048, 1) }]);
    const errors = await Promise.all([
      readError(join(dir, "big.tgz"), { maxFileBytes: 1024 }),
      readError(join(dir, "big"), { maxFileBytes: 1024 }),
    ]);
    expect(errors.map((e) => [e.code, e.rawMessage])).toEqual([
      [Code.ResourceExhausted, `1_t_1.pb in ${dir}/big.tgz is 2 KiB, over the 1 KiB limit`],
      [Code.ResourceExhausted, `1_t_1.pb in ${dir}/big is 2 KiB, over the 1 KiB limit`],
    ]);
  });

  it("an archive that unpacks to more than the archive limit is ResourceExhausted", async () => {
    await writeFile(join(dir, "bomb.tgz"), tgzBytes([{ path: "fast.tar.gz", data: Buffer.alloc(200_000) }]));
    const error = await readError(join(dir, "bomb.tgz"), { maxArchiveBytes: 64 * 1024 });
    expect([error.code, error.rawMessage]).toEqual([
      Code.ResourceExhausted,
      `${dir}/bomb.tgz: more than 64 KiB of archive data`,
    ]);
  });
});
