import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import { integerLiteral, integerType, literalMap } from "@aloft/idl";
import { ExecutionError_ErrorKind } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { createTsWorkerPlugin, PluginPhase, type TsWorkerPlugin, type TsWorkerPluginOptions } from "../../index.js";
import {
  createPluginHarness,
  type PluginHarness,
  type PluginHarnessOptions,
} from "../testing/plugin-harness.test-helper.js";
import { containerTask, jsOf } from "../testing/templates.test-helper.js";
import { writeFakeWorker } from "./fake-worker.test-helper.js";

let dir: { path: string; cleanup: () => Promise<void> };
let workerEntry: string;
const harnesses: PluginHarness[] = [];
const plugins: TsWorkerPlugin[] = [];
beforeEach(async () => {
  dir = await makeTempDir("aloft-ts-worker-");
  workerEntry = await writeFakeWorker(dir.path);
});
afterEach(async () => {
  for (const p of plugins.splice(0)) await p.close();
  for (const h of harnesses.splice(0)) await h.cleanup();
  await dir.cleanup();
});

function plugin(options: Partial<TsWorkerPluginOptions> = {}): TsWorkerPlugin {
  const p = createTsWorkerPlugin({ workerEntry, workDir: join(dir.path, "work"), execArgv: [], ...options });
  plugins.push(p);
  return p;
}

let executions = 0;
async function harness(
  options: Omit<PluginHarnessOptions, "template"> & { template?: PluginHarnessOptions["template"] },
) {
  const h = await createPluginHarness({
    template: tsTask(),
    execution: { project: "flytesnacks", domain: "development", name: `exec${executions++}` },
    shareStoreWith: harnesses[0],
    ...options,
  });
  harnesses.push(h);
  return h;
}

/** A `ts-task` as the SDK serializes it, its code archive already filled in as registration does. */
function tsTask(options: { bundle?: string; env?: Record<string, string>; config?: Record<string, string> } = {}) {
  return containerTask([], {
    type: "ts-task",
    outputs: { y: integerType() },
    config: options.config ?? {},
    container: {
      image: "ghcr.io/me/app:1.0",
      env: Object.entries(options.env ?? {}).map(([key, value]) => ({ key, value })),
      args: [
        "aloft-fast-execute",
        "--additional-distribution",
        options.bundle ?? "file:///bundles/fast0123.tar.gz",
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
        "examples.hello.square",
      ],
    },
  });
}

const outputsB64 = (y: number) =>
  Buffer.from(toBinary(LiteralMapSchema, literalMap({ y: integerLiteral(y) }))).toString("base64");

async function stdoutOf(phase: { info?: { logs?: Array<{ uri: string }> } }): Promise<string> {
  return readFile(fileURLToPath(phase.info?.logs?.[0]?.uri ?? ""), "utf8");
}

