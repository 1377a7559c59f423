import { NamedEntityState } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { applyUpdate, type UpdateFlags } from "./apply-update.js";
import { enumName } from "./proto-text.js";

/** The flags of `update task-meta`, `workflow-meta` and `launchplan-meta` (flytectl's NamedEntityConfig). */
export interface UpdateNamedEntityFlags extends SessionFlags, UpdateFlags {
  archive?: boolean;
  activate?: boolean;
  description?: string;
}

/** The entity kinds with metadata, by sub-command. */
export const NAMED_ENTITY_KINDS = {
  "task-meta": { resourceType: ResourceType.TASK, title: "task" },
  "workflow-meta": { resourceType: ResourceType.WORKFLOW, title: "workflow" },
  "launchplan-meta": { resourceType: ResourceType.LAUNCH_PLAN, title: "launch plan" },
} as const;

/**
 * `aloft update task-meta|workflow-meta|launchplan-meta <name>`: archives or activates a named entity and/or sets
 * its description (flytectl/cmd/update/named_entity.go). The diff shows only what the flags change. Unlike
 * flytectl, a description change keeps an archived entity archived: the state sent is the current one unless
 * `--archive` or `--activate` changes it.
 *
 * @throws CliError for contradictory flags, an entity that does not exist, or a refused update.
 */
export async function updateNamedEntity(
  kind: keyof typeof NAMED_ENTITY_KINDS,
  name: string,
  flags: UpdateNamedEntityFlags,
  context: CliContext,
): Promise<void> {
  if (flags.archive === true && flags.activate === true) {
    throw CliError.usage("invalid state: pass either --activate or --archive, not both");
  }
  const { resourceType, title } = NAMED_ENTITY_KINDS[kind];
  await withAdminSession(flags, context, async (session) => {
    const id = { project: session.project(`update ${kind}`), domain: session.domain(`update ${kind}`), name };
    const admin = await session.admin();
    const entity = await callAdmin(`get the metadata of ${title} ${name}`, () =>
      admin.getNamedEntity({ resourceType, id }),
    );
    const currentState = entity.metadata?.state ?? NamedEntityState.NAMED_ENTITY_ACTIVE;
    const currentDescription = entity.metadata?.description ?? "";
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    let state = currentState;
    if (flags.archive === true || flags.activate === true) {
      state = flags.archive === true ? NamedEntityState.NAMED_ENTITY_ARCHIVED : NamedEntityState.NAMED_ENTITY_ACTIVE;
      before.state = enumName(NamedEntityState, currentState);
      after.state = enumName(NamedEntityState, state);
    }
    let description = currentDescription;
    if (flags.description !== undefined && flags.description !== "") {
      description = flags.description;
      before.description = currentDescription;
      after.description = description;
    }
    await applyUpdate(session, flags, {
      resource: `${title} ${name}`,
      before,
      after,
      request: "UpdateNamedEntity",
      apply: async () => {
        await callAdmin(`update the metadata of ${title} ${name}`, () =>
          admin.updateNamedEntity({ resourceType, id, metadata: { state, description } }),
        );
      },
      done: `updated metadata successfully on ${name}`,
    });
  });
}
