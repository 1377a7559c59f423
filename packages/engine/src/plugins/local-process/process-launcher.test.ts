import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "@aloft/test-helpers";
import { LaunchError, type LaunchedExit, ProcessLauncher } from "./process-launcher.js";
import { isProcessAlive, parseProcStat, processStartTicks } from "./process-liveness.js";

let dir: { path: string; cleanup: () => Promise<void> };
let launcher: ProcessLauncher;
beforeEach(async () => {
  dir = await makeTempDir("aloft-launcher-");
  launcher = new ProcessLauncher();
});
afterEach(async () => {
  launcher.close();
  await dir.cleanup();
});

function spec(argv: string[], logDir = dir.path) {
  return {
    argv,
    cwd: dir.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdoutFile: join(logDir, "out.log"),
    stderrFile: join(logDir, "err.log"),
  };
}

describe("ProcessLauncher", () => {
  it("starts a process in its own group with its output in the log files, and reports its exit", async () => {
    let exit: (value: LaunchedExit | undefined) => void = () => undefined;
    const exited = new Promise<LaunchedExit | undefined>((resolve) => (exit = resolve));
    const launched = await launcher.launch(
      spec(["/bin/sh", "-c", 'echo "pgid=$(ps -o pgid= -p $$ | tr -d " ") pid=$$"; echo oops >&2; exit 3']),
      exit,
    );
    expect(await exited).toEqual({ code: 3, signal: null });
    const stdout = await readFile(join(dir.path, "out.log"), "utf8");
    expect(stdout).toBe(`pgid=${launched.pid} pid=${launched.pid}\n`);
    expect(await readFile(join(dir.path, "err.log"), "utf8")).toBe("oops\n");
    expect(launched.procStat === undefined ? undefined : parseProcStat(launched.procStat)?.startTicks).toEqual(
      expect.any(Number),
    );
  });

  it("reports a process killed by a signal", async () => {
    let exit: (value: LaunchedExit | undefined) => void = () => undefined;
    const exited = new Promise<LaunchedExit | undefined>((resolve) => (exit = resolve));
    await launcher.launch(spec(["/bin/sh", "-c", "kill -9 $$"]), exit);
    expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("fails with the program's errno when it cannot start, and with stage open when a log file cannot", async () => {
    const missing = launcher.launch(spec(["/no/such/program"]), () => undefined);
    await expect(missing).rejects.toMatchObject({ name: "LaunchError", stage: "spawn", code: "ENOENT" });
    await writeFile(join(dir.path, "a-file"), "");
    const logUnderFile = launcher.launch(spec(["/bin/true"], join(dir.path, "a-file")), () => undefined);
    await expect(logUnderFile).rejects.toBeInstanceOf(LaunchError);
    await expect(logUnderFile).rejects.toMatchObject({ stage: "open", code: "ENOTDIR" });
  });

  it("makes a missing log directory and records the process in the pid file before reporting its start", async () => {
    const exited = new Promise<LaunchedExit | undefined>((resolve) => {
      void launcher
        .launch(
          { ...spec(["/bin/true"], join(dir.path, "logs", "deep")), pidFile: join(dir.path, "pid.json") },
          resolve,
        )
        .then(async (launched) => {
          const record = JSON.parse(await readFile(join(dir.path, "pid.json"), "utf8")) as { pid: number };
          expect(record.pid).toBe(launched.pid);
        });
    });
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(await readFile(join(dir.path, "logs", "deep", "out.log"), "utf8")).toBe("");
  });

  it("reports exits as unknown when the launcher is gone, while the processes keep running", async () => {
    let exit: (value: LaunchedExit | undefined) => void = () => undefined;
    const exited = new Promise<LaunchedExit | undefined>((resolve) => (exit = resolve));
    const launched = await launcher.launch(spec(["/bin/sh", "-c", "sleep 30"]), exit);
    const startTicks = processStartTicks(launched.pid);
    launcher.close();
    expect(await exited).toBeUndefined();
    expect(isProcessAlive(launched.pid, startTicks)).toBe(true);
    process.kill(-launched.pid, "SIGKILL");
    // A launch after that starts a new helper.
    const again = await launcher.launch(spec(["/bin/true"]), () => undefined);
    expect(again.pid).toBeGreaterThan(0);
  });
});