describe("ts-worker plugin", () => {
  it("runs tasks of one bundle on the same warm worker, with the container's and Flyte's environment", async () => {
    const p = plugin();
    const first = await harness({
      template: tsTask({ env: { FAKE_OUTPUTS_B64: outputsB64(9), ECHO: "from-container" } }),
    });
    const running = await first.round(p);
    expect(running.phase).toBe(PluginPhase.Running);
    expect((await first.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(jsOf(await first.readOutputs())).toEqual({ y: 9 });

    const second = await harness({
      template: tsTask({ env: { FAKE_OUTPUTS_B64: outputsB64(16) } }),
      env: { ECHO: "from-flyte" },
    });
    const secondRunning = await second.round(p);
    expect((await second.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(jsOf(await second.readOutputs())).toEqual({ y: 16 });
    await p.finalize(first.context());
    await p.finalize(second.context());

    const line1 = await stdoutOf(running);
    const line2 = await stdoutOf(secondRunning);
    const pid = /pid (\d+)/.exec(line1)?.[1];
    expect(line1).toBe(`run 1 pid ${pid} argv0 aloft-fast-execute echo from-container\n`);
    expect(line2).toBe(`run 2 pid ${pid} argv0 aloft-fast-execute echo from-flyte\n`);
    expect(p.stats()).toEqual({ workers: 1, busy: 0, started: 1 });
  });

  it("waits while every worker is busy, then evicts an idle worker of another bundle", async () => {
    const p = plugin({ poolSize: 1 });
    const busy = await harness({ template: tsTask({ env: { FAKE_MODE: "hang" } }) });
    const other = await harness({
      template: tsTask({ bundle: "file:///bundles/fast4567.tar.gz", env: { FAKE_OUTPUTS_B64: outputsB64(1) } }),
    });
    expect((await busy.round(p)).phase).toBe(PluginPhase.Running);
    const waiting = await other.round(p);
    expect(waiting.phase).toBe(PluginPhase.WaitingForResources);
    expect(waiting.reason).toBe("waiting for a TypeScript worker (all 1 are busy)");

    const wakes = other.wakes;
    await p.abort(busy.context(), "stop");
    expect((await busy.runUntilTerminal(p)).phase).toBe(PluginPhase.RetryableFailure);
    await other.nextWake(wakes);
    expect((await other.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(p.stats()).toEqual({ workers: 1, busy: 0, started: 2 });
  });

  it("fails a task whose worker crashes with a retryable SYSTEM error, and replaces the worker", async () => {
    const p = plugin();
    const crash = await harness({ template: tsTask({ env: { FAKE_MODE: "crash", FAKE_STDERR: "segfault-ish" } }) });
    const phase = await crash.runUntilTerminal(p);
    expect([phase.phase, phase.error?.kind, phase.error?.code]).toEqual([
      PluginPhase.RetryableFailure,
      ExecutionError_ErrorKind.SYSTEM,
      "WorkerCrashed",
    ]);
    expect(phase.error?.message).toBe(
      "the TypeScript worker running the task exited (exit code 3) before the task finished. Message: \nsegfault-ish",
    );
    const next = await harness({ template: tsTask({ env: { FAKE_OUTPUTS_B64: outputsB64(2) } }) });
    expect((await next.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(p.stats().started).toBe(2);
  });

  it("maps the bin's exit codes: 2 is permanent (bad arguments), others are retryable USER failures", async () => {
    const p = plugin();
    const bad = await harness({ template: tsTask({ env: { FAKE_MODE: "exit", FAKE_EXIT_CODE: "2" } }) });
    const badPhase = await bad.runUntilTerminal(p);
    expect([badPhase.phase, badPhase.error?.code]).toEqual([PluginPhase.PermanentFailure, "BadTaskSpecification"]);
    const failed = await harness({ template: tsTask({ env: { FAKE_MODE: "exit", FAKE_EXIT_CODE: "1" } }) });
    const failedPhase = await failed.runUntilTerminal(p);
    expect([failedPhase.phase, failedPhase.error?.kind, failedPhase.error?.code]).toEqual([
      PluginPhase.RetryableFailure,
      ExecutionError_ErrorKind.USER,
      "Error",
    ]);
    expect(p.stats()).toEqual({ workers: 1, busy: 0, started: 1 });
  });

  it("kills a worker whose task ignores the abort after the grace period", async () => {
    const p = plugin({ abortGracePeriodMs: 100 });
    const h = await harness({ template: tsTask({ env: { FAKE_MODE: "hang", FAKE_IGNORE_ABORT: "1" } }) });
    expect((await h.round(p)).phase).toBe(PluginPhase.Running);
    expect(p.stats()).toEqual({ workers: 1, busy: 1, started: 1 });
    await p.abort(h.context(), "aborted by the user");
    const phase = await h.runUntilTerminal(p);
    expect([phase.phase, phase.error?.code]).toEqual([PluginPhase.RetryableFailure, "WorkerCrashed"]);
    expect(phase.error?.message).toContain("(signal SIGKILL)");
    await p.finalize(h.context());
    expect(p.stats()).toEqual({ workers: 0, busy: 0, started: 1 });
  });

  it("runs tasks that opt out of warm workers as local processes", async () => {
    const bin = join(dir.path, "bin");
    await mkdir(bin);
    const script = join(bin, "aloft-fast-execute");
    await writeFile(script, '#!/bin/sh\necho "process $1 $ECHO"\n');
    await chmod(script, 0o755);
    const p = plugin({
      processFallback: { programs: { "aloft-fast-execute": [script] }, workDir: join(dir.path, "processes") },
    });
    const h = await harness({
      template: tsTask({ config: { "aloft.dev/warm-worker": "false" }, env: { ECHO: "cold" } }),
    });
    const first = await h.round(p);
    expect(h.state).toMatchObject({ mode: "process", process: { phase: "running" } });
    expect((await h.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    expect(await stdoutOf(first)).toBe("process --additional-distribution cold\n");
    await p.finalize(h.context());
    expect(p.stats().started).toBe(0);
  });

  it("after an engine restart, succeeds from the outputs a run left, else fails with a retryable SYSTEM error", async () => {
    const p = plugin();
    const h = await harness({ template: tsTask({ env: { FAKE_OUTPUTS_B64: outputsB64(4) } }) });
    expect((await h.runUntilTerminal(p)).phase).toBe(PluginPhase.Success);
    // A new engine knows nothing of the run but its state.
    h.state = { ...(h.state as object), phase: "running" };
    expect((await h.round(plugin())).phase).toBe(PluginPhase.Success);

    const lost = await harness({ template: tsTask({ env: { FAKE_MODE: "hang" } }) });
    expect((await lost.round(p)).phase).toBe(PluginPhase.Running);
    const phase = await lost.round(plugin());
    expect([phase.phase, phase.error?.kind, phase.error?.code]).toEqual([
      PluginPhase.RetryableFailure,
      ExecutionError_ErrorKind.SYSTEM,
      "Interrupted",
    ]);
  });
});
