import { type Task, TaskSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { CliContext } from "../cli-command.js";
import { CliError } from "../cli-error.js";
import { type AdminSession, callAdmin, type SessionFlags, withAdminSession } from "./admin-session.js";
import { taskExecutionSpec } from "./execution-spec-skeleton.js";
import type { FilterFlags } from "./filter-options.js";
import { listRequestParts } from "./list-filters.js";
import { printMessages } from "./print-messages.js";
import { timestampText } from "./proto-text.js";
import type { Column } from "./table.js";
import { describeVariables } from "./variable-descriptions.js";
import { writeEditableFile } from "./yaml-file.js";

/** The flags of `get task`. */
export interface GetTasksFlags extends SessionFlags, FilterFlags {
  version?: string;
  latest?: boolean;
  execFile?: string;
}

/** flytectl's task table (flytectl/cmd/get/task.go). */
const taskColumns: Column<Task>[] = [
  { header: "Version", value: (t) => t.id?.version ?? "" },
  { header: "Name", value: (t) => t.id?.name ?? "" },
  { header: "Type", value: (t) => t.closure?.compiledTask?.template?.type ?? "" },
  {
    header: "Inputs",
    value: (t) => describeVariables(t.closure?.compiledTask?.template?.interface?.inputs?.variables),
  },
  {
    header: "Outputs",
    value: (t) => describeVariables(t.closure?.compiledTask?.template?.interface?.outputs?.variables),
  },
  { header: "Discoverable", value: (t) => String(t.closure?.compiledTask?.template?.metadata?.discoverable ?? false) },
  { header: "Discovery Version", value: (t) => t.closure?.compiledTask?.template?.metadata?.discoveryVersion ?? "" },
  { header: "Created At", value: (t) => timestampText(t.closure?.createdAt) },
];

/**
 * `aloft get task [name]`: every task version in the project and domain, or the versions of one task (all of
 * them, `--latest`, or `--version v`). With `--execFile`, also writes an execution spec for the first one shown.
 *
 * @throws CliError for a name with no versions, a missing version, or `--execFile` without a name.
 */
export async function getTasks(name: string | undefined, flags: GetTasksFlags, context: CliContext): Promise<void> {
  await withAdminSession(flags, context, async (session) => {
    const project = session.project("get task");
    const domain = session.domain("get task");
    if (name === undefined && (flags.version !== undefined || flags.latest === true || flags.execFile !== undefined)) {
      throw CliError.usage("--version, --latest and --execFile need a task name");
    }
    const tasks =
      name === undefined
        ? await listTasks(session, project, domain, "", flags)
        : await tasksNamed(session, project, domain, name, flags);
    if (flags.execFile !== undefined && tasks[0] !== undefined) {
      await writeEditableFile(flags.execFile, taskExecutionSpec(tasks[0]), {
        cwd: context.cwd,
        output: context.output,
      });
      context.output.stderr(`wrote the execution spec to ${flags.execFile}\n`);
    }
    printMessages(context.output, session.format, { schema: TaskSchema, messages: tasks, columns: taskColumns });
  });
}

/** flytectl's FetchTaskForName: `--latest` is the newest under the filters, `--version` one version, else all. */
async function tasksNamed(
  session: AdminSession,
  project: string,
  domain: string,
  name: string,
  flags: GetTasksFlags,
): Promise<Task[]> {
  if (flags.version !== undefined) {
    const admin = await session.admin();
    const id = { resourceType: ResourceType.TASK, project, domain, name, version: flags.version };
    return [await callAdmin(`get task ${name} version ${flags.version}`, () => admin.getTask({ id }))];
  }
  const versions = await listTasks(session, project, domain, name, flags);
  if (versions.length === 0) throw CliError.failure(`no versions of task ${name} in ${project}/${domain}`);
  return flags.latest === true ? versions.slice(0, 1) : versions;
}

async function listTasks(
  session: AdminSession,
  project: string,
  domain: string,
  name: string,
  flags: FilterFlags,
): Promise<Task[]> {
  const admin = await session.admin();
  const request = { id: { project, domain, name }, ...listRequestParts(flags) };
  return (await callAdmin("list tasks", () => admin.listTasks(request))).tasks;
}
