import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import type { AdminClients } from "../client/admin-clients.js";
import { addClientOptions, type ClientFlags } from "../client/client-settings.js";

interface ApproveFlags extends ClientFlags {
  reject?: boolean;
}

const description = [
  "Answer the gate nodes of an execution, as the console's approve and resume buttons do (admin's SignalService): `approve` answers an approval (approve() in the SDK, a boolean signal) with true, or false with --reject; `set` gives a waitForInput() signal its value, read by the signal's type; `list` shows the signals the execution asked for so far, their types and values.",
  "A gate node creates its signal when the execution reaches it, so a signal can be set only from then on. An engine running beside admin (aloft start) resumes at once; one running as its own process (aloft serve engine) within its re-evaluation period.",
].join("\n\n");

const examples = `
Examples:
  aloft signal list f8a3c2d1e -p flytesnacks -d development
  aloft signal approve f8a3c2d1e budget-ok -p flytesnacks -d development
  aloft signal approve f8a3c2d1e budget-ok --reject -p flytesnacks -d development
  aloft signal set f8a3c2d1e bonus 500 -p flytesnacks -d development`;

/** `aloft signal`: list, approve and set the signals of an execution's gate nodes. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const signal = program
      .command("signal")
      .summary("approve, reject or set the signals an execution's gate nodes wait for")
      .description(description)
      .addHelpText("after", examples);
    addClientOptions(
      signal
        .command("list")
        .summary("list the signals of an execution")
        .description("List the signals an execution asked for so far: id, type, and value (or waiting).")
        .argument("<execution>", "the execution's name"),
    ).action(async (name: string, flags: ClientFlags) => {
      await withClients(name, flags, context, async (clients, id) => {
        const [{ listExecutionSignals }, { formatColumns, printLines }, { literalToString, literalTypeToString }] =
          await Promise.all([import("../signal/execution-signals.js"), import("../output.js"), import("@aloft/idl")]);
        const signals = await listExecutionSignals(clients, id);
        if (signals.length === 0) {
          context.output.stderr(`execution ${id.project}/${id.domain}/${id.name} has asked for no signal\n`);
          return;
        }
        const rows = signals.map((s) => [
          s.id?.signalId ?? "",
          s.type === undefined ? "" : literalTypeToString(s.type),
          s.value === undefined ? "(waiting)" : literalToString(s.value),
        ]);
        printLines(context.output, formatColumns([["SIGNAL", "TYPE", "VALUE"], ...rows]));
      });
    });
    addClientOptions(
      signal
        .command("approve")
        .summary("approve (or --reject) an approval gate")
        .description("Answer an approval gate (a boolean signal): true, or false with --reject, which fails the node.")
        .argument("<execution>", "the execution's name")
        .argument("<signal-id>", "the signal's id")
        .option("--reject", "reject instead of approving"),
    ).action(async (name: string, signalId: string, flags: ApproveFlags) => {
      await withClients(name, flags, context, async (clients, id) => {
        const { findExecutionSignal } = await import("../signal/execution-signals.js");
        const { booleanLiteral, literalTypeToString } = await import("@aloft/idl");
        const { SimpleType } = await import("@aloft/idl/gen/flyteidl/core/types_pb");
        const found = await findExecutionSignal(clients, id, signalId);
        const type = found.type?.type;
        if (type?.case !== "simple" || type.value !== SimpleType.BOOLEAN) {
          throw CliError.usage(
            `signal ${signalId} is not an approval: it takes ${found.type === undefined ? "a value" : literalTypeToString(found.type)}`,
            { hint: `give its value with aloft signal set ${name} ${signalId} <value>` },
          );
        }
        const approved = flags.reject !== true;
        await clients.signals.setSignal({ id: { executionId: id, signalId }, value: booleanLiteral(approved) });
        context.output.stdout(
          `${approved ? "approved" : "rejected"} ${signalId} of ${id.project}/${id.domain}/${id.name}\n`,
        );
      });
    });
    addClientOptions(
      signal
        .command("set")
        .summary("give a signal its value")
        .description(
          "Give a signal its value, read by the signal's type: true/false, integers, numbers, text, RFC 3339 times, durations (1h30m), JSON for structs, lists and maps.",
        )
        .argument("<execution>", "the execution's name")
        .argument("<signal-id>", "the signal's id")
        .argument("<value>", "the value"),
    ).action(async (name: string, signalId: string, text: string, flags: ClientFlags) => {
      await withClients(name, flags, context, async (clients, id) => {
        const { findExecutionSignal } = await import("../signal/execution-signals.js");
        const { parseSignalValue } = await import("../signal/parse-signal-value.js");
        const { literalToString } = await import("@aloft/idl");
        const found = await findExecutionSignal(clients, id, signalId);
        if (found.type === undefined) throw CliError.failure(`signal ${signalId} has no type: admin did not say it`);
        const value = parseSignalValue(text, found.type, signalId);
        await clients.signals.setSignal({ id: { executionId: id, signalId }, value });
        context.output.stdout(
          `set ${signalId} of ${id.project}/${id.domain}/${id.name} to ${literalToString(value)}\n`,
        );
      });
    });
  },
};

type ExecutionId = { project: string; domain: string; name: string };

async function withClients(
  name: string,
  flags: ClientFlags,
  context: CliContext,
  body: (clients: AdminClients, id: ExecutionId) => Promise<void>,
): Promise<void> {
  const { resolveClientSettings } = await import("../client/client-settings.js");
  const { createAdminClients } = await import("../client/admin-clients.js");
  const settings = await resolveClientSettings(flags, context);
  const project = required(settings.project, "project", "-p <project>", "root.project");
  const domain = required(settings.domain, "domain", "-d <domain>", "root.domain");
  const clients = await createAdminClients(settings.connection);
  try {
    await body(clients, { project, domain, name });
  } finally {
    clients.close();
  }
}

function required(value: string | undefined, what: string, flag: string, key: string): string {
  if (value !== undefined && value !== "") return value;
  throw CliError.usage(`aloft signal needs a ${what}: ${flag}`, { hint: `or set ${key} in the config file` });
}
