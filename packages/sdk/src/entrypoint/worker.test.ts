import { fork, type ChildProcess } from "node:child_process";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { create, fromBinary, type JsonValue } from "@bufbuild/protobuf";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { literalMap, literalMapToJs, stringLiteral } from "@aloft/idl";
import { TaskSpecSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { ContainerError_Kind, ErrorDocumentSchema } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import {
  NodeExecutionIdentifierSchema,
  TaskExecutionIdentifierSchema,
  WorkflowExecutionIdentifierSchema,
} from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema, type LiteralMap } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { TaskTemplate } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import { fileUri, FsBlobStore, readProto, writeProto } from "@aloft/storage";
import {
  createInMemoryResourceManager,
  createTsWorkerPlugin,
  isTerminalPluginPhase,
  PluginPhase,
  type PhaseInfo,
  type TaskExecutionContext,
  type TsWorkerPlugin,
} from "@aloft/engine";
import { createFixtureProject, SDK_PACKAGE_DIR, type FixtureProject } from "../package/fixture-project.test-helper.js";
import { loadModules } from "../package/load-modules.js";
import { writePackage } from "../package/write-package.js";

// The worker runs the built SDK (dist/) in a forked process, as the engine's ts-worker plugin starts it.
const WORKER_ENTRY = join(SDK_PACKAGE_DIR, "dist", "entrypoint", "worker.js");

const TASKS_MODULE = `import { t, task } from "@aloft/sdk";

// Counts how many times this module was evaluated in the process.
const state = globalThis as unknown as { __moduleLoads?: number };
state.__moduleLoads = (state.__moduleLoads ?? 0) + 1;

export const greet = task({ inputs: { name: t.string() }, output: t.string() }, async ({ name }, ctx) =>
  [name, ctx.executionId.name, process.env.GREETING ?? "", String(state.__moduleLoads)].join("|"),
);

export const boom = task({ output: t.int() }, async () => {
  throw new Error("boom in user code");
});

export const waitForAbort = task({ output: t.int() }, async (_inputs, ctx) => {
  await new Promise((_resolve, reject) => {
    if (ctx.signal.aborted) reject(new Error("aborted"));
    ctx.signal.addEventListener("abort", () => reject(new Error("aborted")));
  });
  return 0;
});
`;

let project: FixtureProject;
let store: FsBlobStore;
let packageDir: string;
let archive: string;
let runs = 0;

beforeAll(async () => {
  project = await createFixtureProject({ "flows/tasks.ts": TASKS_MODULE });
  store = new FsBlobStore({ root: project.root });
  const loaded = await loadModules({ files: ["flows"], cwd: project.root });
  const result = await writePackage({ loaded, output: "pkg.tgz", cwd: project.root, project: "p", domain: "d" });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  packageDir = join(project.root, "package");
  await mkdir(packageDir);
  await extractTar({ file: join(project.root, "pkg.tgz"), cwd: packageDir });
  archive = join(packageDir, result.codeArchive as string);
});
afterAll(async () => {
  await project.cleanup();
});

/** The packaged task's template, its code archive filled in as registration does. */
async function packagedTemplate(taskName: string): Promise<TaskTemplate> {
  const file = (await readdir(packageDir)).find((f) => f.endsWith(`_${taskName}_1.pb`));
  if (file === undefined) throw new Error(`no task ${taskName} in the package`);
  const template = fromBinary(TaskSpecSchema, await readFile(join(packageDir, file))).template as TaskTemplate;
  if (template.target.case !== "container") throw new Error("not a container task");
  const container = template.target.value;
  container.args = container.args.map((a) => (a === "{{ .remote_package_path }}" ? fileUri(archive) : a));
  return template;
}

