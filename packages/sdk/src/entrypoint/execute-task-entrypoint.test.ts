import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectionLiteral, integerLiteral, literalMap, literalMapToJs, stringLiteral } from "@aloft/idl";
import { DynamicJobSpecSchema } from "@aloft/idl/gen/flyteidl/core/dynamic_job_pb";
import { ContainerError_Kind, ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { fileUri, FsBlobStore, readProto, writeProto } from "@aloft/storage";
import {
  createFixtureProject,
  RUNTIME_TASKS_MODULE,
  type FixtureProject,
} from "../package/fixture-project.test-helper.js";
import { executeTaskEntrypoint } from "./execute-task-entrypoint.js";

let project: FixtureProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface Run {
  root: string;
  store: FsBlobStore;
  /** Writes inputs.pb and runs `aloft-execute` on the fixture's sources. */
  execute(
    task: string,
    inputs: LiteralMap,
    options?: { env?: Record<string, string>; extraArgs?: string[]; resolverArgs?: string[] },
  ): ReturnType<typeof executeTaskEntrypoint>;
  out: string;
}

async function setUp(): Promise<Run> {
  project = await createFixtureProject({ "flows/tasks.ts": RUNTIME_TASKS_MODULE });
  const root = project.root;
  const store = new FsBlobStore({ root });
  const out = join(root, "data", "n0", "0");
  await mkdir(out, { recursive: true });
  return {
    root,
    store,
    out,
    async execute(task, inputs, options = {}) {
      const inputsUri = fileUri(join(root, "data", "n0", "inputs.pb"));
      await writeProto(store, inputsUri, LiteralMapSchema, inputs);
      return executeTaskEntrypoint(
        [
          "aloft-execute",
          "--inputs",
          inputsUri,
          "--output-prefix",
          // A local path works as well as a file:// URI.
          out,
          "--raw-output-data-prefix",
          fileUri(join(root, "data", "raw")),
          "--checkpoint-path",
          "{{.checkpointOutputPrefix}}",
          "--prev-checkpoint",
          '""',
          ...(options.extraArgs ?? []),
          "--resolver",
          "aloft",
          "--",
          ...(options.resolverArgs ?? ["module", "flows/tasks", "task", task]),
        ],
        options.env ?? {},
        { codeDir: root, cwd: root },
      );
    },
  };
}

async function outputs(run: Run): Promise<unknown> {
  return literalMapToJs(await readProto(run.store, fileUri(join(run.out, "outputs.pb")), LiteralMapSchema));
}

async function errorDoc(run: Run, file = "error.pb") {
  const doc = await readProto(run.store, fileUri(join(run.out, file)), ErrorDocumentSchema);
  return doc.error;
}

describe("executeTaskEntrypoint", () => {
  it("runs the task on inputs.pb and writes outputs.pb, with the execution, task and attempt from the environment", async () => {
    const run = await setUp();
    const result = await run.execute("flows.tasks.greet", literalMap({ name: stringLiteral("ada") }), {
      env: {
        FLYTE_INTERNAL_EXECUTION_ID: "exec-1",
        FLYTE_INTERNAL_EXECUTION_PROJECT: "flytesnacks",
        FLYTE_INTERNAL_EXECUTION_DOMAIN: "development",
        FLYTE_ATTEMPT_NUMBER: "2",
        FLYTE_INTERNAL_TASK_NAME: "flows.tasks.greet",
        FLYTE_INTERNAL_TASK_VERSION: "v9",
        GREETING: "hi",
      },
    });
    expect(result).toEqual({
      exitCode: 0,
      wrote: "outputs",
      uri: fileUri(join(run.out, "outputs.pb")),
      error: undefined,
    });
    expect(await outputs(run)).toEqual({ o0: "ada|exec-1|2|v9|hi" });
  });

  it("writes a user error to error.pb, non-recoverable, with the user's stack, and exits 0", async () => {
    const run = await setUp();
    const result = await run.execute("flows.tasks.boom", literalMap({}));
    expect([result.exitCode, result.wrote]).toEqual([0, "error"]);
    const error = await errorDoc(run);
    expect({ code: error?.code, kind: error?.kind, origin: error?.origin }).toEqual({
      code: "USER:RuntimeError",
      kind: ContainerError_Kind.NON_RECOVERABLE,
      origin: ExecutionError_ErrorKind.USER,
    });
    expect(error?.message).toMatch(/^Trace:\n\n {4}Error: boom in user code\n {8}at .*flows\/tasks\.ts:8:9/);
    expect(error?.message.endsWith("Message:\n\n    Error: boom in user code")).toBe(true);
    expect(await readdir(run.out)).toEqual(["error.pb"]);
  });

  it("marks a RecoverableError recoverable, and exits 1 on any error when FLYTE_FAIL_ON_ERROR is true", async () => {
    const run = await setUp();
    const result = await run.execute("flows.tasks.flaky", literalMap({}), { env: { FLYTE_FAIL_ON_ERROR: "True" } });
    expect([result.exitCode, result.wrote]).toEqual([1, "error"]);
    const error = await errorDoc(run);
    expect([error?.code, error?.kind, error?.origin]).toEqual([
      "RecoverableFlyteException",
      ContainerError_Kind.RECOVERABLE,
      ExecutionError_ErrorKind.USER,
    ]);
  });

  it("reports a task it cannot find as a user error", async () => {
    const run = await setUp();
    await run.execute("flows.tasks.nope", literalMap({}));
    const error = await errorDoc(run);
    expect([error?.code, error?.kind, error?.origin]).toEqual([
      "USER:RuntimeError",
      ContainerError_Kind.NON_RECOVERABLE,
      ExecutionError_ErrorKind.USER,
    ]);
    expect(error?.message).toContain(
      "task flows.tasks.nope is not in module flows/tasks (neither exported nor named there)",
    );

    await run.execute("x", literalMap({}), { resolverArgs: ["module", "flows/missing", "task", "x"] });
    expect((await errorDoc(run))?.message).toContain("module flows/missing is not in");
  });

  it("reports inputs it cannot read as a recoverable system error", async () => {
    const run = await setUp();
    const result = await executeTaskEntrypoint(
      [
        "--inputs",
        join(run.root, "nowhere", "inputs.pb"),
        "--output-prefix",
        run.out,
        "--resolver",
        "aloft",
        "--",
        "module",
        "flows/tasks",
        "task",
        "flows.tasks.greet",
      ],
      { FLYTE_INTERNAL_DIST_ERROR_STRATEGY: "Earliest", FLYTE_INTERNAL_WORKER_NAME: "worker-3" },
      { codeDir: run.root, cwd: run.root },
    );
    expect([result.exitCode, result.wrote]).toEqual([0, "error"]);
    // Distributed error strategy: a file name of its own per worker, and the worker's name.
    const files = await readdir(run.out);
    expect(files).toEqual([expect.stringMatching(/^error-[0-9a-f]{32}\.pb$/)]);
    const error = await errorDoc(run, files[0]);
    expect([error?.code, error?.kind, error?.origin, error?.worker]).toEqual([
      "SYSTEM",
      ContainerError_Kind.RECOVERABLE,
      ExecutionError_ErrorKind.SYSTEM,
      "worker-3",
    ]);
  });

  it("runs one element of a map task: the index from the environment, bound inputs whole", async () => {
    const run = await setUp();
    const inputs = literalMap({
      x: collectionLiteral([integerLiteral(1n), integerLiteral(2n), integerLiteral(3n)]),
      factor: integerLiteral(10n),
    });
    const env = { BATCH_JOB_ARRAY_INDEX_VAR_NAME: "FLYTE_K8S_ARRAY_INDEX", FLYTE_K8S_ARRAY_INDEX: "2" };
    const resolverArgs = ["module", "flows/tasks", "task", "flows.tasks.scale", "array", "true", "bound", "factor"];
    expect((await run.execute("", inputs, { env, resolverArgs })).wrote).toBe("outputs");
    expect(await outputs(run)).toEqual({ o0: 30 });

    // An index past the end is the user's mistake, reported in error.pb.
    await run.execute("", inputs, { env: { ...env, FLYTE_K8S_ARRAY_INDEX: "5" }, resolverArgs });
    expect((await errorDoc(run))?.message).toContain('index 5 out of bounds for input "x" of 3 elements');
  });

  it("writes a dynamic task's workflow to futures.pb, its tasks pointing at the code it was fetched from", async () => {
    const run = await setUp();
    const result = await run.execute("flows.tasks.fanOut", literalMap({ n: integerLiteral(2n) }), {
      env: {
        FLYTE_INTERNAL_EXECUTION_PROJECT: "p",
        FLYTE_INTERNAL_EXECUTION_DOMAIN: "d",
        FLYTE_INTERNAL_TASK_VERSION: "v3",
      },
      extraArgs: ["--dynamic-addl-distro", "s3://bucket/fast/fastabc.tar.gz", "--dynamic-dest-dir", "/root"],
    });
    expect(result.wrote).toBe("futures");
    const spec = await readProto(run.store, fileUri(join(run.out, "futures.pb")), DynamicJobSpecSchema);
    expect(spec.nodes.map((n) => n.id)).toEqual(["dn0", "dn1"]);
    const template = spec.tasks[0];
    expect(template?.id).toMatchObject({ project: "p", domain: "d", name: "flows.tasks.scale", version: "v3" });
    const args = template?.target.case === "container" ? template.target.value.args : [];
    expect(args.slice(0, 6)).toEqual([
      "aloft-fast-execute",
      "--additional-distribution",
      "s3://bucket/fast/fastabc.tar.gz",
      "--dest-dir",
      "/root",
      "--",
    ]);
  });

  it("exits 2 without writing anything when the arguments are unusable", async () => {
    const run = await setUp();
    const lines: string[] = [];
    const result = await executeTaskEntrypoint(["--inputs", "x"], {}, { cwd: run.root, log: (l) => lines.push(l) });
    expect(result).toEqual({ exitCode: 2, wrote: "nothing", uri: undefined, error: undefined });
    expect(lines).toEqual(["aloft-execute: --output-prefix is required"]);
    expect(await readdir(run.out)).toEqual([]);
  });
});
