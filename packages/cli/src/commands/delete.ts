import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { addClientOptions } from "../client/client-settings.js";
import { ATTRIBUTE_KINDS } from "../resources/attributes/attribute-kinds.js";
import { addOutputOption } from "../resources/output-format.js";

const examples = `
Examples:
  aloft delete execution -p flytesnacks -d development f8e3c1a2b a7d90c3e1
  aloft delete task-resource-attribute -p flytesnacks -d development
  aloft delete plugin-override -p flytesnacks -d development my.wf
  aloft delete workflow-execution-config --attrFile wec.yaml --dryRun`;

/** `aloft delete`: flytectl's `delete` (terminate executions, remove matchable attributes). */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const remove = program
      .command("delete")
      .summary("terminate executions, remove attributes")
      .description("Terminate executions or delete matchable attributes, as `flytectl delete` does.")
      .helpCommand(false)
      .addHelpText("after", examples);

    const execution = remove
      .command("execution")
      .alias("executions")
      .summary("terminate executions")
      .description(
        "Terminate running executions of -p/-d, in order, stopping at the first that admin refuses. Executions that already ended are not changed.",
      )
      .argument("<names...>", "the executions");
    addOutputOption(addClientOptions(execution))
      .option("--dryRun", "send nothing")
      .action(async (names: string[], flags) => {
        const { terminateExecutions } = await import("../resources/terminate-executions.js");
        await terminateExecutions(names, flags, context);
      });

    for (const kind of ATTRIBUTE_KINDS) {
      const sub = remove
        .command(kind.command)
        .alias(kind.alias)
        .summary(`remove ${kind.title}`)
        .description(
          `Remove the ${kind.title} set for a project (-p), a project and domain (-p, -d) or a workflow of them (the argument); or for the project, domain and workflow named in --attrFile (its other fields are ignored).`,
        )
        .argument("[workflow]", "the workflow, for workflow-specific attributes");
      addOutputOption(addClientOptions(sub))
        .option("--attrFile <file>", "take project, domain and workflow from this attribute file")
        .option("--dryRun", "send nothing")
        .action(async (workflow: string | undefined, flags) => {
          const { deleteAttributes } = await import("../resources/attributes/delete-attributes.js");
          await deleteAttributes(kind, workflow, flags, context);
        });
    }
  },
};
