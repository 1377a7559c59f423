import { type Command, InvalidArgumentError } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { addClientOptions, type ClientFlags } from "../client/client-settings.js";

interface LogsFlags extends ClientFlags {
  node?: string;
  attempt?: number;
}

const description = [
  "Print the logs of one task attempt of an execution: the links its task execution carries (TaskLog URIs), read from disk for file:// links (the local-process and TypeScript worker plugins write each attempt's stdout and stderr to files) and fetched for http(s) ones.",
  "Without --node, the node is the last failed task node, else the last running one, else the last that ran; without --attempt, its latest attempt. Attempts count from 1, as `aloft get execution --watch` shows them. With several logs (stdout and stderr), each is headed `==> name <==`; which attempt it is goes to stderr.",
].join("\n\n");

const examples = `
Examples:
  aloft logs f8a3c2d1e -p flytesnacks -d development
  aloft logs f8a3c2d1e --node n1 --attempt 1 -p flytesnacks -d development`;

function parseAttempt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("use an attempt number from 1.");
  }
  return n;
}

/** `aloft logs`: a task attempt's logs. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    addClientOptions(
      program
        .command("logs")
        .summary("print the logs of a task attempt of an execution")
        .description(description)
        .argument("<execution>", "the execution's name")
        .option("--node <id>", "the task node (default: the last failed, else running, else finished one)")
        .option("--attempt <n>", "the attempt, from 1 (default: the latest)", parseAttempt),
    )
      .addHelpText("after", examples)
      .action(async (name: string, flags: LogsFlags) => printLogs(name, flags, context));
  },
};

async function printLogs(name: string, flags: LogsFlags, context: CliContext): Promise<void> {
  const [{ resolveClientSettings }, { createAdminClients }, { findTaskAttempt }, { readTaskLog }] = await Promise.all([
    import("../client/client-settings.js"),
    import("../client/admin-clients.js"),
    import("../logs/find-task-attempt.js"),
    import("../logs/read-task-log.js"),
  ]);
  const { TaskExecution_Phase } = await import("@aloft/idl/gen/flyteidl/core/execution_pb");
  const settings = await resolveClientSettings(flags, context);
  const project = required(settings.project, "project", "-p <project>", "root.project");
  const domain = required(settings.domain, "domain", "-d <domain>", "root.domain");
  const clients = await createAdminClients(settings.connection);
  try {
    const attempt = await findTaskAttempt({
      admin: clients.admin,
      executionId: { project, domain, name },
      ...(flags.node === undefined ? {} : { nodeId: flags.node }),
      ...(flags.attempt === undefined ? {} : { attempt: flags.attempt }),
    });
    const nodeId = attempt.id?.nodeExecutionId?.nodeId ?? "";
    const number = (attempt.id?.retryAttempt ?? 0) + 1;
    const phase = TaskExecution_Phase[attempt.closure?.phase ?? TaskExecution_Phase.UNDEFINED] ?? "UNDEFINED";
    const logs = attempt.closure?.logs ?? [];
    context.output.stderr(`node ${nodeId} attempt ${number} (${attempt.id?.taskId?.name ?? "?"}) ${phase}\n`);
    if (logs.length === 0) {
      throw CliError.failure(`node ${nodeId} attempt ${number} has no logs`, {
        hint: "the plugin that ran it links none, or it has not started",
      });
    }
    // Read everything first: a log that cannot be read fails the command before anything is printed.
    const texts = await Promise.all(logs.map((log) => readTaskLog(log)));
    logs.forEach((log, index) => {
      const text = texts[index]!;
      if (logs.length > 1) context.output.stdout(`${index === 0 ? "" : "\n"}==> ${log.name || log.uri} <==\n`);
      context.output.stdout(text === "" || text.endsWith("\n") ? text : `${text}\n`);
    });
  } finally {
    clients.close();
  }
}

function required(value: string | undefined, what: string, flag: string, key: string): string {
  if (value !== undefined && value !== "") return value;
  throw CliError.usage(`aloft logs needs a ${what}: ${flag}`, { hint: `or set ${key} in the config file` });
}
