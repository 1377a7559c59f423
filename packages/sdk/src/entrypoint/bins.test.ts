import { execFile } from "node:child_process";
import { lstat, mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionLiteral, integerLiteral, literalMap, literalMapToJs, stringLiteral } from "@aloft/idl";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { ContainerError_Kind, ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { fileUri, FsBlobStore, readProto, writeProto } from "@aloft/storage";
import {
  createFixtureProject,
  RUNTIME_TASKS_MODULE,
  SDK_PACKAGE_DIR,
  type FixtureProject,
} from "../package/fixture-project.test-helper.js";
import { loadModules } from "../package/load-modules.js";
import { writePackage } from "../package/write-package.js";

// The bins run the built SDK (dist/) in child processes, as in a task container.
let project: FixtureProject;
let store: FsBlobStore;
let packageDir: string;
let archive: string;
let dest: string;
let runs = 0;

beforeAll(async () => {
  project = await createFixtureProject({ "flows/tasks.ts": RUNTIME_TASKS_MODULE });
  store = new FsBlobStore({ root: project.root });
  const loaded = await loadModules({ files: ["flows"], cwd: project.root });
  const result = await writePackage({ loaded, output: "pkg.tgz", cwd: project.root, project: "p", domain: "d" });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  packageDir = join(project.root, "package");
  await mkdir(packageDir);
  await extractTar({ file: join(project.root, "pkg.tgz"), cwd: packageDir });
  archive = join(packageDir, result.codeArchive as string);
  dest = join(project.root, "container", "root");
});
afterAll(async () => {
  await project.cleanup();
});

interface ChildRun {
  code: number;
  stderr: string;
  out: string;
}

/**
 * Runs a packaged task's container args as propeller would: templates filled in (the code archive
 * URL as flytectl fills it at registration), the bins started with Node.
 */
async function runPackagedTask(
  taskName: string,
  inputs: LiteralMap,
  env: Record<string, string> = {},
): Promise<ChildRun> {
  const file = (await readdir(packageDir)).find((f) => f.endsWith(`_${taskName}_1.pb`));
  if (file === undefined) throw new Error(`no task ${taskName} in the package`);
  const spec = fromBinary(TaskSpecSchema, await readFile(join(packageDir, file)));
  const container = spec.template?.target.case === "container" ? spec.template.target.value : undefined;
  const run = join(project.root, "runs", String(runs++));
  const inputsUri = fileUri(join(run, "inputs.pb"));
  await writeProto(store, inputsUri, LiteralMapSchema, inputs);
  const filled: Record<string, string> = {
    "{{.input}}": inputsUri,
    "{{.outputPrefix}}": fileUri(join(run, "out")),
    "{{.rawOutputDataPrefix}}": fileUri(join(run, "raw")),
    "{{.checkpointOutputPrefix}}": fileUri(join(run, "checkpoint")),
    "{{.prevCheckpointPrefix}}": '""',
    "{{ .remote_package_path }}": fileUri(archive),
    "{{ .dest_dir }}": dest,
  };
  const args = (container?.args ?? []).map((a) => filled[a] ?? a);
  // The container's own environment (a dynamic task carries its registration settings there).
  const containerEnv = Object.fromEntries((container?.env ?? []).map((kv) => [kv.key, kv.value]));
  const bin = join(SDK_PACKAGE_DIR, "bin", `${args[0]}.js`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args.slice(1)],
      { cwd: project.root, env: { PATH: process.env.PATH ?? "", ...containerEnv, ...env } },
      (error, _stdout, stderr) =>
        done({ code: error === null ? 0 : Number(error.code), stderr, out: join(run, "out") }),
    );
  });
}

describe("aloft-fast-execute and aloft-execute in a child process", () => {
  it("unpack the packaged bundle, link the SDK, run the task and write outputs.pb", async () => {
    const run = await runPackagedTask("flows.tasks.greet", literalMap({ name: stringLiteral("ada") }), {
      FLYTE_INTERNAL_EXECUTION_ID: "e1",
      FLYTE_ATTEMPT_NUMBER: "1",
      FLYTE_INTERNAL_TASK_NAME: "flows.tasks.greet",
      FLYTE_INTERNAL_TASK_VERSION: "v1",
    });
    expect([run.code, run.stderr]).toEqual([0, expect.stringContaining(`unpacked ${fileUri(archive)} in ${dest}`)]);
    const outputs = await readProto(store, fileUri(join(run.out, "outputs.pb")), LiteralMapSchema);
    expect(literalMapToJs(outputs)).toEqual({ o0: "ada|e1|1|v1|" });
    expect((await readdir(dest)).sort()).toEqual([".aloft-code-archive", "aloft-bundle.json", "flows", "node_modules"]);
    expect((await lstat(join(dest, "node_modules", "@aloft", "sdk"))).isSymbolicLink()).toBe(true);

    // A second task in the same container reuses the unpacked code.
    const again = await runPackagedTask("flows.tasks.greet", literalMap({ name: stringLiteral("bo") }));
    expect([again.code, again.stderr]).toEqual([0, expect.stringContaining("reusing")]);
  });

  it("run one element of a map task, picked by the array index variables", async () => {
    const inputs = literalMap({
      x: collectionLiteral([integerLiteral(1n), integerLiteral(2n), integerLiteral(3n)]),
      factor: integerLiteral(7n),
    });
    const name = "flows.tasks.map_scale_";
    const file = (await readdir(packageDir)).find((f) => f.includes(name)) as string;
    const taskName = file.replace(/^\d+_/, "").replace(/_1\.pb$/, "");
    const run = await runPackagedTask(taskName, inputs, {
      BATCH_JOB_ARRAY_INDEX_VAR_NAME: "FLYTE_K8S_ARRAY_INDEX",
      FLYTE_K8S_ARRAY_INDEX: "1",
    });
    expect(run.code).toBe(0);
    const outputs = await readProto(store, fileUri(join(run.out, "outputs.pb")), LiteralMapSchema);
    expect(literalMapToJs(outputs)).toEqual({ o0: 14 });
  });

  it("exit 0 when the user's code fails, with error.pb carrying the stack in the user's .ts file", async () => {
    const run = await runPackagedTask("flows.tasks.boom", literalMap({}));
    expect(run.code).toBe(0);
    const doc = await readProto(store, fileUri(join(run.out, "error.pb")), ErrorDocumentSchema);
    expect([doc.error?.code, doc.error?.kind]).toEqual(["USER:RuntimeError", ContainerError_Kind.NON_RECOVERABLE]);
    expect(doc.error?.message).toContain(
      `Error: boom in user code\n        at <anonymous> (${dest}/flows/tasks.ts:8:9)`,
    );
  });

  it("write a dynamic task's futures.pb whose tasks fetch the same code", async () => {
    const run = await runPackagedTask("flows.tasks.fanOut", literalMap({ n: integerLiteral(3n) }), {
      FLYTE_INTERNAL_TASK_VERSION: "v1",
    });
    expect(run.code).toBe(0);
    const spec = await readProto(store, fileUri(join(run.out, "futures.pb")), DynamicJobSpecSchema);
    expect(spec.nodes).toHaveLength(3);
    const template = spec.tasks[0];
    expect(template?.id).toMatchObject({ project: "p", domain: "d", name: "flows.tasks.scale", version: "v1" });
    const args = template?.target.case === "container" ? template.target.value.args : [];
    expect(args.slice(0, 5)).toEqual([
      "aloft-fast-execute",
      "--additional-distribution",
      fileUri(archive),
      "--dest-dir",
      dest,
    ]);
  });
});
