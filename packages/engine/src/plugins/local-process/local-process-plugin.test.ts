import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromJson, toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import { floatLiteral, integerLiteral, integerType, literalMap, stringLiteral } from "@aloft/idl";
import { ContainerError_Kind } from "@aloft/idl/gen/flyteidl/core/errors_pb";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { DataLoadingConfig_LiteralMapFormat, TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import {
  createInMemoryResourceManager,
  createLocalProcessPlugin,
  LOCAL_PROCESS_RESOURCE_NAMESPACE,
  PluginPhase,
  type LocalProcessPlugin,
  type LocalProcessPluginOptions,
} from "../../index.js";
import { createPluginHarness, type PluginHarness } from "../testing/plugin-harness.test-helper.js";
import { jsOf, shellTask } from "../testing/templates.test-helper.js";
import { isProcessAlive } from "./process-liveness.js";

let dir: { path: string; cleanup: () => Promise<void> };
const harnesses: PluginHarness[] = [];
const plugins: LocalProcessPlugin[] = [];
beforeEach(async () => {
  dir = await makeTempDir("aloft-local-process-");
});
afterEach(async () => {
  for (const p of plugins.splice(0)) await p.close?.();
  for (const h of harnesses.splice(0)) await h.cleanup();
  await dir.cleanup();
});

async function harness(options: Parameters<typeof createPluginHarness>[0]): Promise<PluginHarness> {
  const h = await createPluginHarness(options);
  harnesses.push(h);
  return h;
}

function plugin(options: LocalProcessPluginOptions = {}): LocalProcessPlugin {
  const p = createLocalProcessPlugin({ workDir: join(dir.path, "work"), ...options });
  plugins.push(p);
  return p;
}

/** The pid of the attempt's process, from the record the launcher writes in the sandbox once it started. */
async function pidOf(h: PluginHarness): Promise<number> {
  const record = join((h.state as { sandbox: string }).sandbox, "pid.json");
  let pid = 0;
  await vi.waitFor(async () => {
    pid = (JSON.parse(await readFile(record, "utf8")) as { pid: number }).pid;
    expect(isProcessAlive(pid) || pid > 0).toBe(true);
  });
  return pid;
}

/**
 * A shell script that waits for the file `gate` before running `then`: running until the test opens it. It gives up
 * when the test's folder is gone, so a test that ends early never leaves it looping.
 */
function gated(gate: string, then = "exit 0"): string {
  return `${waitFor(gate)}; ${then}`;
}

/** Shell: wait until `gate` exists; exit 1 once its folder was removed. */
function waitFor(gate: string): string {
  return `while [ ! -e ${gate} ]; do [ -d ${dirname(gate)} ] || exit 1; sleep 0.02; done`;
}

const int = integerType();

describe("local-process plugin", () => {
  it("renders Flyte's templates, runs the command with the container's and Flyte's env, and succeeds on exit 0", async () => {
    const outputs = join(dir.path, "prepared-outputs.pb");
    await writeFile(outputs, toBinary(LiteralMapSchema, literalMap({ y: integerLiteral(42) })));
    const template = shellTask(
      'echo "x=$1 env=$GREETING/$FLYTE_INTERNAL_EXECUTION_ID key=$3"; cp "$0" "${2#file://}/outputs.pb"',
      { inputs: { x: int }, outputs: { y: int }, container: { env: [{ key: "GREETING", value: "hi" }] } },
    );
    const container = template.target.value as { args: string[] };
    container.args = [outputs, "{{.inputs.x}}", "{{ .OutputPrefix }}", "{{$perRetryUniqueKey}}"];
    const h = await harness({
      template,
      inputs: literalMap({ x: integerLiteral(7) }),
      env: { FLYTE_INTERNAL_EXECUTION_ID: "abc123" },
    });
    const p = plugin();

    const first = await h.round(p);
    // Running, or already Success when the script finished within the round.
    expect([PluginPhase.Running, PluginPhase.Success]).toContain(first.phase);
    expect(first.version).toBe(0);
    expect(first.info?.logs?.map((l) => l.name)).toEqual(["stdout", "stderr"]);
    const done = await h.runUntilTerminal(p);
    expect(done.phase).toBe(PluginPhase.Success);
    expect(jsOf(await h.readOutputs())).toEqual({ y: 42 });
    const stdout = await readFile(fileURLToPath(first.info?.logs?.[0]?.uri ?? ""), "utf8");
    expect(stdout).toBe("x=7 env=hi/abc123 key=abc123_n0_0\n");
  });

  it("runs Flyte's raw-container fixture with co-pilot: input files in, output files back as outputs.pb", async () => {
    // flytepropeller/pkg/compiler/test/testdata/snacks-core/compiled/004_ellipse-area-metadata-shell_1_task.json
    const template = fromJson(TaskTemplateSchema, {
      id: { resourceType: "TASK", name: "ellipse-area-metadata-shell" },
      type: "raw-container",
      metadata: { runtime: { type: "FLYTE_SDK", version: "0.32.6", flavor: "python" }, retries: {} },
      interface: {
        inputs: {
          variables: {
            a: { type: { simple: "FLOAT" }, description: "a" },
            b: { type: { simple: "FLOAT" }, description: "b" },
          },
        },
        outputs: {
          variables: {
            area: { type: { simple: "FLOAT" }, description: "area" },
            metadata: { type: { simple: "STRING" }, description: "metadata" },
          },
        },
      },
      container: {
        image: "ghcr.io/flyteorg/rawcontainers-shell:v1",
        command: ["./calculate-ellipse-area.sh", "/var/inputs", "/var/outputs"],
        resources: {},
        config: [{ key: "testKey1", value: "testValue1" }],
        dataConfig: { enabled: true, inputPath: "/var/inputs", outputPath: "/var/outputs" },
      },
    });
    // The image's script (flytesnacks raw-containers-demo), in a folder standing for the image.
    const image = join(dir.path, "image");
    await mkdir(image);
    await writeFile(
      join(image, "calculate-ellipse-area.sh"),
      `#! /usr/bin/env sh
a=$(cat "$1/a"); b=$(cat "$1/b")
awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", 3.14159265 * a * b }' > "$2/area"
echo "[from shell rawcontainer]" > "$2/metadata"
`,
    );
    await chmod(join(image, "calculate-ellipse-area.sh"), 0o755);
    const h = await harness({ template, inputs: literalMap({ a: floatLiteral(2), b: floatLiteral(3) }) });
    const p = plugin({ images: { "ghcr.io/flyteorg/rawcontainers-shell:v1": { workingDir: image } } });

    expect((await h.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(jsOf(await h.readOutputs())).toEqual({ area: 18.8496, metadata: "[from shell rawcontainer]" });
  });

  it("turns co-pilot's _ERROR file into error.pb (OutputUploadFailed, recoverable) for the engine to read", async () => {
    const template = shellTask("echo 'bad input' > /var/outputs/_ERROR", {
      outputs: { y: int },
      copilot: DataLoadingConfig_LiteralMapFormat.JSON,
    });
    const h = await harness({ template });
    expect((await h.runUntilTerminal(plugin())).phase).toBe(PluginPhase.Success);
    expect(await h.readOutputs()).toBeUndefined();
    const error = (await h.readError())?.error;
    expect([error?.code, error?.message, error?.kind]).toEqual([
      "OutputUploadFailed",
      "User Error: bad input\n",
      ContainerError_Kind.RECOVERABLE,
    ]);
  });

  it("reports a non-zero exit as a retryable USER failure carrying stderr's tail, as the pod plugin does", async () => {
    const h = await harness({ template: shellTask("echo working; echo 'disk on fire' >&2; exit 3") });
    const phase = await h.runUntilTerminal(plugin());
    expect(phase.phase).toBe(PluginPhase.RetryableFailure);
    expect(phase.error?.kind).toBe(ExecutionError_ErrorKind.USER);
    expect(phase.error?.code).toBe("Error");
    expect(phase.error?.message).toBe(
      "\r\n[abc123-n0-0] terminated with exit code (3). Reason [Error]. Message: \ndisk on fire\n.",
    );
  });

  it("reports a SIGKILLed process as a retryable SYSTEM Interrupted failure", async () => {
    const h = await harness({ template: shellTask("kill -9 $$") });
    const phase = await h.runUntilTerminal(plugin());
    expect([phase.phase, phase.error?.kind, phase.error?.code]).toEqual([
      PluginPhase.RetryableFailure,
      ExecutionError_ErrorKind.SYSTEM,
      "Interrupted",
    ]);
    expect(phase.error?.message).toContain("terminated with exit code (137)");
  });

  it("fails permanently, in the first round, when the program is not installed", async () => {
    const template = shellTask("");
    (template.target.value as { command: string[] }).command = ["pyflyte-fast-execute", "--additional-distribution"];
    const h = await harness({ template });
    const phase = await h.round(plugin());
    expect([phase.phase, phase.error?.kind, phase.error?.code]).toEqual([
      PluginPhase.PermanentFailure,
      ExecutionError_ErrorKind.USER,
      "ProgramNotFound",
    ]);
    expect(phase.error?.message).toMatch(
      /^program \[pyflyte-fast-execute\] not found: .*install flytekit.*map the image \[alpine:3\]/,
    );
  });

  it("maps programs and images to local commands", async () => {
    const bin = join(dir.path, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "fake-pyflyte"), '#!/bin/sh\necho "pyflyte $*"; echo "image env: $IMAGE_ENV"\n');
    await chmod(join(bin, "fake-pyflyte"), 0o755);
    const template = shellTask("");
    (template.target.value as { command: string[] }).command = ["pyflyte-execute", "--inputs", "{{.input}}"];
    const h = await harness({ template });
    const p = plugin({
      programs: { "pyflyte-execute": [join(bin, "fake-pyflyte")] },
      images: { "alpine:3": { commandPrefix: ["env", "IMAGE_ENV=set"] } },
    });
    const first = await h.round(p);
    expect((await h.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    const stdout = await readFile(fileURLToPath(first.info?.logs?.[0]?.uri ?? ""), "utf8");
    expect(stdout).toMatch(/^pyflyte --inputs file:\/\/.*\/n0\/data\/inputs\.pb\nimage env: set\n$/);
  });

  it("fails permanently with FailedToBuildResource when a template cannot be rendered", async () => {
    const h = await harness({ template: shellTask("echo {{.inputs.missing}}") });
    const phase = await h.round(plugin());
    expect([phase.phase, phase.error?.code]).toEqual([PluginPhase.PermanentFailure, "FailedToBuildResource"]);
    expect(phase.error?.message).toContain("requested input is not found [missing]");
  });

  it("waits for a process slot when the engine's quota is used, and is woken when one frees", async () => {
    const resourceManager = createInMemoryResourceManager();
    const gate = join(dir.path, "gate");
    const first = await harness({
      template: shellTask(waitFor(gate)),
      resourceManager,
    });
    const second = await harness({
      template: shellTask("exit 0"),
      resourceManager,
      shareStoreWith: first,
      execution: { project: "flytesnacks", domain: "development", name: "other" },
    });
    const p = plugin({ maxConcurrentProcesses: 1 });

    expect((await first.round(p)).phase).toBe(PluginPhase.Running);
    const waiting = await second.round(p);
    expect(waiting.phase).toBe(PluginPhase.WaitingForResources);
    expect(second.state).toEqual({ phase: "waiting" });

    // The slot frees when the first process exits, before its attempt's next round and finalize.
    const wakesBefore = second.wakes;
    await writeFile(gate, "");
    await second.nextWake(wakesBefore);
    expect((await second.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect((await first.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    await p.finalize(first.context());
    await p.finalize(second.context());
    expect(resourceManager.allocated(LOCAL_PROCESS_RESOURCE_NAMESPACE)).toEqual([]);
  });

  it("aborts the whole process group (SIGTERM, then SIGKILL after the grace period)", async () => {
    const childPidFile = join(dir.path, "child.pid");
    // The shell ignores SIGTERM, so only the SIGKILL after the grace period ends it.
    const h = await harness({ template: shellTask(`trap '' TERM; sleep 60 & echo $! > ${childPidFile}; wait`) });
    const p = plugin({ killGracePeriodMs: 200 });
    expect((await h.round(p)).phase).toBe(PluginPhase.Running);
    const pid = await pidOf(h);
    await vi.waitFor(() => expect(existsSync(childPidFile)).toBe(true));
    const childPid = Number((await readFile(childPidFile, "utf8")).trim());
    expect(isProcessAlive(pid)).toBe(true);

    const wakes = h.wakes;
    await p.abort(h.context(), "aborted by the user");
    await h.nextWake(wakes);
    await vi.waitFor(() => expect([isProcessAlive(pid), isProcessAlive(childPid)]).toEqual([false, false]));
    const sandbox = (h.state as { sandbox: string }).sandbox;
    await p.finalize(h.context());
    expect(existsSync(sandbox)).toBe(false);
  });

  it("finds its process again after an engine restart and waits for it, then succeeds from its outputs", async () => {
    const outputs = join(dir.path, "prepared-outputs.pb");
    await writeFile(outputs, toBinary(LiteralMapSchema, literalMap({ y: integerLiteral(1) })));
    const gate = join(dir.path, "gate");
    const template = shellTask(`${waitFor(gate)}; cp "$0" "\${1#file://}/outputs.pb"`, {
      outputs: { y: int },
    });
    (template.target.value as { args: string[] }).args = [outputs, "{{.outputPrefix}}"];
    const h = await harness({ template });
    expect((await h.round(plugin())).phase).toBe(PluginPhase.Running);
    await pidOf(h);

    // A new engine: a new plugin instance that never saw the process, with the persisted state.
    const restarted = plugin({ recoveryPollMs: 20 });
    expect((await h.round(restarted)).phase).toBe(PluginPhase.Running);
    const wakes = h.wakes;
    await writeFile(gate, "");
    await h.nextWake(wakes);
    expect((await h.round(restarted)).phase).toBe(PluginPhase.Success);
    expect(jsOf(await h.readOutputs())).toEqual({ y: 1 });
  });

  it("after a restart, reports a process that ended without outputs as a retryable SYSTEM Interrupted", async () => {
    const gate = join(dir.path, "gate");
    const h = await harness({ template: shellTask(gated(gate)) });
    const p = plugin();
    expect((await h.round(p)).phase).toBe(PluginPhase.Running);
    const pid = await pidOf(h);
    await writeFile(gate, "");
    await vi.waitFor(() => expect(isProcessAlive(pid)).toBe(false));
    const phase = await h.round(plugin());
    expect([phase.phase, phase.error?.kind, phase.error?.code]).toEqual([
      PluginPhase.RetryableFailure,
      ExecutionError_ErrorKind.SYSTEM,
      "Interrupted",
    ]);
    expect(phase.error?.message).toContain("the engine restarted while the task ran");
  });

  it("keeps the logs and releases the token at finalize, removing the sandbox", async () => {
    const resourceManager = createInMemoryResourceManager();
    const gate = join(dir.path, "gate");
    const h = await harness({ template: shellTask(gated(gate, "echo to-the-log; touch scratch")), resourceManager });
    const p = plugin();
    const first = await h.round(p);
    expect(resourceManager.allocated(LOCAL_PROCESS_RESOURCE_NAMESPACE)).toEqual([
      "ex:flytesnacks:development:abc123-abc123-n0-0",
    ]);
    await writeFile(gate, "");
    expect(resourceManager.quotaOf(LOCAL_PROCESS_RESOURCE_NAMESPACE)).toBe(p.options.maxConcurrentProcesses);
    await h.runUntilTerminal(p);
    const { sandbox } = h.state as { sandbox: string };
    expect(existsSync(join(sandbox, "work", "scratch"))).toBe(true);
    await p.finalize(h.context());
    await p.finalize(h.context());
    expect(existsSync(sandbox)).toBe(false);
    expect(resourceManager.allocated(LOCAL_PROCESS_RESOURCE_NAMESPACE)).toEqual([]);
    expect(await readFile(fileURLToPath(first.info?.logs?.[0]?.uri ?? ""), "utf8")).toBe("to-the-log\n");
  });

  it("makes only the working directory in the sandbox of a task without a data config", async () => {
    const gate = join(dir.path, "gate");
    const h = await harness({ template: shellTask(gated(gate)) });
    const p = plugin();
    expect((await h.round(p)).phase).toBe(PluginPhase.Running);
    const { sandbox } = h.state as { sandbox: string };
    const pid = await pidOf(h);
    expect((await readdir(sandbox)).sort()).toEqual(["pid.json", "work"]);
    expect(JSON.parse(await readFile(join(sandbox, "pid.json"), "utf8"))).toMatchObject({ pid });
    await writeFile(gate, "");
    expect((await h.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
  });

  it("kills the process an earlier try of the same round started before starting the attempt afresh", async () => {
    const gate = join(dir.path, "gate");
    const h = await harness({ template: shellTask(gated(gate, "echo done")) });
    expect((await h.round(plugin())).phase).toBe(PluginPhase.Running);
    const { sandbox } = h.state as { sandbox: string };
    const firstPid = await pidOf(h);
    await writeFile(join(sandbox, "work", "left-over"), "");

    // The engine crashed before saving the round: a new engine runs it again from the previous state.
    h.state = undefined;
    expect((await h.round(plugin())).phase).toBe(PluginPhase.Running);
    const secondPid = await pidOf(h);
    expect(secondPid).not.toBe(firstPid);
    await vi.waitFor(() => expect(isProcessAlive(firstPid)).toBe(false));
    expect(existsSync(join(sandbox, "work", "left-over"))).toBe(false);
    expect(isProcessAlive(secondPid)).toBe(true);
    await writeFile(gate, "");
  });

  it("refuses tasks without a container", async () => {
    const template = shellTask("true");
    template.target = { case: undefined };
    const h = await harness({ template, inputs: literalMap({ s: stringLiteral("x") }) });
    const phase = await h.round(plugin());
    expect([phase.phase, phase.error?.code]).toEqual([PluginPhase.PermanentFailure, "BadTaskSpecification"]);
  });
});
