/**
 * What the plugins that run attempts on this machine (local-process, ts-worker) share: an attempt's name,
 * its stdout and stderr files and their links, and how a restarted engine tells an attempt that finished.
 */
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { TaskLog_MessageFormat, TaskLogSchema, type TaskLog } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { errorPath, fileUri, futuresPath, outputsPath } from "@aloft/storage";
import type { TaskExecutionContext } from "./task-plugin.js";

/** An attempt's stdout and stderr files (kept after the attempt). */
export interface AttemptLogFiles {
  stdoutFile: string;
  stderrFile: string;
}

/** `<project>-<domain>-<generated name>`: unique per attempt, as a pod name is per namespace. */
export function localAttemptName(ctx: TaskExecutionContext): string {
  const exec = ctx.workflowExecutionId;
  return `${exec.project}-${exec.domain}-${ctx.generatedName}`;
}

/** The attempt's log files in `logDir`. */
export function attemptLogFiles(ctx: TaskExecutionContext, logDir: string): AttemptLogFiles {
  const name = localAttemptName(ctx);
  return { stdoutFile: join(logDir, `${name}.stdout.log`), stderrFile: join(logDir, `${name}.stderr.log`) };
}

/** `file://` links to the attempt's stdout and stderr, as the task logs its events carry. */
export function attemptLogs(files: AttemptLogFiles): TaskLog[] {
  return [
    create(TaskLogSchema, {
      uri: fileUri(files.stdoutFile),
      name: "stdout",
      messageFormat: TaskLog_MessageFormat.UNKNOWN,
    }),
    create(TaskLogSchema, {
      uri: fileUri(files.stderrFile),
      name: "stderr",
      messageFormat: TaskLog_MessageFormat.UNKNOWN,
    }),
  ];
}

/**
 * Whether the attempt left `outputs.pb`, `error.pb` or `futures.pb`: how an engine that restarted while the
 * attempt ran (and so lost its exit) tells one that finished from one that was interrupted.
 */
export async function attemptLeftResult(ctx: TaskExecutionContext): Promise<boolean> {
  const prefix = ctx.paths.outputPrefix;
  for (const uri of [outputsPath(prefix), errorPath(prefix), futuresPath(prefix)]) {
    if (await ctx.blobs.exists(uri)) return true;
  }
  return false;
}
