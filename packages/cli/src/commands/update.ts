import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { addClientOptions } from "../client/client-settings.js";
import { ATTRIBUTE_KINDS } from "../resources/attributes/attribute-kinds.js";
import { parseLabels } from "../resources/labels-option.js";
import { addOutputOption } from "../resources/output-format.js";

const examples = `
Examples:
  aloft update project -p flytesnacks --description "examples" --labels team=ml
  aloft update project -p old-project --archive --force
  aloft update launchplan -p flytesnacks -d development my.wf --version v1 --activate
  aloft update workflow-meta -p flytesnacks -d development my.wf --description "the main one"
  aloft update execution -p flytesnacks -d development f8e3c1a2b --archive
  aloft update task-resource-attribute --attrFile tra.yaml --dryRun`;

const confirmation =
  "The change is shown as a YAML diff first, then applied after confirmation on a terminal; --force applies it without asking (needed when stdin is not a terminal), --dryRun only shows it.";

/** `aloft update`: flytectl's `update` for projects, launch plans, metadata, executions and attributes. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const update = program
      .command("update")
      .summary("change projects, launch plan states, metadata, executions and attributes")
      .description(`Change resources in admin, as \`flytectl update\` does. ${confirmation}`)
      .helpCommand(false)
      .addHelpText("after", examples);

    updating(update, "project", "change a project's name, description, labels or state")
      .description(
        `Change a project (-p, or --id): its name, description and labels, or archive or activate it; or take the changes from --file (YAML: id, name, description, labels: {values: …}; the file's state applies only with --archive or --activate). ${confirmation}`,
      )
      .option("--id <id>", "the project id (default: -p)")
      .option("--name <name>", "the new name")
      .option("--description <text>", "the new description")
      .option("--labels <key=value,...>", "the new labels, comma-separated; repeatable", parseLabels)
      .option("--file <file>", "a YAML project definition instead of the flags")
      .option("--archive", "archive the project")
      .option("--activate", "activate (unarchive) the project")
      .action(async (flags) => {
        const { updateProject } = await import("../resources/projects.js");
        await updateProject(flags, context);
      });

    updating(update, "launchplan", "activate or deactivate a launch plan version")
      .argument("<name>", "the launch plan")
      .option("--version <version>", "the version (required)")
      .option("--activate", "activate it (and its schedule)")
      .option("--deactivate", "deactivate it")
      .option("--archive", "deprecated: --deactivate")
      .action(async (name: string, flags) => {
        const { updateLaunchPlan } = await import("../resources/update-launch-plan.js");
        await updateLaunchPlan(name, flags, context);
      });

    for (const [kind, title] of [
      ["launchplan-meta", "launch plan"],
      ["task-meta", "task"],
      ["workflow-meta", "workflow"],
    ] as const) {
      updating(update, kind, `archive, activate or describe a ${title}`)
        .argument("<name>", `the ${title}`)
        .option("--archive", `archive the ${title}`)
        .option("--activate", `activate the ${title}`)
        .option("--description <text>", "the new description")
        .action(async (name: string, flags) => {
          const { updateNamedEntity } = await import("../resources/update-named-entity.js");
          await updateNamedEntity(kind, name, flags, context);
        });
    }

    updating(update, "execution", "archive or activate an execution")
      .argument("<name>", "the execution")
      .option("--archive", "archive it (hide it from lists)")
      .option("--activate", "activate it again")
      .action(async (name: string, flags) => {
        const { updateExecution } = await import("../resources/update-execution.js");
        await updateExecution(name, flags, context);
      });

    for (const kind of ATTRIBUTE_KINDS) {
      updating(update, kind.command, `set ${kind.title}`)
        .description(
          `Set the ${kind.title} of the project, domain and optional workflow named in --attrFile, replacing what is there. \`aloft get ${kind.command} --attrFile\` writes a file to edit. ${confirmation} Example file:\n\nproject: flytesnacks\ndomain: development\n${kind.example}`,
        )
        .option("--attrFile <file>", "the attribute file (required)")
        .action(async (flags) => {
          const { updateAttributes } = await import("../resources/attributes/update-attributes.js");
          await updateAttributes(kind, flags, context);
        });
    }
  },
};

/** An `update` sub-command with the global flags, `-o`, `--dryRun` and `--force`. */
function updating(parent: Command, name: string, summary: string): Command {
  const sub = parent.command(name).summary(summary);
  return addOutputOption(addClientOptions(sub))
    .option("--dryRun", "show the change and send nothing")
    .option("--force", "apply without asking for confirmation");
}