/** Args with Flyte's templates filled in for a run folder, as the plugin renders them. */
async function renderedArgs(taskName: string, inputs: LiteralMap): Promise<{ argv: string[]; out: string }> {
  const template = await packagedTemplate(taskName);
  const run = join(project.root, "runs", String(runs++));
  const inputsUri = fileUri(join(run, "inputs.pb"));
  await writeProto(store, inputsUri, LiteralMapSchema, inputs);
  const filled: Record<string, string> = {
    "{{.input}}": inputsUri,
    "{{.outputPrefix}}": fileUri(join(run, "out")),
    "{{.rawOutputDataPrefix}}": fileUri(join(run, "raw")),
    "{{.checkpointOutputPrefix}}": fileUri(join(run, "checkpoint")),
    "{{.prevCheckpointPrefix}}": '""',
  };
  const args = template.target.case === "container" ? template.target.value.args : [];
  return { argv: args.map((a) => filled[a] ?? a), out: join(run, "out") };
}

interface Reply {
  type: string;
  runId?: string;
  exitCode?: number;
}

/** A forked worker and the replies it sent. */
function startWorker(cwd: string): { child: ChildProcess; next: () => Promise<Reply> } {
  const child = fork(WORKER_ENTRY, [], { cwd, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  const queue: Reply[] = [];
  const waiting: Array<(reply: Reply) => void> = [];
  child.on("message", (message: Reply) => {
    const w = waiting.shift();
    if (w !== undefined) w(message);
    else queue.push(message);
  });
  return {
    child,
    next: () => {
      const queued = queue.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe("the TypeScript worker entry", () => {
  it("runs packaged tasks one after another, unpacking the bundle and loading its modules once", async () => {
    const cwd = join(project.root, "worker-1");
    await mkdir(cwd);
    const worker = startWorker(cwd);
    try {
      expect(await worker.next()).toEqual({ type: "ready" });
      const env = { FLYTE_INTERNAL_EXECUTION_ID: "exec-a", GREETING: "hi" };
      const first = await renderedArgs("flows.tasks.greet", literalMap({ name: stringLiteral("Ada") }));
      worker.child.send({ type: "run", runId: "r1", argv: first.argv, env });
      expect(await worker.next()).toEqual({ type: "done", runId: "r1", exitCode: 0 });
      const second = await renderedArgs("flows.tasks.greet", literalMap({ name: stringLiteral("Bo") }));
      worker.child.send({
        type: "run",
        runId: "r2",
        argv: second.argv,
        env: { FLYTE_INTERNAL_EXECUTION_ID: "exec-b" },
      });
      expect(await worker.next()).toEqual({ type: "done", runId: "r2", exitCode: 0 });

      const read = async (out: string) =>
        literalMapToJs(await readProto(store, fileUri(join(out, "outputs.pb")), LiteralMapSchema));
      // The module counted one load for both runs; the first run's GREETING did not leak into the second.
      expect(await read(first.out)).toEqual({ o0: "Ada|exec-a|hi|1" });
      expect(await read(second.out)).toEqual({ o0: "Bo|exec-b||1" });
      expect((await readdir(cwd)).includes(".aloft-code-archive")).toBe(true);
    } finally {
      worker.child.kill();
    }
  });

  it("writes a failing task's error.pb and answers exit code 0, as aloft-execute does; aborts on request", async () => {
    const cwd = join(project.root, "worker-2");
    await mkdir(cwd);
    const worker = startWorker(cwd);
    try {
      expect(await worker.next()).toEqual({ type: "ready" });
      const boom = await renderedArgs("flows.tasks.boom", literalMap({}));
      worker.child.send({ type: "run", runId: "b", argv: boom.argv, env: {} });
      expect(await worker.next()).toEqual({ type: "done", runId: "b", exitCode: 0 });
      const doc = await readProto(store, fileUri(join(boom.out, "error.pb")), ErrorDocumentSchema);
      expect([doc.error?.kind, doc.error?.message]).toEqual([
        ContainerError_Kind.NON_RECOVERABLE,
        expect.stringContaining("boom in user code"),
      ]);

      const wait = await renderedArgs("flows.tasks.waitForAbort", literalMap({}));
      worker.child.send({ type: "run", runId: "w", argv: wait.argv, env: {} });
      worker.child.send({ type: "abort", runId: "w", reason: "stop" });
      expect(await worker.next()).toEqual({ type: "done", runId: "w", exitCode: 0 });
      const aborted = await readProto(store, fileUri(join(wait.out, "error.pb")), ErrorDocumentSchema);
      expect(aborted.error?.message).toContain("aborted");
    } finally {
      worker.child.kill();
    }
  });
});

/** A task execution context for one attempt over the project's store, as the engine builds it. */
function attemptContext(
  template: TaskTemplate,
  attempt: { name: string; inputsUri: string; dir: string },
  holder: { state: JsonValue | undefined; wake: () => void },
): TaskExecutionContext {
  const executionId = create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "d", name: attempt.name });
  const nodeExecutionId = create(NodeExecutionIdentifierSchema, { nodeId: "n0", executionId });
  return {
    taskExecutionId: create(TaskExecutionIdentifierSchema, { taskId: template.id, nodeExecutionId, retryAttempt: 0 }),
    nodeExecutionId,
    workflowExecutionId: executionId,
    generatedName: `${attempt.name}-n0-0`,
    template,
    namespace: "p-d",
    paths: {
      inputs: attempt.inputsUri,
      inputPrefix: fileUri(attempt.dir),
      outputPrefix: fileUri(join(attempt.dir, "0")),
      rawOutputPrefix: fileUri(join(attempt.dir, "raw")),
      checkpointPrefix: fileUri(join(attempt.dir, "raw", "_flytecheckpoints")),
      prevCheckpointPrefix: "",
    },
    interruptible: false,
    env: { FLYTE_INTERNAL_EXECUTION_ID: attempt.name },
    labels: {},
    annotations: {},
    blobs: store,
    inputs: () => readProto(store, attempt.inputsUri, LiteralMapSchema),
    state: holder.state,
    setState: (state) => {
      holder.state = state;
    },
    wake: holder.wake,
    resourceManager: createInMemoryResourceManager(),
    signal: new AbortController().signal,
  };
}

async function runToEnd(plugin: TsWorkerPlugin, template: TaskTemplate, name: string, inputs: LiteralMap) {
  const dir = join(project.root, "engine", name);
  const inputsUri = fileUri(join(dir, "inputs.pb"));
  await writeProto(store, inputsUri, LiteralMapSchema, inputs);
  let wakes = 0;
  let onWake: (() => void) | undefined;
  const holder = {
    state: undefined as JsonValue | undefined,
    wake: () => {
      wakes++;
      onWake?.();
    },
  };
  for (;;) {
    const seen = wakes;
    const phase: PhaseInfo = await plugin.handle(attemptContext(template, { name, inputsUri, dir }, holder));
    if (isTerminalPluginPhase(phase.phase)) {
      await plugin.finalize(attemptContext(template, { name, inputsUri, dir }, holder));
      return { phase, outputs: join(dir, "0", "outputs.pb") };
    }
    if (wakes === seen) await new Promise<void>((resolve) => (onWake = resolve));
  }
}

describe("the engine's ts-worker plugin on the SDK's worker", () => {
  it("runs packaged TypeScript tasks end to end on one warm worker", async () => {
    const plugin = createTsWorkerPlugin({
      workerEntry: WORKER_ENTRY,
      workDir: join(project.root, "ts-worker"),
      poolSize: 2,
    });
    try {
      const template = await packagedTemplate("flows.tasks.greet");
      for (const name of ["ea", "eb"]) {
        const { phase, outputs } = await runToEnd(plugin, template, name, literalMap({ name: stringLiteral(name) }));
        expect(phase.phase).toBe(PluginPhase.Success);
        expect(literalMapToJs(await readProto(store, fileUri(outputs), LiteralMapSchema))).toEqual({
          o0: `${name}|${name}||1`,
        });
      }
      expect(plugin.stats()).toEqual({ workers: 1, busy: 0, started: 1 });
    } finally {
      await plugin.close();
    }
  });
});
