import type { Command } from "commander";
import type { CliCommand, CliContext } from "../cli-command.js";
import { addClientOptions } from "../client/client-settings.js";
import { CliError } from "../cli-error.js";
import type { GetExecutionsFlags } from "../resources/executions.js";
import { ATTRIBUTE_KINDS } from "../resources/attributes/attribute-kinds.js";
import { addFilterOptions } from "../resources/filter-options.js";
import { addOutputOption } from "../resources/output-format.js";

const examples = `
Examples:
  aloft get project
  aloft get task -p flytesnacks -d development
  aloft get workflow -p flytesnacks -d development my.wf --latest -o yaml
  aloft get launchplan -p flytesnacks -d development my.wf --version v1 --execFile spec.yaml
  aloft get execution -p flytesnacks -d development --filter.fieldSelector "phase in (FAILED;SUCCEEDED)"
  aloft get execution -p flytesnacks -d development f8e3c1a2b --details
  aloft get node-execution -p flytesnacks -d development --execution f8e3c1a2b
  aloft get task-resource-attribute -p flytesnacks -d development --attrFile tra.yaml`;

/** `aloft get`: flytectl's `get` for projects, entities, executions and matchable attributes. */
export const command: CliCommand = {
  register(program: Command, context: CliContext): void {
    const get = program
      .command("get")
      .summary("show projects, tasks, workflows, launch plans, executions and attributes")
      .description(
        "Fetch resources from admin, as `flytectl get` does: a table by default, or -o json|yaml with the protobuf messages (proto field names).",
      )
      .helpCommand(false)
      .addHelpText("after", examples);

    listing(get, "project", "projects", "[id]", "projects, or the one with this id")
      .description("List admin's projects (filtered, sorted and paged with --filter.*), or show the one with this id.")
      .action(async (id: string | undefined, flags) => {
        const { getProjects } = await import("../resources/projects.js");
        await getProjects(id, flags, context);
      });

    versioned(listing(get, "task", "tasks", "[name]", "tasks, or the versions of one task"))
      .description(
        "List every task version in -p/-d, or the versions of one task (--latest, --version). --execFile writes an execution spec for the task shown first, to edit and pass to `aloft create execution --execFile`.",
      )
      .option("--execFile <file>", "write an execution spec for the task, to edit and pass to create execution")
      .action(async (name: string | undefined, flags) => {
        const { getTasks } = await import("../resources/tasks.js");
        await getTasks(name, flags, context);
      });

    versioned(listing(get, "workflow", "workflows", "[name]", "workflows, or the versions of one workflow"))
      .description(
        "List the workflows of -p/-d (by name), or the versions of one workflow; --latest and --version show one version with its interface and compiled closure.",
      )
      .action(async (name: string | undefined, flags) => {
        const { getWorkflows } = await import("../resources/workflows.js");
        await getWorkflows(name, flags, context);
      });

    versioned(listing(get, "launchplan", "launchplans", "[name]", "launch plans, or the versions of one"))
      .description(
        "List the launch plans of -p/-d (or of one --workflow), or the versions of one launch plan with their state, schedule and inputs. --execFile writes an execution spec with the launch plan's defaults.",
      )
      .option("--execFile <file>", "write an execution spec for the launch plan, to edit and pass to create execution")
      .option("--workflow <name>", "only the launch plans of this workflow")
      .action(async (name: string | undefined, flags) => {
        const { getLaunchPlans } = await import("../resources/launch-plans.js");
        await getLaunchPlans(name, flags, context);
      });

    listing(get, "execution", "executions", "[name]", "executions, or one execution")
      .description(
        'List the executions of -p/-d (filter e.g. with --filter.fieldSelector "phase in (FAILED;SUCCEEDED)"), or show one; --details shows its node and task executions as a tree (with inputs and outputs in JSON/YAML), --nodeID one node.',
      )
      .option("--details", "show the node and task executions (a tree; their inputs and outputs with -o json|yaml)")
      .option("--nodeID <id>", "show only this node of the execution, with its task executions")
      .option(
        "--watch",
        "follow one execution live until it ends (streamed by admin's WatchService, an Aloft extension), then print its outputs",
      )
      .action(async (name: string | undefined, flags: GetExecutionsFlags & { watch?: boolean }) => {
        if (flags.watch === true) {
          if (name === undefined) throw CliError.usage("--watch follows one execution: give its name");
          if (flags.details === true || flags.nodeID !== undefined) {
            throw CliError.usage("--watch shows the execution's progress itself: leave out --details and --nodeID");
          }
          const { followExecutionCommand } = await import("../watch/follow-execution-command.js");
          await followExecutionCommand({ name, flags, context });
          return;
        }
        const { getExecutions } = await import("../resources/executions.js");
        await getExecutions(name, flags, context);
      });

    listing(get, "node-execution", "node-executions", "[node-id]", "the node executions of an execution, or one")
      .description(
        "List the top-level node executions of --execution (or the children of --parent), or show one. An Aloft addition: flytectl has no such command.",
      )
      .option("--execution <name>", "the execution (required)")
      .option("--parent <node-id>", "list the children of this parent node instead of the top-level nodes")
      .action(async (nodeId: string | undefined, flags) => {
        const { getNodeExecutions } = await import("../resources/node-executions.js");
        await getNodeExecutions(nodeId, flags, context);
      });

    for (const kind of ATTRIBUTE_KINDS) {
      const sub = get
        .command(kind.command)
        .alias(kind.alias)
        .summary(`show ${kind.title}`)
        .description(
          `Show the ${kind.title} set for a project (-p), a project and domain (-p, -d) or a workflow of them (the argument). With --attrFile, write them to a file to edit and pass to \`aloft update ${kind.command} --attrFile\`. Example file:\n\nproject: flytesnacks\ndomain: development\n${kind.example}`,
        )
        .argument("[workflow]", "the workflow, for workflow-specific attributes");
      addOutputOption(addClientOptions(sub)).option("--attrFile <file>", "write an editable attribute file");
      if (kind.command === "workflow-execution-config") {
        sub.option("--gen", "when none is set, write a sample instead of failing");
      }
      sub.action(async (workflow: string | undefined, flags) => {
        const { getAttributes } = await import("../resources/attributes/get-attributes.js");
        await getAttributes(kind, workflow, flags, context);
      });
    }
  },
};

/** A `get` sub-command with the global flags, `-o` and the `--filter.*` flags. */
function listing(parent: Command, name: string, alias: string, argument: string, what: string): Command {
  const sub = parent.command(name).alias(alias).summary(`show ${what}`).argument(argument);
  return addFilterOptions(addOutputOption(addClientOptions(sub)));
}

/** Adds `--version` and `--latest`. */
function versioned(command: Command): Command {
  return command.option("--version <version>", "this version only").option("--latest", "the newest version only");
}
