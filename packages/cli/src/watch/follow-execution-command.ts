/**
 * Following an execution from the command line: `aloft get execution <name> --watch` and `aloft run --remote
 * --follow` show its progress live (redrawn on a terminal, one line per change otherwise) and its outputs, and
 * `aloft run --remote --wait` waits silently for its outputs. Everything comes from admin's WatchService.
 */
import type { Execution } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import { WorkflowExecution_Phase } from "@aloft/idl/gen/flyteidl/core/execution_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CliContext } from "../cli-command.js";
import { CliError, ExitCode } from "../cli-error.js";
import { type AdminClients, createAdminClients } from "../client/admin-clients.js";
import { type ClientFlags, resolveClientSettings } from "../client/client-settings.js";
import { describeConnectionError } from "../client/connection-errors.js";
import type { AdminConnectionSettings } from "../client/client-settings.js";
import type { OutputSink } from "../output.js";
import { formatExecutionOutputs } from "./execution-outputs.js";
import { followExecution } from "./follow-execution.js";
import { workflowPhaseName } from "./execution-progress.js";

/** Options of {@link followExecutionCommand}. */
export interface FollowExecutionCommandOptions {
  /** The execution's name (in `-p`/`-d`, else the config file's `root.project`/`root.domain`). */
  name: string;
  /** flytectl's globals: `-c`, `-p`, `-d`, `--admin`. */
  flags: ClientFlags;
  context: CliContext;
}

/**
 * The body of `aloft get execution <name> --watch`: shows the execution's progress until it is terminal (at once
 * when it already is), then its outputs, and sets exit code 1 unless it SUCCEEDED. The display is live when stdout
 * is a terminal, one line per change otherwise.
 *
 * @throws CliError (usage) without a project or domain; (failure) for an unknown execution or an unreachable admin.
 */
export async function followExecutionCommand(options: FollowExecutionCommandOptions): Promise<Execution> {
  const { context } = options;
  const settings = await resolveClientSettings(options.flags, context);
  const project = requiredSetting(settings.project, "project", "-p <project>", "root.project");
  const domain = requiredSetting(settings.domain, "domain", "-d <domain>", "root.domain");
  const clients = await createAdminClients(settings.connection);
  try {
    // One unary call first: an unknown execution or an unreachable admin is reported at once, not after the
    // watch's reconnect attempts.
    await clients.admin.getExecution({ id: { project, domain, name: options.name } }).catch((error: unknown) => {
      if (error instanceof ConnectError && error.code === Code.NotFound) {
        throw CliError.failure(`execution ${project}/${domain}/${options.name} not found`, { cause: error });
      }
      throw error;
    });
    const followed = await followToEnd({
      clients,
      connection: settings.connection,
      id: { project, domain, name: options.name },
      context,
    });
    if (!followed.succeeded) context.setExitCode(ExitCode.Failure);
    return followed.execution;
  } finally {
    clients.close();
  }
}

/** Where and what to follow. */
export interface FollowToEndOptions {
  clients: AdminClients;
  /** For one readable line when admin cannot be reached. */
  connection: AdminConnectionSettings;
  id: Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">;
  context: CliContext;
}

/**
 * Shows the execution's progress and outputs on stdout until it is terminal.
 *
 * @throws CliError (failure) for an unknown execution or an unreachable admin.
 */
export async function followToEnd(options: FollowToEndOptions): Promise<{ execution: Execution; succeeded: boolean }> {
  const execution = await follow(options, options.context.output, true);
  return { execution, succeeded: execution.closure?.phase === WorkflowExecution_Phase.SUCCEEDED };
}

/**
 * Waits for the execution's end without a display and answers its outputs as `name: value` lines.
 *
 * @throws CliError (failure) naming the phase and the error when it did not succeed, for an unknown execution,
 *   or an unreachable admin.
 */
export async function waitToEnd(options: Omit<FollowToEndOptions, "context">): Promise<string[]> {
  const silent: OutputSink = { stdout: () => undefined, stderr: () => undefined };
  const execution = await follow(options, silent, false);
  const phase = execution.closure?.phase;
  if (phase !== WorkflowExecution_Phase.SUCCEEDED) {
    const result = execution.closure?.outputResult;
    const error = result?.case === "error" ? `: ${result.value.message.trim().split("\n")[0]}` : "";
    const abort = result?.case === "abortMetadata" ? `: ${result.value.cause}` : "";
    throw CliError.failure(`execution ${qualified(options.id)} ${workflowPhaseName(execution)}${error}${abort}`);
  }
  const data = await options.clients.admin.getExecutionData({ id: execution.id });
  return formatExecutionOutputs(data);
}

async function follow(
  options: Omit<FollowToEndOptions, "context">,
  output: OutputSink,
  printOutputs: boolean,
): Promise<Execution> {
  const tty = output.stdoutIsTerminal === true;
  // Ctrl-C on a terminal stops following (not the execution) and lets the live display restore the cursor.
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  if (tty) process.once("SIGINT", onInterrupt);
  try {
    return await followExecution({
      baseUrl: options.clients.baseUrl,
      transport: options.clients.transport,
      id: options.id,
      output,
      tty,
      // A pseudo-terminal without a window size reports 0 columns.
      size: () => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
      printOutputs,
      signal: stop.signal,
    });
  } catch (error) {
    if (stop.signal.aborted) {
      throw CliError.failure(`stopped following ${qualified(options.id)}; the execution goes on`, {
        hint: `follow it again with aloft get execution ${options.id.name} --watch`,
        cause: error,
      });
    }
    if (error instanceof ConnectError && error.code === Code.NotFound) {
      throw CliError.failure(`execution ${qualified(options.id)} not found`, { cause: error });
    }
    throw describeConnectionError(error, options.connection) ?? error;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

function qualified(id: Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">): string {
  return `${id.project}/${id.domain}/${id.name}`;
}

function requiredSetting(value: string | undefined, what: string, flag: string, key: string): string {
  if (value !== undefined && value !== "") return value;
  throw CliError.usage(`a ${what} is needed: ${flag}`, { hint: `or set ${key} in the config file` });
}
