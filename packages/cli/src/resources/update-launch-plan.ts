import { LaunchPlanState } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { applyUpdate, type UpdateFlags } from "./apply-update.js";
import { enumName } from "./proto-text.js";

/** The flags of `update launchplan`. */
export interface UpdateLaunchPlanFlags extends SessionFlags, UpdateFlags {
  version?: string;
  activate?: boolean;
  deactivate?: boolean;
  /** flytectl's deprecated spelling of `--deactivate`. */
  archive?: boolean;
}

/**
 * `aloft update launchplan <name> --version v --activate|--deactivate`: activates a launch plan version (starting
 * its schedule, deactivating the other versions) or deactivates it (flytectl/cmd/update/launch_plan.go).
 *
 * @throws CliError without a version or a state, for a launch plan that does not exist, or a refused update.
 */
export async function updateLaunchPlan(name: string, flags: UpdateLaunchPlanFlags, context: CliContext): Promise<void> {
  if (flags.version === undefined || flags.version === "") {
    throw CliError.usage("update launchplan needs the version: --version <version>");
  }
  if (flags.archive === true) context.output.stderr("warning: --archive is deprecated, use --deactivate\n");
  const deactivate = flags.deactivate === true || flags.archive === true;
  if (flags.activate === true && deactivate) {
    throw CliError.usage("invalid state: pass either --activate or --deactivate, not both");
  }
  if (flags.activate !== true && !deactivate) {
    throw CliError.usage("update launchplan needs the new state: --activate or --deactivate");
  }
  const state = flags.activate === true ? LaunchPlanState.ACTIVE : LaunchPlanState.INACTIVE;
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("update launchplan");
    const domain = session.domain("update launchplan");
    const admin = await session.admin();
    const id = { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name, version: flags.version as string };
    const current = await callAdmin(`get launch plan ${name} version ${id.version}`, () => admin.getLaunchPlan({ id }));
    await applyUpdate(session, flags, {
      resource: `launch plan ${name} version ${id.version}`,
      before: { state: enumName(LaunchPlanState, current.closure?.state ?? 0) },
      after: { state: enumName(LaunchPlanState, state) },
      request: "LaunchPlanUpdate",
      apply: async () => {
        await callAdmin(`update launch plan ${name}`, () => admin.updateLaunchPlan({ id, state }));
      },
      done: `updated launch plan ${name} version ${id.version} to ${enumName(LaunchPlanState, state)}`,
    });
  });
}
