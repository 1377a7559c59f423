/**
 * Unary gRPC calls driven by h2load (nghttp2's HTTP/2 benchmarking client, Debian's `nghttp2-client`), when it is
 * installed: a C client spends a few µs of CPU per call where a Node.js one spends hundreds, which on a 2-core machine
 * would be taken from the server and counted in its latency. h2load checks HTTP statuses only, so every run is also
 * checked against admin's own `/metrics`: exactly `calls` more calls of the method answered `ok`, and none failed.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UnaryLoadOptions } from "./grpc-load.js";

/** Whether `h2load` can be run. */
export function h2loadInstalled(): boolean {
  return spawnSync("h2load", ["--version"], { stdio: "ignore" }).status === 0;
}

/** What {@link runH2load} measured. */
export interface H2loadResult {
  seconds: number;
  callsPerSecond: number;
  /** Each call's latency (request sent to response complete), in ms. */
  latenciesMs: number[];
}

/** Makes `calls` calls of one message, `concurrency` streams at a time on one connection. */
export async function runH2load(
  options: Omit<UnaryLoadOptions, "messages"> & { message: Uint8Array },
): Promise<H2loadResult> {
  const dir = mkdtempSync(join(tmpdir(), "aloft-h2load-"));
  try {
    const body = Buffer.alloc(5 + options.message.byteLength);
    body.writeUInt32BE(options.message.byteLength, 1);
    body.set(options.message, 5);
    writeFileSync(join(dir, "body"), body);
    const method = options.path.split("/").pop()!;
    const before = await callsByOutcome(options.baseUrl, method);
    const started = performance.now();
    await run("h2load", [
      ...["-n", String(options.calls), "-c", "1", "-m", String(options.concurrency)],
      ...["-d", join(dir, "body"), "-H", "content-type: application/grpc", "-H", "te: trailers"],
      `--log-file=${join(dir, "log")}`,
      `${options.baseUrl}${options.path}`,
    ]);
    const seconds = (performance.now() - started) / 1000;
    const after = await callsByOutcome(options.baseUrl, method);
    if (after.ok - before.ok !== options.calls || after.failed !== before.failed) {
      throw new Error(
        `h2load: ${method} answered ${after.ok - before.ok} of ${options.calls} calls ok and ${after.failed - before.failed} failed`,
      );
    }
    // The log has one line per request: start time (µs since the epoch), HTTP status, µs until the response ended.
    const latenciesMs = readFileSync(join(dir, "log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => Number(line.split("\t")[2]) / 1000);
    return { seconds, callsPerSecond: options.calls / seconds, latenciesMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many gRPC calls of `method` admin answered `ok` and otherwise, from its Prometheus counters. */
async function callsByOutcome(baseUrl: string, method: string): Promise<{ ok: number; failed: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const counts = { ok: 0, failed: 0 };
  for (const line of text.split("\n")) {
    if (!line.startsWith("aloft_admin_rpc_requests_total{") || !line.includes(`method="${method}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.includes('code="ok"')) counts.ok += value;
    else counts.failed += value;
  }
  return counts;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
