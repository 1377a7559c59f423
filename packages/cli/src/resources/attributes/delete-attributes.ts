import type { CliContext } from "../../cli-command.js";
import { printLines } from "../../output.js";
import { type SessionFlags, withAdminSession } from "../admin-session.js";
import { printData } from "../print-messages.js";
import { checkScope, describeScope, removeAttributes } from "./attribute-admin.js";
import { type AttributeScope, readAttributeFile } from "./attribute-file.js";
import type { AttributeKind } from "./attribute-kinds.js";

/** The flags of the attribute deleters. */
export interface DeleteAttributesFlags extends SessionFlags {
  /** Take project, domain and workflow from this attribute file (its other fields are ignored). */
  attrFile?: string;
  dryRun?: boolean;
}

/**
 * `aloft delete <kind> [workflow]`: removes the attributes of `kind` set for the project, project and domain, or
 * workflow (from the flags, or from `--attrFile`), as flytectl/cmd/delete/matchable_attribute_util.go does.
 * `--dryRun` sends nothing.
 *
 * @throws CliError for a bad file or scope, or when admin refuses.
 */
export async function deleteAttributes(
  kind: AttributeKind,
  workflow: string | undefined,
  flags: DeleteAttributesFlags,
  context: CliContext,
): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    let scope: AttributeScope;
    if (flags.attrFile !== undefined) {
      scope = (await readAttributeFile(flags.attrFile, kind, context.cwd)).scope;
    } else {
      scope = {
        project: session.settings.project ?? "",
        domain: session.settings.domain ?? "",
        workflow: workflow ?? "",
      };
    }
    checkScope(scope, `delete ${kind.command}`);
    const dryRun = flags.dryRun === true;
    if (!dryRun) await removeAttributes(await session.admin(), kind, scope);
    if (session.format === "table") {
      printLines(context.output, [
        dryRun
          ? `skipping the delete of the ${kind.title} of ${describeScope(scope)} (dryRun)`
          : `Deleted ${kind.title} from ${describeScope(scope)}`,
      ]);
    } else {
      printData(context.output, session.format, { ...scope, resource: kind.command, dryRun, deleted: !dryRun });
    }
  });
}
