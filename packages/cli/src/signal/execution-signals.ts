/** The signals of an execution, as admin's SignalService lists them (gate nodes create theirs when reached). */
import type { Signal } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import type { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { CliError } from "../cli-error.js";

type ExecutionId = Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">;

const PAGE_SIZE = 100;

/**
 * Every signal of the execution, sorted by id.
 *
 * @throws CliError (failure) when the execution does not exist.
 */
export async function listExecutionSignals(
  clients: { admin: Client<typeof AdminService>; signals: Client<typeof SignalService> },
  executionId: ExecutionId,
): Promise<Signal[]> {
  await clients.admin.getExecution({ id: executionId }).catch((error: unknown) => {
    if (error instanceof ConnectError && error.code === Code.NotFound) {
      throw CliError.failure(`execution ${qualified(executionId)} not found`, { cause: error });
    }
    throw error;
  });
  const signals: Signal[] = [];
  let token = "";
  do {
    const page = await clients.signals.listSignals({ workflowExecutionId: executionId, limit: PAGE_SIZE, token });
    signals.push(...page.signals);
    token = page.token;
  } while (token !== "");
  return signals.sort((a, b) => (a.id?.signalId ?? "").localeCompare(b.id?.signalId ?? ""));
}

/**
 * The signal `signalId` of the execution.
 *
 * @throws CliError (failure) when the execution does not exist or is not waiting for that signal (yet), naming
 *   the signals it has.
 */
export async function findExecutionSignal(
  clients: { admin: Client<typeof AdminService>; signals: Client<typeof SignalService> },
  executionId: ExecutionId,
  signalId: string,
): Promise<Signal> {
  const signals = await listExecutionSignals(clients, executionId);
  const signal = signals.find((s) => s.id?.signalId === signalId);
  if (signal !== undefined) return signal;
  const known = signals.map((s) => s.id?.signalId ?? "");
  throw CliError.failure(`execution ${qualified(executionId)} has no signal ${signalId} (yet)`, {
    hint:
      known.length === 0
        ? "a gate node asks for its signal when the execution reaches it"
        : `its signals: ${known.join(", ")}`,
  });
}

export function qualified(id: ExecutionId): string {
  return `${id.project}/${id.domain}/${id.name}`;
}
