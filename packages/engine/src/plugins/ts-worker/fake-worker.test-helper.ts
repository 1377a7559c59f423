/**
 * A stand-in for the SDK's worker entry, for the engine's ts-worker tests (the engine must not import the
 * SDK): a Node script speaking the worker protocol that, instead of running TypeScript tasks, does what the
 * task's environment says:
 *
 * - `FAKE_MODE=ok` (default): writes the bytes of `FAKE_OUTPUTS_B64` as `<output prefix>/outputs.pb`, done 0;
 * - `FAKE_MODE=exit`: done with `FAKE_EXIT_CODE`;
 * - `FAKE_MODE=crash`: prints `FAKE_STDERR` to stderr and exits 3 mid-task;
 * - `FAKE_MODE=hang`: waits; an abort is honoured (done 1) unless `FAKE_IGNORE_ABORT=1`.
 *
 * Every run prints `run <n> pid <pid> argv0 <argv[0]> echo <ECHO>` to stdout, so tests see which worker
 * ran it and with which environment.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const SCRIPT = `
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
let runs = 0;
let hanging;
const done = (runId, exitCode) => process.send({ type: "done", runId, exitCode });
process.on("message", (m) => {
  if (m.type === "abort") {
    if (hanging !== undefined && hanging.runId === m.runId && hanging.env.FAKE_IGNORE_ABORT !== "1") {
      hanging = undefined;
      done(m.runId, 1);
    }
    return;
  }
  if (m.type !== "run") return;
  runs++;
  console.log("run " + runs + " pid " + process.pid + " argv0 " + m.argv[0] + " echo " + (m.env.ECHO ?? ""));
  const mode = m.env.FAKE_MODE ?? "ok";
  if (mode === "crash") {
    process.stderr.write(m.env.FAKE_STDERR ?? "");
    process.exit(3);
  }
  if (mode === "hang") {
    hanging = m;
    return;
  }
  if (mode === "exit") return done(m.runId, Number(m.env.FAKE_EXIT_CODE));
  const prefix = m.argv[m.argv.indexOf("--output-prefix") + 1];
  const dir = fileURLToPath(prefix);
  mkdirSync(dir, { recursive: true });
  writeFileSync(dir + "/outputs.pb", Buffer.from(m.env.FAKE_OUTPUTS_B64 ?? "", "base64"));
  done(m.runId, 0);
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
`;

/** Writes the fake worker into `dir` and returns its path. */
export async function writeFakeWorker(dir: string): Promise<string> {
  const file = join(dir, "fake-worker.mjs");
  await writeFile(file, SCRIPT);
  return file;
}
