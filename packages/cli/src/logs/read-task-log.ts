/**
 * The text behind a task log link: the local plugins (local processes, TypeScript workers) link their stdout and
 * stderr files as `file://` URIs, read straight from disk; other plugins link web pages or APIs over http(s).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { TaskLog } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import { CliError } from "../cli-error.js";

/**
 * Reads the log at `log.uri`.
 *
 * @throws CliError (failure) when the file is not on this machine (the task ran on another one), the server
 *   answers with an error, or the scheme is neither file nor http(s).
 */
export async function readTaskLog(log: TaskLog): Promise<string> {
  const uri = log.uri;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "file") {
    const path = fileURLToPath(uri);
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw CliError.failure(
        code === "ENOENT"
          ? `the ${describe(log)} is not on this machine: ${path}`
          : `cannot read the ${describe(log)} ${path}: ${(error as Error).message}`,
        { hint: code === "ENOENT" ? "run aloft logs where the engine runs the task" : undefined, cause: error },
      );
    }
  }
  if (scheme === "http" || scheme === "https") {
    let response: Response;
    try {
      response = await fetch(uri);
    } catch (error) {
      const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
      throw CliError.failure(`cannot fetch the ${describe(log)} from ${uri}: ${reason}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw CliError.failure(
        `cannot fetch the ${describe(log)} from ${uri}: ${response.status} ${response.statusText}`,
      );
    }
    return response.text();
  }
  throw CliError.failure(`the ${describe(log)} is at ${uri}, which aloft cannot read`, {
    hint: "open it in a browser or the tool that serves it",
  });
}

function describe(log: TaskLog): string {
  return log.name === "" ? "log" : `log ${JSON.stringify(log.name)}`;
}
