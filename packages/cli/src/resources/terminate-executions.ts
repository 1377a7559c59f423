import type { CliContext } from "../cli-command.js";
import { printLines } from "../output.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { printData } from "./print-messages.js";

/** The flags of `delete execution`. */
export interface TerminateExecutionsFlags extends SessionFlags {
  dryRun?: boolean;
}

/** flytectl sends no cause; admin records this one instead of an empty string. */
const CAUSE = "terminated with aloft delete execution";

/**
 * `aloft delete execution <names…>`: terminates executions of the project and domain, one after another,
 * stopping at the first that admin refuses (flytectl/cmd/delete/execution.go). Executions that already ended are
 * left as they are by admin. `--dryRun` sends nothing and needs no admin.
 *
 * @throws CliError at the first execution admin refuses (those before it are terminated and reported).
 */
export async function terminateExecutions(
  names: readonly string[],
  flags: TerminateExecutionsFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("delete execution");
    const domain = session.domain("delete execution");
    const dryRun = flags.dryRun === true;
    const done: { name: string; terminated: boolean }[] = [];
    const report = () => {
      if (session.format === "table") {
        printLines(
          context.output,
          done.map(({ name }) =>
            dryRun ? `skipping TerminateExecution request for ${name} (dryRun)` : `terminated execution ${name}`,
          ),
        );
      } else {
        printData(
          context.output,
          session.format,
          done.map((d) => ({ ...d, dryRun })),
        );
      }
    };
    try {
      for (const name of names) {
        if (!dryRun) {
          const admin = await session.admin();
          await callAdmin(`terminate execution ${name}`, () =>
            admin.terminateExecution({ id: { project, domain, name }, cause: CAUSE }),
          );
        }
        done.push({ name, terminated: !dryRun });
      }
    } finally {
      report();
    }
  });
}
