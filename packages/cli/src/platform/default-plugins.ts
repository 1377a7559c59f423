/**
 * The task plugins `aloft start` runs with: TypeScript SDK tasks in warm worker processes, container tasks
 * (raw containers, flytekit's Python tasks) as local processes, and the engine's built-in `echo`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TaskPlugin } from "@aloft/engine";

/** Where the plugins keep per-attempt sandboxes and logs. */
export interface DefaultPluginOptions {
  /** e.g. `~/.aloft/work`. */
  workDir: string;
}

/** The SDK's files the plugins run: the warm worker and the `aloft-execute` bins. */
function sdkFiles(): { workerEntry: string; execute: string; fastExecute: string } {
  // The worker is `<sdk>/dist/entrypoint/worker.js`; the bins are `<sdk>/bin/`.
  const worker = import.meta.resolve("@aloft/sdk/worker");
  return {
    workerEntry: fileURLToPath(worker),
    execute: fileURLToPath(new URL("../../bin/aloft-execute.js", worker)),
    fastExecute: fileURLToPath(new URL("../../bin/aloft-fast-execute.js", worker)),
  };
}

/** The plugin for task types no plugin registers: the local-process plugin, as Flyte's default is its pod plugin. */
export const DEFAULT_PLUGIN_ID = "local-process";

export async function createDefaultPlugins(options: DefaultPluginOptions): Promise<TaskPlugin[]> {
  const { createLocalProcessPlugin, createTsWorkerPlugin } = await import("@aloft/engine");
  const sdk = sdkFiles();
  // The SDK's entrypoints run with this Node even when they are not on the PATH (a checkout, `npx aloft`).
  const programs = {
    "aloft-execute": [process.execPath, sdk.execute],
    "aloft-fast-execute": [process.execPath, sdk.fastExecute],
  };
  const processes = { workDir: join(options.workDir, "processes"), programs };
  return [
    createTsWorkerPlugin({
      workerEntry: sdk.workerEntry,
      workDir: join(options.workDir, "ts-workers"),
      processFallback: processes,
    }),
    createLocalProcessPlugin({ ...processes, id: DEFAULT_PLUGIN_ID }),
  ];
}
