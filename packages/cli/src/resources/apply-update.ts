import { printLines } from "../output.js";
import type { AdminSession } from "./admin-session.js";
import { confirmChanges, type AnswerSource } from "./confirm.js";
import { printData } from "./print-messages.js";
import { diffAsYaml } from "./yaml-diff.js";

/** `--dryRun` and `--force`, which every `update` command takes. */
export interface UpdateFlags {
  dryRun?: boolean;
  force?: boolean;
}

/** One change an `update` command is about to make. */
export interface PlannedUpdate {
  /** What changes, for JSON and YAML output: `project flytesnacks`. */
  resource: string;
  /** The part of the resource that changes, before and after, as plain data (printed as a YAML diff). */
  before: unknown;
  after: unknown;
  /** The admin request skipped by `--dryRun`, named as flytectl does: `UpdateProject`. */
  request: string;
  /** Sends the change. */
  apply(): Promise<void>;
  /** The line printed once applied. */
  done: string;
}

/**
 * flytectl's update sequence (flytectl/cmd/update/*.go): show the changes as a YAML diff, stop when there are
 * none or with `--dryRun`, ask for confirmation unless `--force`, then apply. With `-o json|yaml` the diff is
 * reported as `{resource, before, after, diff, dryRun, applied}` instead of text.
 *
 * @throws CliError when confirmation is needed but impossible, or refused.
 */
export async function applyUpdate(
  session: AdminSession,
  flags: UpdateFlags,
  plan: PlannedUpdate,
  input?: AnswerSource,
): Promise<void> {
  const { output } = session.context;
  const text = session.format === "table";
  const diff = diffAsYaml(plan.before, plan.after);
  const dryRun = flags.dryRun === true;
  const report = (applied: boolean) => {
    if (!text) {
      printData(output, session.format as "json" | "yaml", {
        resource: plan.resource,
        before: plan.before,
        after: plan.after,
        diff,
        dryRun,
        applied,
      });
    }
  };
  if (diff === "") {
    if (text) printLines(output, ["No changes detected. Skipping the update."]);
    report(false);
    return;
  }
  if (text) output.stdout(`The following changes are to be applied.\n${diff}`);
  if (dryRun) {
    if (text) printLines(output, [`skipping ${plan.request} request (dryRun)`]);
    report(false);
    return;
  }
  // With JSON or YAML on stdout, a person asked to confirm still needs to see what they confirm.
  if (!text && flags.force !== true) output.stderr(`The following changes are to be applied.\n${diff}`);
  await confirmChanges(flags.force === true, output, input);
  await plan.apply();
  if (text) printLines(output, [plan.done]);
  report(true);
}
