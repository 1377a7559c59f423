import { ExecutionState } from "@aloft/idl/gen/flyteidl/admin/execution_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { applyUpdate, type UpdateFlags } from "./apply-update.js";
import { enumName } from "./proto-text.js";

/** The flags of `update execution`. */
export interface UpdateExecutionFlags extends SessionFlags, UpdateFlags {
  archive?: boolean;
  activate?: boolean;
}

/**
 * `aloft update execution <name> --archive|--activate`: hides an execution from lists (archive) or shows it again
 * (flytectl/cmd/update/execution.go).
 *
 * @throws CliError without exactly one of the flags, for an execution that does not exist, or a refused update.
 */
export async function updateExecution(name: string, flags: UpdateExecutionFlags, context: CliContext): Promise<void> {
  if (flags.archive === true && flags.activate === true) {
    throw CliError.usage("invalid state: pass either --activate or --archive, not both");
  }
  if (flags.archive !== true && flags.activate !== true) {
    throw CliError.usage("update execution needs the new state: --activate or --archive");
  }
  const state = flags.archive === true ? ExecutionState.EXECUTION_ARCHIVED : ExecutionState.EXECUTION_ACTIVE;
  await withAdminSession(flags, context, async (session) => {
    const id = { project: session.project("update execution"), domain: session.domain("update execution"), name };
    const admin = await session.admin();
    const execution = await callAdmin(`get execution ${name}`, () => admin.getExecution({ id }));
    const current = execution.closure?.stateChangeDetails?.state ?? ExecutionState.EXECUTION_ACTIVE;
    await applyUpdate(session, flags, {
      resource: `execution ${name}`,
      before: { state: enumName(ExecutionState, current) },
      after: { state: enumName(ExecutionState, state) },
      request: "UpdateExecution",
      apply: async () => {
        await callAdmin(`update execution ${name}`, () => admin.updateExecution({ id, state }));
      },
      done: `updated execution ${name} successfully to state ${enumName(ExecutionState, state)}`,
    });
  });
}
