import type { CliContext } from "../../cli-command.js";
import { CliError } from "../../cli-error.js";
import { isNotFound, type SessionFlags, withAdminSession } from "../admin-session.js";
import { applyUpdate, type UpdateFlags } from "../apply-update.js";
import { checkScope, describeScope, fetchAttributes, storeAttributes } from "./attribute-admin.js";
import { attributeBodyData, bodyOf, matchingAttributes, readAttributeFile } from "./attribute-file.js";
import type { AttributeKind } from "./attribute-kinds.js";

/** The flags of the attribute updaters. */
export interface UpdateAttributesFlags extends SessionFlags, UpdateFlags {
  attrFile?: string;
}

/**
 * `aloft update <kind> --attrFile f`: sets the attributes of `kind` for the scope the file names, replacing what
 * was there (flytectl/cmd/update/matchable_attribute_util.go): shows the change as a diff, then applies it after
 * confirmation (`--force`), or not at all (`--dryRun`).
 *
 * @throws CliError without `--attrFile`, for a bad file or scope, or when admin refuses.
 */
export async function updateAttributes(
  kind: AttributeKind,
  flags: UpdateAttributesFlags,
  context: CliContext,
): Promise<void> {
  if (flags.attrFile === undefined) {
    throw CliError.usage(`update ${kind.command} needs --attrFile <file>`, {
      hint: `aloft get ${kind.command} -p <project> -d <domain> --attrFile <file> writes one to edit`,
    });
  }
  const file = await readAttributeFile(flags.attrFile, kind, context.cwd);
  checkScope(file.scope, `update ${kind.command}`);
  await withAdminSession(flags, context, async (session) => {
    const admin = await session.admin();
    let current;
    try {
      current = bodyOf(kind, await fetchAttributes(admin, kind, file.scope));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await applyUpdate(session, flags, {
      resource: `${kind.title} of ${describeScope(file.scope)}`,
      before: current === undefined ? null : attributeBodyData(kind, current),
      after: attributeBodyData(kind, file.body),
      request: "update",
      apply: () => storeAttributes(admin, kind, file.scope, matchingAttributes(kind, file.body)),
      done: `Updated attributes from ${describeScope(file.scope)}`,
    });
  });
}
